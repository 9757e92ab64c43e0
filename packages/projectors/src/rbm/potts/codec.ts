import { type Codec, defineCodec, FileFormatError } from '@rsrg/core';
import { filterSize, type RbmFilter, rbmFilter } from '../filter.js';
import type { PottsRbmTrainingMetadata, PottsTrainResult } from './training.js';

/** What a q-state RBM projector file holds: q, the filter and, for a trained one, how it was trained. */
export interface PottsRbmProjectorFile {
  /** Number of states per site the filter was made for. */
  readonly q: number;
  /** The filter W of P(μ_J = a | σ) ∝ exp(Σ_k W_k δ(σ_{b·X_J+k}, a)). */
  readonly filter: RbmFilter;
  /** How the filter was trained; absent for a filter made by hand. */
  readonly training?: PottsRbmTrainingMetadata;
}

/** The file of a finished q-state training run. */
export function trainedPottsProjectorFile(result: PottsTrainResult): PottsRbmProjectorFile {
  return { q: result.q, filter: result.filter, training: result.metadata };
}

function isInteger(v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/**
 * q-state RBM projector files (msgpack envelope with checksum, kind `potts-rbm-projector`,
 * version 1). Data: `q` (2..256), `dimension`, `width`, `blockSize` (≥ 2), `weights` (w^d finite
 * float64 numbers, row-major offsets from the block's corner) and optional `training`. The
 * geometry and weights mean what they mean in `rbm-projector` files; a different kind keeps an
 * Ising filter from being read as a q-state one (at q = 2 the two differ by a factor 2).
 * Decoding errors are FileFormatErrors that name the bad field.
 */
export const pottsRbmProjectorCodec: Codec<PottsRbmProjectorFile> = defineCodec<PottsRbmProjectorFile>({
  kind: 'potts-rbm-projector',
  version: 1,
  toData: ({ q, filter, training }) => ({
    q,
    dimension: filter.dimension,
    width: filter.width,
    blockSize: filter.blockSize,
    weights: Array.from(filter.weights),
    ...(training === undefined ? {} : { training }),
  }),
  fromData: (data) => {
    if (typeof data !== 'object' || data === null) {
      throw new FileFormatError('potts-rbm-projector data is not a map');
    }
    const d = data as Record<string, unknown>;
    const bad = (key: string, want: string) =>
      new FileFormatError(
        `potts-rbm-projector field '${key}' must be ${want}, got ${JSON.stringify(d[key])}`,
      );
    if (!isInteger(d.q, 2, 256)) throw bad('q', 'an integer from 2 to 256');
    for (const key of ['dimension', 'width'] as const) {
      if (!isInteger(d[key], 1)) throw bad(key, 'a positive integer');
    }
    // b = 1 is the identity map, for which y = ln λ / ln b is undefined.
    if (!isInteger(d.blockSize, 2)) throw bad('blockSize', 'an integer ≥ 2');
    const dimension = d.dimension as number;
    const width = d.width as number;
    const weights = d.weights;
    const n = filterSize(dimension, width);
    if (!Array.isArray(weights) || weights.length !== n) {
      throw new FileFormatError(
        `potts-rbm-projector field 'weights' must hold ${n} numbers for a ${width}^${dimension} filter, got ${Array.isArray(weights) ? weights.length : typeof weights}`,
      );
    }
    const nonFinite = weights.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (nonFinite >= 0) {
      throw new FileFormatError(
        `potts-rbm-projector weight ${nonFinite} is not a finite number, got ${String(weights[nonFinite])}`,
      );
    }
    if (d.training !== undefined && (typeof d.training !== 'object' || d.training === null)) {
      throw new FileFormatError(`potts-rbm-projector field 'training' must be a map`);
    }
    const filter = rbmFilter({ dimension, width, blockSize: d.blockSize as number, weights });
    const q = d.q as number;
    return d.training === undefined
      ? { q, filter }
      : { q, filter, training: d.training as PottsRbmTrainingMetadata };
  },
});
