import { type Codec, defineCodec, FileFormatError } from '@rsrg/core';

/** What a tunable-majority projector file holds: w, b and, for a tuned one, how w was chosen. */
export interface TunableMajorityFile {
  readonly w: number;
  readonly blockSize: number;
  readonly training?: Readonly<Record<string, unknown>>;
}

/**
 * Tunable-majority projector files (an rsrg envelope, kind `tunable-majority`, version 1):
 * `w` (a number ≥ 0), `blockSize` (an integer ≥ 2) and an optional `training` record. The
 * `tunable-majority` projector reads them as its `weights` option.
 */
export const tunableMajorityCodec: Codec<TunableMajorityFile> = defineCodec<TunableMajorityFile>({
  kind: 'tunable-majority',
  version: 1,
  toData: ({ w, blockSize, training }) => ({ w, blockSize, ...(training && { training }) }),
  fromData: (data) => {
    if (typeof data !== 'object' || data === null)
      throw new FileFormatError('tunable-majority data is not a map');
    const d = data as Record<string, unknown>;
    if (typeof d.w !== 'number' || !(d.w >= 0)) {
      throw new FileFormatError(
        `tunable-majority field 'w' must be a number ≥ 0, got ${JSON.stringify(d.w)}`,
      );
    }
    if (typeof d.blockSize !== 'number' || !Number.isInteger(d.blockSize) || d.blockSize < 2) {
      throw new FileFormatError(
        `tunable-majority field 'blockSize' must be an integer ≥ 2, got ${JSON.stringify(d.blockSize)}`,
      );
    }
    if (d.training !== undefined && (typeof d.training !== 'object' || d.training === null)) {
      throw new FileFormatError("tunable-majority field 'training' must be a map");
    }
    return {
      w: d.w,
      blockSize: d.blockSize,
      ...(d.training !== undefined && { training: d.training as Record<string, unknown> }),
    };
  },
});
