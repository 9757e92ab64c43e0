import { readFileSync } from 'node:fs';
import { type ProjectorFactory, UsageError } from '@rsrg/core';
import { rbmProjectorCodec, readWeightDat } from './codec.js';
import { type RbmKernelId, rbmKernels } from './kernel/index.js';
import { type RbmProjector, rbmProjector } from './projector.js';

/**
 * Reads a projector file: `format` 'rsrg' (an `rbm-projector` msgpack file) or 'weight.dat'
 * (raw float32, see `readWeightDat`); by default a name ending in `.dat` is weight.dat.
 */
export function loadRbmProjector(
  path: string,
  options: { format?: string; blockSize?: number; kernel?: RbmKernelId } = {},
): RbmProjector {
  const run = { kernel: options.kernel };
  const format = options.format ?? (path.toLowerCase().endsWith('.dat') ? 'weight.dat' : 'rsrg');
  if (format !== 'rsrg' && format !== 'weight.dat') {
    throw new UsageError(`unknown RBM projector file format '${format}' (known: rsrg, weight.dat)`);
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UsageError(`cannot read RBM projector file ${path}: ${(err as Error).message}`);
  }
  if (format === 'weight.dat') {
    return rbmProjector(readWeightDat(bytes, { blockSize: options.blockSize, source: path }), run);
  }
  const file = rbmProjectorCodec.decode(bytes, path);
  if (options.blockSize !== undefined && options.blockSize !== file.filter.blockSize) {
    throw new UsageError(
      `${path} holds a filter with block size ${file.filter.blockSize}, not ${options.blockSize}`,
    );
  }
  return rbmProjector(file.filter, run);
}

/**
 * The registry entry `rbm`. Options: `weights` (required): path to a projector file;
 * `format`: 'rsrg' or 'weight.dat' (default from the name); `blockSize`: b of a weight.dat
 * filter (default 2); `kernel`: 'wasm' (default) or 'js', the implementation of the hot loops.
 */
export const rbm: ProjectorFactory = {
  id: 'rbm',
  description: 'learned RBM weight factor of Chung & Kao (a trained filter, stride b, periodic)',
  create(options) {
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined && !['weights', 'format', 'blockSize', 'kernel'].includes(key)) {
        throw new UsageError(
          `projector 'rbm' has no option '${key}' (known: weights, format, blockSize, kernel)`,
        );
      }
    }
    const { weights, format, kernel } = options;
    if (typeof weights !== 'string' || weights === '') {
      throw new UsageError("projector 'rbm' needs option 'weights': the path to a trained projector file");
    }
    if (format !== undefined && typeof format !== 'string') {
      throw new UsageError(`projector 'rbm': format must be a string`);
    }
    const raw = options.blockSize;
    const blockSize = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (
      blockSize !== undefined &&
      (typeof blockSize !== 'number' || !Number.isInteger(blockSize) || blockSize < 1)
    ) {
      throw new UsageError(`projector 'rbm': blockSize must be a positive integer, got ${String(raw)}`);
    }
    if (kernel !== undefined && (typeof kernel !== 'string' || !Object.hasOwn(rbmKernels, kernel))) {
      throw new UsageError(
        `projector 'rbm': kernel must be one of ${Object.keys(rbmKernels).join(', ')}, got ${String(kernel)}`,
      );
    }
    return loadRbmProjector(weights, { format, blockSize, kernel: kernel as RbmKernelId | undefined });
  },
};
