import { UsageError } from '@rsrg/core';
import { type ResolvedTrainOptions, resolveTrainOptions, type TrainOptions } from '../options.js';
import type { PottsRbmKernelId } from './kernel/types.js';

/**
 * Training settings of the q-state RBM: those of the Ising RBM (`TrainOptions`, the same presets
 * `chung-kao-2019` and `nmcrg`) plus q. Anything left out comes from the preset. One difference:
 * the initial weights are uniform in [0, initScale] (see `trainPottsRbm`).
 */
export interface PottsTrainOptions extends Omit<TrainOptions, 'kernel'> {
  /** Number of states per site of the data and of the hidden units (2 ≤ q ≤ 256). */
  readonly q: number;
  /** Implementation of the hot loops (`pottsRbmKernels`); not recorded: all give the same bits. */
  readonly kernel?: PottsRbmKernelId;
}

/** The settings a q-state training ran with, defaults filled in (stored in projector files). */
export interface ResolvedPottsTrainOptions extends ResolvedTrainOptions {
  /** Number of states per site. */
  readonly q: number;
}

/** Throws UsageError unless q is an integer in 2..256. */
export function checkPottsStates(q: unknown, owner = 'q-state RBM'): number {
  if (typeof q !== 'number' || !Number.isInteger(q) || q < 2 || q > 256) {
    throw new UsageError(`${owner}: q (states per site) must be an integer from 2 to 256, got ${String(q)}`);
  }
  return q;
}

/** Options merged over their preset and checked; throws UsageError on a bad value. */
export function resolvePottsTrainOptions(options: PottsTrainOptions): ResolvedPottsTrainOptions {
  const q = checkPottsStates(options.q);
  const { q: _, kernel: __, ...rest } = options;
  return { ...resolveTrainOptions(rest), q };
}
