import { readFileSync } from 'node:fs';
import {
  type Lattice,
  type Projector,
  type ProjectorFactory,
  type ProjectorKernel,
  type ProjectorOptions,
  type Rng,
  readOptions,
  type SpinEncoding,
  type Spins,
  UnsupportedError,
  UsageError,
} from '@rsrg/core';
import { type TunableMajorityFile, tunableMajorityCodec } from './file.js';

/** The id this plugin registers. */
export const TUNABLE_MAJORITY_ID = 'tunable-majority';

/** Default weight w: a soft majority rule. */
export const DEFAULT_WEIGHT = 1;

/** Default block side b. */
export const DEFAULT_BLOCK_SIZE = 2;

const TWO_POW_32 = 4294967296;

/** Swendsen's tunable majority rule with its weight `w` on show. */
export interface TunableMajorityProjector extends Projector {
  /** The weight w ≥ 0 of P(μ|σ) ∝ exp(w μ Σ_block σ); Infinity is the majority rule. */
  readonly w: number;
}

/** The parsed options of `tunable-majority`. */
export interface TunableMajorityOptions {
  readonly w: number;
  readonly blockSize: number;
}

/**
 * Reads the options `w` (a real ≥ 0 or Infinity, default 1) and `blockSize` (an integer ≥ 2,
 * default 2), as numbers or numeric strings. Unknown keys are rejected so that a misspelt
 * option does not silently fall back to its default.
 */
export function tunableMajorityOptions(options: ProjectorOptions): TunableMajorityOptions {
  return readOptions(`projector '${TUNABLE_MAJORITY_ID}'`, options, {
    // w < 0 would favour the minority, which is no majority rule.
    w: { kind: 'number', default: DEFAULT_WEIGHT, min: 0 },
    // b = 1 is the identity map, for which y = ln λ / ln b is undefined.
    blockSize: { kind: 'integer', default: DEFAULT_BLOCK_SIZE, min: 2 },
  });
}

/**
 * The v + 1 single-block probabilities: entry k is P(μ_J | σ) for μ_J·Σ_block σ = 2k − v,
 * that is e^{wx}/(e^{wx} + e^{−wx}) = 1/(1 + e^{−2wx}) with x = 2k − v. Depending on μ·Σ
 * only makes the rule exactly Z2 symmetric. w = Infinity gives 1, 0 and ½ at a tie.
 */
export function blockProbabilities(w: number, v: number): Float64Array {
  const p = new Float64Array(v + 1);
  for (let k = 0; k <= v; k++) {
    const x = 2 * k - v;
    // x = 0 first: Infinity · 0 is NaN.
    const a = x === 0 ? 0 : 2 * w * x;
    // Both branches evaluate exp of a non-positive number, so neither overflows.
    p[k] = a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
  }
  return p;
}

/**
 * The tunable majority rule, the pure kernel: for each coarse site J < n in order, the block
 * sum s = Σ_{k<v} σ[blocks[J·v + k]], one xoshiro128** draw r from the state `rng` (advanced
 * in place, bit-identical to `Rng.nextU32`), and μ_J = +1 iff r < thresholds[(s + v)/2],
 * where thresholds[k] = 2^32 · P(μ_J = +1 | s = 2k − v). Exactly n draws, whatever σ is.
 */
