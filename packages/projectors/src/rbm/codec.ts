import { type Codec, defineCodec, FileFormatError, isRsrgFile, UnsupportedError } from '@rsrg/core';
import { filterSize, type RbmFilter, rbmFilter } from './filter.js';
import type { RbmTrainingMetadata, TrainResult } from './training.js';

/** What a projector file holds: the filter and, for a trained one, how it was trained. */
export interface RbmProjectorFile {
  /** The RBM weight filter W that defines the projector. */
  readonly filter: RbmFilter;
  /** How the filter was trained; absent for a filter made by hand or imported from weight.dat. */
  readonly training?: RbmTrainingMetadata;
}

/** The file of a finished training run. */
export function trainedProjectorFile(result: TrainResult): RbmProjectorFile {
  return { filter: result.filter, training: result.metadata };
}

/** The largest finite float32: weights beyond it cannot be written to weight.dat. */
const FLOAT32_MAX = 3.4028234663852886e38;

function isInteger(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min;
}

/** Whether v is a weight any file format can hold: finite and within the float32 range. */
function isWeight(v: unknown): v is number {
  return typeof v === 'number' && Math.abs(v) <= FLOAT32_MAX;
}

/**
 * Projector files (msgpack envelope, kind `rbm-projector`, version 1). Data: `dimension`,
 * `width`, `blockSize` (≥ 2), `weights` (w^d float64 numbers, row-major offsets from the
 * block's corner, each finite and within the float32 range so that weight.dat can hold it too)
 * and optional `training` (options, seed, data description, versions, per-epoch history).
 * Decoding errors are FileFormatErrors that name the bad field. The width is bounded by the
 * weights present; whether the filter fits a lattice is the layout's to say, at use.
 */
export const rbmProjectorCodec: Codec<RbmProjectorFile> = defineCodec<RbmProjectorFile>({
  kind: 'rbm-projector',
  version: 1,
  toData: ({ filter, training }) => ({
    dimension: filter.dimension,
    width: filter.width,
    blockSize: filter.blockSize,
    weights: Array.from(filter.weights),
    ...(training === undefined ? {} : { training }),
  }),
  fromData: (data) => {
    if (typeof data !== 'object' || data === null) {
      throw new FileFormatError('rbm-projector data is not a map');
    }
    const d = data as Record<string, unknown>;
    for (const key of ['dimension', 'width'] as const) {
      if (!isInteger(d[key], 1)) {
        throw new FileFormatError(
          `rbm-projector field '${key}' must be a positive integer, got ${JSON.stringify(d[key])}`,
        );
      }
    }
    // b = 1 is the identity map, for which y = ln λ / ln b is undefined.
    if (!isInteger(d.blockSize, 2)) {
      throw new FileFormatError(
        `rbm-projector field 'blockSize' must be an integer ≥ 2, got ${JSON.stringify(d.blockSize)}`,
      );
    }
    const dimension = d.dimension as number;
    const width = d.width as number;
    const weights = d.weights;
    const n = filterSize(dimension, width);
    if (!Array.isArray(weights) || weights.length !== n) {
      throw new FileFormatError(
        `rbm-projector field 'weights' must hold ${n} numbers for a ${width}^${dimension} filter, got ${Array.isArray(weights) ? weights.length : typeof weights}`,
      );
    }
    const bad = weights.findIndex((v) => !isWeight(v));
    if (bad >= 0) {
      throw new FileFormatError(
        `rbm-projector weight ${bad} is not a finite number within the float32 range (|w| ≤ ${FLOAT32_MAX}), got ${String(weights[bad])}`,
      );
    }
    if (d.training !== undefined && (typeof d.training !== 'object' || d.training === null)) {
      throw new FileFormatError(`rbm-projector field 'training' must be a map`);
    }
    const filter = rbmFilter({ dimension, width, blockSize: d.blockSize as number, weights });
    return d.training === undefined ? { filter } : { filter, training: d.training as RbmTrainingMetadata };
  },
});

/**
 * The authors' `weight.dat`: the 2D filter as raw little-endian float32, w×w row-major, entry
 * (a, c) at index a·w + c being the weight of the fine spin at offset (a, c) from the block's
 * top-left site. w is inferred from the length (4w² bytes); b is not stored (default 2).
 * Throws FileFormatError on a length that is not 4w² or a non-finite value.
 */
export function readWeightDat(
  bytes: Uint8Array,
  options: { blockSize?: number; source?: string } = {},
): RbmFilter {
  const source = options.source ?? 'weight.dat';
  // An rsrg file can have 4·w² bytes too: refuse it by name rather than read msgpack as floats.
  if (isRsrgFile(bytes)) {
    throw new FileFormatError(`${source} is an rsrg file, not a weight.dat filter (raw float32 weights)`);
  }
  const count = bytes.byteLength / 4;
  const w = Math.round(Math.sqrt(count));
  if (bytes.byteLength === 0 || !Number.isInteger(count) || w * w !== count) {
    throw new FileFormatError(
      `${source} has ${bytes.byteLength} bytes; a weight.dat filter is w×w float32, 4·w² bytes (e.g. 256 for w = 8)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const weights = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const v = view.getFloat32(4 * k, true);
    if (!Number.isFinite(v)) {
      throw new FileFormatError(`${source}: weight ${k} is not a finite number (${v})`);
    }
    weights[k] = v;
  }
  return rbmFilter({ dimension: 2, width: w, blockSize: options.blockSize ?? 2, weights });
}

/** A 2D filter as `weight.dat` bytes (float32: weights are rounded to single precision). */
export function writeWeightDat(filter: RbmFilter): Uint8Array {
  if (filter.dimension !== 2) {
    throw new UnsupportedError(`weight.dat holds 2D filters; this filter is ${filter.dimension}-dimensional`);
  }
  const out = new Uint8Array(4 * filter.weights.length);
  const view = new DataView(out.buffer);
  for (let k = 0; k < filter.weights.length; k++) {
    const w = filter.weights[k];
    if (!isWeight(w)) {
      throw new UnsupportedError(`weight.dat holds float32; weight ${k} (${w}) is beyond its range`);
    }
    view.setFloat32(4 * k, w, true);
  }
  return out;
}
