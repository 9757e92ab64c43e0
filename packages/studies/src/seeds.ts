import { Rng } from '@rsrg/core';

/**
 * The seeds of a run that trains a projector and measures with it, derived from one master
 * seed S so that the three sets of configurations are independent of each other:
 *
 * - `trainingData` = derive(S, 1): the ensemble the projector is trained on;
 * - `evaluation`   = derive(S, 2): the fresh configurations on which y_t is followed during
 *   training;
 * - `measurement`  = derive(S, 3): the MCRG measurement that compares the projectors;
 * - `training`     = S: the trainer's own randomness (initial filter, shuffles, CD chains).
 *
 * derive(S, k) takes the first two outputs u₀, u₁ of `Rng.stream(S, 2⁴⁰ + k)` and returns the
 * 53-bit integer (u₀ >>> 11)·2³² + u₁. Stream indices from 2⁴⁰ up are used for nothing else,
 * and every ensemble draws its chains from streams of its own derived seed, so no random
 * number is shared between training, evaluation and measurement.
 */
export interface RunSeeds {
  /** S, the seed the run was given. */
  readonly master: number;
  /** derive(S, 1): the training ensemble. */
  readonly trainingData: number;
  /** derive(S, 2): the evaluation ensemble (and its projector streams). */
  readonly evaluation: number;
  /** derive(S, 3): the MCRG measurement. */
  readonly measurement: number;
  /** S: the trainer's own randomness. */
  readonly training: number;
}

const DERIVED_STREAM_BASE = 2n ** 40n;

/** derive(S, k) of `RunSeeds`: a safe integer below 2⁵³. */
export function deriveSeed(seed: number, purpose: number): number {
  const rng = Rng.stream(seed, DERIVED_STREAM_BASE + BigInt(purpose));
  const hi = rng.nextU32() >>> 11;
  const lo = rng.nextU32();
  return hi * 2 ** 32 + lo;
}

/** The seeds of a run with master seed `seed` (see `RunSeeds`). */
export function runSeeds(seed: number): RunSeeds {
  return {
    master: seed,
    trainingData: deriveSeed(seed, 1),
    evaluation: deriveSeed(seed, 2),
    measurement: deriveSeed(seed, 3),
    training: seed,
  };
}