export function tunableMajorityRule(
  fine: Int8Array,
  blocks: Int32Array,
  v: number,
  thresholds: Float64Array,
  coarse: Int8Array,
  n: number,
  rng: Uint32Array,
): void {
  let s0 = rng[0];
  let s1 = rng[1];
  let s2 = rng[2];
  let s3 = rng[3];
  let k = 0;
  for (let J = 0; J < n; J++) {
    let sum = 0;
    const end = k + v;
    for (; k < end; k++) sum += fine[blocks[k]];
    // xoshiro128** step, as in Rng.nextU32.
    const m = Math.imul(s1, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s1 ^= n2;
    s0 ^= n3;
    s2 = n2 ^ t;
    s3 = (n3 << 11) | (n3 >>> 21);
    // r · 2^−32 < p, i.e. Rng.nextFloat() < p, compared without rounding.
    coarse[J] = r < thresholds[(sum + v) >> 1] ? 1 : -1;
  }
  rng[0] = s0;
  rng[1] = s1;
  rng[2] = s2;
  rng[3] = s3;
}

function blockSupport(b: number, lattice: Lattice): string | undefined {
  return lattice.divisibleBy(b)
    ? undefined
    : `lattice ${lattice.label} is not divisible into blocks of side ${b}`;
}

function assertBlockSupport(b: number, lattice: Lattice): void {
  const reason = blockSupport(b, lattice);
  if (reason) throw new UnsupportedError(`projector '${TUNABLE_MAJORITY_ID}': ${reason}`);
}

/**
 * Swendsen's one-parameter family of block rules on blocks of side b (b^d spins, any
 * dimension): P(μ|σ) = Π_J e^{w μ_J s_J} / (2 cosh(w s_J)), s_J the sum of block J.
 * w = 0 is a fair coin per block; w → ∞ is the majority rule with ties broken by a fair coin.
 */
export function tunableMajorityProjector(
  w: number,
  b: number = DEFAULT_BLOCK_SIZE,
): TunableMajorityProjector {
  tunableMajorityOptions({ w, blockSize: b });
  return {
    id: TUNABLE_MAJORITY_ID,
    blockSize: b,
    w,
    // A rule on block sums of ±1 spins: q-state spins are refused, not summed.
    supports: (lattice, spins) =>
      spins?.kind === 'state' ? 'the tunable majority rule takes Ising ±1 spins' : blockSupport(b, lattice),
    create(fine: Lattice, spins?: SpinEncoding): ProjectorKernel {
      if (spins?.kind === 'state')
        throw new UnsupportedError('tunable-majority: the rule takes Ising ±1 spins');
      assertBlockSupport(b, fine);
      const coarse = fine.coarsen(b);
      const blocks = fine.window(b, b);
      const v = b ** fine.dimension;
      const n = coarse.volume;
      // Index (s + v)/2 of the table is μ·s = s for μ = +1; scaled to compare with raw draws.
      const thresholds = blockProbabilities(w, v).map((p) => p * TWO_POW_32);
      const kernel: ProjectorKernel = {
        fine,
        coarse,
        apply(sigma: Spins, mu: Spins, rng: Rng): void {
          if (sigma.length !== fine.volume || mu.length !== n) {
            throw new UsageError(
              `projector '${TUNABLE_MAJORITY_ID}' expects ${fine.volume} → ${n} spins, got ${sigma.length} → ${mu.length}`,
            );
          }
          tunableMajorityRule(sigma, blocks, v, thresholds, mu, n, rng.s);
        },
      };
      return kernel;
    },
    probability(fine: Lattice, sigma: Spins, mu: Spins): number {
      assertBlockSupport(b, fine);
      const blocks = fine.window(b, b);
      const v = b ** fine.dimension;
      const n = blocks.length / v;
      if (sigma.length !== fine.volume || mu.length !== n) {
        throw new UsageError(
          `projector '${TUNABLE_MAJORITY_ID}': expected ${fine.volume} → ${n} spins, got ${sigma.length} → ${mu.length}`,
        );
      }
      const table = blockProbabilities(w, v);
      let p = 1;
      for (let J = 0; J < n; J++) {
        let sum = 0;
        for (let k = J * v; k < (J + 1) * v; k++) sum += sigma[blocks[k]];
        p *= table[(mu[J] * sum + v) >> 1];
      }
      return p;
    },
  };
}

/**
 * `tunable-majority`: options `w` (default 1) and `blockSize` (default 2), or `weights`: the
 * path of a projector file (`tunableMajorityCodec`, written by trainer `tunable-majority`) that
 * holds both.
 */
export const tunableMajority: ProjectorFactory = {
  id: TUNABLE_MAJORITY_ID,
  description:
    "Swendsen's tunable majority rule: P(μ|σ) ∝ exp(w μ Σ_block σ) on b^d blocks; w → ∞ is majority rule (options w, default 1; blockSize, default 2; or weights, a trained file)",
  create(options: ProjectorOptions): TunableMajorityProjector {
    const { weights, ...rest } = options;
    if (weights === undefined) {
      const { w, blockSize } = tunableMajorityOptions(rest);
      return tunableMajorityProjector(w, blockSize);
    }
    if (rest.w !== undefined) {
      throw new UsageError(
        `projector '${TUNABLE_MAJORITY_ID}': give w or weights (a trained file), not both`,
      );
    }
    const { blockSize } = tunableMajorityOptions(rest);
    const file = readTunableMajorityFile(String(weights));
    if (rest.blockSize !== undefined && blockSize !== file.blockSize) {
      throw new UsageError(`${weights} holds a rule with block size ${file.blockSize}, not ${blockSize}`);
    }
    return tunableMajorityProjector(file.w, file.blockSize);
  },
};

/** Reads a tunable-majority projector file (a missing file is a usage error, a damaged one a FileFormatError). */
export function readTunableMajorityFile(path: string): TunableMajorityFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UsageError(
      `cannot read ${TUNABLE_MAJORITY_ID} projector file ${path}: ${(err as Error).message}`,
    );
  }
  return tunableMajorityCodec.decode(bytes, path);
}
