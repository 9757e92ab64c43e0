/**
 * What crosses the worker boundary, as types only: the task of one chain, its progress
 * messages and what it hands back. A chain run in this thread speaks the same language, so
 * the drivers do not care where it ran.
 */
import type { MessagePort } from 'node:worker_threads';
import type { PlainError } from '@rsrg/core';
import type { Accumulator } from './accumulator.js';
import type { ResolvedMcrgConfig, ResolvedSamplingConfig } from './config/types.js';

/** The phase a chain is in: before the first kept configuration, or keeping them. */
export type ChainPhase = 'thermalize' | 'measure';

/**
 * One chain of an MCRG run for a worker thread: the registry's plugin modules, the resolved
 * config, the chain index; with `configurations`, the chain's chunk of stored configurations
 * (bit-packed) is measured instead of sampled.
 */
export interface ChainTask {
  readonly kind: 'measure';
  readonly sources: readonly string[];
  readonly config: ResolvedMcrgConfig;
  readonly chain: number;
  readonly configurations?: Uint8Array;
  /** Receives `ChainProgress` messages about every 1% of the chain. */
  readonly port: MessagePort;
}

/** One chain of `sampleEnsemble` for a worker thread. */
export interface SampleTask {
  readonly kind: 'sample';
  readonly sources: readonly string[];
  readonly config: ResolvedSamplingConfig;
  readonly chain: number;
  readonly port: MessagePort;
}

export type WorkerTask = ChainTask | SampleTask;

/** A progress message: `moves` more sampler moves done in `phase`. */
export interface ChainProgress {
  readonly moves: number;
  readonly phase: ChainPhase;
}

/**
 * Progress of one chain: `moves` more sampler moves are done, in `phase` (when measuring
 * stored configurations, `moves` counts configurations). In a worker it becomes a
 * `ChainProgress` message.
 */
export type ChainTick = (moves: number, phase: ChainPhase) => void | Promise<void>;

/** What one measuring chain hands back: its bins and the numbers a report needs. */
export interface ChainResult {
  /** The chain's index c, 0..chains−1. */
  readonly chain: number;
  /** The bins of every projector of the run, in the run's projector order. */
  readonly accumulators: readonly Accumulator[];
  /** τ_int of the level-0 first even coupling, in measurements (NaN without even couplings). */
  readonly tau: number;
  /** The Madras–Sokal error of `tau`. */
  readonly tauError: number;
  /** Sampler moves and spins they updated, over the measurement phase (0 for stored configurations). */
  readonly moves: number;
  /** Spins updated by those moves. */
  readonly spinsUpdated: number;
}

/** What one sampling chain of `sampleEnsemble` hands back. */
export interface EnsembleChain {
  /** The chain's index c, 0..chains−1. */
  readonly chain: number;
  /** `chainSamples(samples, chains, chain)` bit-packed configurations. */
  readonly packed: Uint8Array;
  /** Sampler moves after thermalization. */
  readonly moves: number;
  /** Spins updated by those moves. */
  readonly spinsUpdated: number;
}

/**
 * What a worker throws when its chain fails: the error as plain data (core's
 * `RsrgError.toPlain`), which the pool revives, so a usage error stays a usage error.
 */
export type ChainFailure = PlainError;
