import { readFileSync } from 'node:fs';
import { type ProjectorFactory, readOptions, UsageError } from '@rsrg/core';
import { rbmProjectorCodec, readWeightDat } from './codec.js';
import { type RbmKernelId, rbmKernels } from './kernel/index.js';
import { type RbmProjector, rbmProjector } from './projector.js';

const FORMATS = ['rsrg', 'weight.dat'] as const;

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
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown RBM projector file format '${format}' (known: ${FORMATS.join(', ')})`);
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
 * filter (default 2; for an rsrg file, a check of the stored b); `kernel`: 'wasm' (default) or
 * 'js', the implementation of the hot loops.
 */
export const rbm: ProjectorFactory = {
  id: 'rbm',
  description: 'learned RBM weight factor of Chung & Kao (a trained filter, stride b, periodic)',
  fileKind: rbmProjectorCodec.kind,
  create(options) {
    const { weights, format, blockSize, kernel } = readOptions("projector 'rbm'", options, {
      weights: { kind: 'string' },
      format: { kind: 'string', choices: FORMATS },
      // b = 1 is the identity map, for which y = ln λ / ln b is undefined.
      blockSize: { kind: 'integer', min: 2 },
      kernel: { kind: 'string', choices: Object.keys(rbmKernels) },
    });
    if (weights === undefined || weights === '') {
      throw new UsageError("projector 'rbm' needs option 'weights': the path to a trained projector file");
    }
    return loadRbmProjector(weights, { format, blockSize, kernel: kernel as RbmKernelId | undefined });
  },
};
