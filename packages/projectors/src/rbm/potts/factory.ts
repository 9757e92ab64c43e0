import { readFileSync } from 'node:fs';
import { type ProjectorFactory, readOptions, UsageError } from '@rsrg/core';
import { pottsRbmProjectorCodec } from './codec.js';
import { type PottsRbmKernelId, pottsRbmKernels } from './kernel/index.js';
import { type PottsRbmProjector, pottsRbmProjector } from './projector.js';

/**
 * Reads a `potts-rbm-projector` file. With `q`, checks that the file was made for q states;
 * with `blockSize`, that its filter has that stride.
 */
export function loadPottsRbmProjector(
  path: string,
  options: { q?: number; blockSize?: number; kernel?: PottsRbmKernelId } = {},
): PottsRbmProjector {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UsageError(`cannot read q-state RBM projector file ${path}: ${(err as Error).message}`);
  }
  const file = pottsRbmProjectorCodec.decode(bytes, path);
  if (options.q !== undefined && options.q !== file.q) {
    throw new UsageError(`${path} holds a filter for q = ${file.q} states, not q = ${options.q}`);
  }
  if (options.blockSize !== undefined && options.blockSize !== file.filter.blockSize) {
    throw new UsageError(
      `${path} holds a filter with block size ${file.filter.blockSize}, not ${options.blockSize}`,
    );
  }
  return pottsRbmProjector(file, { kernel: options.kernel });
}

/**
 * The registry entry `potts-rbm`: the q-state RBM weight factor. Options: `weights` (required):
 * path to a `potts-rbm-projector` file; `q`: the model's states per site, checked against the
 * file's (the file's q when absent); `blockSize`: a check of the filter's b; `kernel`: the
 * implementation of the hot loops.
 */
export const pottsRbm: ProjectorFactory = {
  id: 'potts-rbm',
  description:
    'learned q-state RBM weight factor: P(μ=a|σ) ∝ exp(Σ_k W_k δ(σ_{bX+k}, a)), stride b, periodic',
  create(options) {
    const { weights, q, blockSize, kernel } = readOptions("projector 'potts-rbm'", options, {
      weights: { kind: 'string' },
      q: { kind: 'integer', min: 2, max: 256 },
      // b = 1 is the identity map, for which y = ln λ / ln b is undefined.
      blockSize: { kind: 'integer', min: 2 },
      kernel: { kind: 'string', choices: Object.keys(pottsRbmKernels) },
    });
    if (weights === undefined || weights === '') {
      throw new UsageError(
        "projector 'potts-rbm' needs option 'weights': the path to a trained projector file",
      );
    }
    return loadPottsRbmProjector(weights, { q, blockSize, kernel: kernel as PottsRbmKernelId | undefined });
  },
};
