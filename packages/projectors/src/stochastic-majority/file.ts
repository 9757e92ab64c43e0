import { type Codec, defineCodec, FileFormatError } from '@rsrg/core';

/** The kind of stochastic-majority projector files, as their envelope names it. */
export const STOCHASTIC_MAJORITY_FILE_KIND = 'stochastic-majority';

/** What a stochastic-majority projector file holds: θ = (w, w₁), b and, for a tuned rule, how θ was chosen. */
export interface StochasticMajorityFile {
  /** Weight w ≥ 0 of the block sum (Infinity: majority rule). */
  readonly w: number;
  /** Weight w₁ (finite) of the block's first neighbour shell. */
  readonly w1: number;
  /** Block side b ≥ 2. */
  readonly blockSize: number;
  /** How θ was chosen: the trainer's record (objective values, options, data). */
  readonly training?: Readonly<Record<string, unknown>>;
}

/**
 * Stochastic-majority projector files (an rsrg envelope, kind `stochastic-majority`, version 1):
 * `w` (a number ≥ 0 or Infinity), `w1` (a finite number), `blockSize` (an integer ≥ 2) and an
 * optional `training` record. The `stochastic-majority` projector reads them as `weights`.
 */
export const stochasticMajorityCodec: Codec<StochasticMajorityFile> = defineCodec<StochasticMajorityFile>({
  kind: STOCHASTIC_MAJORITY_FILE_KIND,
  version: 1,
  toData: ({ w, w1, blockSize, training }) => ({ w, w1, blockSize, ...(training && { training }) }),
  fromData: (data) => {
    if (typeof data !== 'object' || data === null)
      throw new FileFormatError('stochastic-majority data is not a map');
    const d = data as Record<string, unknown>;
    if (typeof d.w !== 'number' || !(d.w >= 0)) {
      throw new FileFormatError(
        `stochastic-majority field 'w' must be a number ≥ 0, got ${JSON.stringify(d.w)}`,
      );
    }
    if (typeof d.w1 !== 'number' || !Number.isFinite(d.w1)) {
      throw new FileFormatError(
        `stochastic-majority field 'w1' must be a finite number, got ${JSON.stringify(d.w1)}`,
      );
    }
    if (typeof d.blockSize !== 'number' || !Number.isInteger(d.blockSize) || d.blockSize < 2) {
      throw new FileFormatError(
        `stochastic-majority field 'blockSize' must be an integer ≥ 2, got ${JSON.stringify(d.blockSize)}`,
      );
    }
    if (d.training !== undefined && (typeof d.training !== 'object' || d.training === null)) {
      throw new FileFormatError("stochastic-majority field 'training' must be a map");
    }
    return {
      w: d.w,
      w1: d.w1,
      blockSize: d.blockSize,
      ...(d.training !== undefined && { training: d.training as Record<string, unknown> }),
    };
  },
});
