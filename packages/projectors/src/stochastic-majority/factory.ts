import { readFileSync } from 'node:fs';
import { type ProjectorFactory, type ProjectorOptions, readOptions, UsageError } from '@rsrg/core';
import {
  STOCHASTIC_MAJORITY_FILE_KIND,
  type StochasticMajorityFile,
  stochasticMajorityCodec,
} from './file.js';
import {
  STOCHASTIC_MAJORITY_ID,
  type StochasticMajorityProjector,
  stochasticMajorityProjector,
} from './rule.js';

/** Reads a stochastic-majority projector file (a missing file is a usage error, a damaged one a FileFormatError). */
export function readStochasticMajorityFile(path: string): StochasticMajorityFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UsageError(
      `cannot read ${STOCHASTIC_MAJORITY_ID} projector file ${path}: ${(err as Error).message}`,
    );
  }
  return stochasticMajorityCodec.decode(bytes, path);
}

/** The projector of a stochastic-majority file's bytes. */
export function stochasticMajorityFromFile(bytes: Uint8Array, source?: string): StochasticMajorityProjector {
  const file = stochasticMajorityCodec.decode(bytes, source);
  return stochasticMajorityProjector({ w: file.w, w1: file.w1 }, file.blockSize);
}

/**
 * `stochastic-majority`: options `w` (≥ 0 or Infinity, default 1), `w1` (default 0) and
 * `blockSize` (default 2), or `weights`: the path of a projector file (kind
 * `stochastic-majority`, e.g. written by trainer `rg-convergence`) that holds all three.
 */
export const stochasticMajority: ProjectorFactory = {
  id: STOCHASTIC_MAJORITY_ID,
  description:
    'stochastic majority rule: P(μ_B|σ) ∝ exp(μ_B h_B), h_B = w Σ_B σ + w1 Σ_shell(B) σ on b^d blocks; w → ∞ is majority rule (options w, default 1; w1, default 0; blockSize, default 2; or weights, a tuned file)',
  fileKind: STOCHASTIC_MAJORITY_FILE_KIND,
  create(options: ProjectorOptions): StochasticMajorityProjector {
    const o = readOptions(`projector '${STOCHASTIC_MAJORITY_ID}'`, options, {
      w: { kind: 'number', min: 0 },
      w1: { kind: 'number' },
      blockSize: { kind: 'integer', min: 2 },
      weights: { kind: 'string' },
    });
    if (o.weights === undefined) {
      return stochasticMajorityProjector({ w: o.w ?? 1, w1: o.w1 ?? 0 }, o.blockSize ?? 2);
    }
    if (o.w !== undefined || o.w1 !== undefined) {
      throw new UsageError(
        `projector '${STOCHASTIC_MAJORITY_ID}': give w and w1 or weights (a tuned file), not both`,
      );
    }
    const file = readStochasticMajorityFile(o.weights);
    if (o.blockSize !== undefined && o.blockSize !== file.blockSize) {
      throw new UsageError(`${o.weights} holds a rule with block size ${file.blockSize}, not ${o.blockSize}`);
    }
    return stochasticMajorityProjector({ w: file.w, w1: file.w1 }, file.blockSize);
  },
};
