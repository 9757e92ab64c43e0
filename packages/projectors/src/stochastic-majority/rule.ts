import {
  type Lattice,
  type Projector,
  type ProjectorKernel,
  type Rng,
  type SpinEncoding,
  type Spins,
  UnsupportedError,
  UsageError,
} from '@rsrg/core';
import { assertBlockSupport, blockSupport, checkBlockSize } from '../majority.js';

/** The registry id of the stochastic majority rule. */
export const STOCHASTIC_MAJORITY_ID = 'stochastic-majority';

const TWO_POW_32 = 4294967296;

/** θ of the stochastic majority rule. */
export interface StochasticMajorityParameters {
  /** Weight w ≥ 0 of the block sum; Infinity is majority rule with a random tie-break. */
  readonly w: number;
  /** Weight w₁ (finite, any sign) of the sum over the block's first neighbour shell. */
  readonly w1: number;
}

/** The stochastic majority rule with its parameters on show; P(μ|σ) is always given. */
export interface StochasticMajorityProjector extends Projector, StochasticMajorityParameters {
  /** P(μ|σ) = Π_B e^{μ_B h_B} / (2 cosh h_B). */
  probability(fine: Lattice, sigma: Spins, mu: Spins): number;
}

/**
 * P(μ = +1 | h) = e^h / (e^h + e^{−h}) = 1/(1 + e^{−2h}), evaluated so that neither branch
 * overflows; ±Infinity give 1 and 0. Only μ·h enters, so P(−μ | −h) = P(μ | h) bit for bit.
 */
export function upProbability(h: number): number {
  return h >= 0 ? 1 / (1 + Math.exp(-2 * h)) : Math.exp(2 * h) / (1 + Math.exp(2 * h));
}

/**
 * The local field h = w·s + w₁·t of a block with block sum s and shell sum t. At w = ∞ a block
 * with s ≠ 0 has an infinite field of the sign of s; a tie (s = 0) is left to the shell, w₁·t
 * (a fair coin when w₁ = 0 or t = 0). Odd in (s, t) exactly.
 */
export function localField(w: number, w1: number, s: number, t: number): number {
  if (s !== 0 && w === Number.POSITIVE_INFINITY) return s > 0 ? w : -w;
  // s = 0 first: Infinity · 0 is NaN.
  return (s === 0 ? 0 : w * s) + (t === 0 ? 0 : w1 * t);
}

/**
 * The offsets of the first neighbour shell of a block of side b in d dimensions: the sites
 * outside the block that are nearest neighbours of a block site (2d·b^{d−1} of them, each
 * adjacent to exactly one block site), as offsets from the block's corner, in row-major order.
 */
export function shellOffsets(d: number, b: number): number[][] {
  const out: number[][] = [];
  const w = b + 2;
  for (let k = 0; k < w ** d; k++) {
    const o: number[] = new Array(d);
    let rem = k;
    for (let a = d - 1; a >= 0; a--) {
      o[a] = (rem % w) - 1;
      rem = Math.floor(rem / w);
    }
    if (o.filter((x) => x < 0 || x >= b).length === 1) out.push(o);
  }
  return out;
}

/** The sites of every block's field: see `fieldSites`. */
export interface FieldSites {
  /** v + u fine sites per coarse site, coarse site after coarse site. */
  readonly table: Int32Array;
  /** Block sites per coarse site, b^d. */
  readonly v: number;
  /** Shell sites per coarse site (0 without the shell). */
  readonly u: number;
}

/**
 * The fine sites each block's field reads, for coarse site J at `table[J·(v + u) + k]`: its
 * v = b^d block sites (k < v, row-major from the corner) and then the u sites of its first
 * neighbour shell (u = 0 when `shell` is false), periodic. On a lattice of side b the shell
 * wraps onto the block itself; from side 2b on its sites are distinct and outside the block.
 */
export function fieldSites(fine: Lattice, b: number, shell: boolean): FieldSites {
  const d = fine.dimension;
  const v = b ** d;
  const offsets = shell ? shellOffsets(d, b) : [];
  const u = offsets.length;
  const blocks = fine.window(b, b);
  const coarse = fine.coarsen(b);
  const n = coarse.volume;
  const table = new Int32Array(n * (v + u));
  const c: number[] = new Array(d);
  for (let J = 0; J < n; J++) {
    const base = J * (v + u);
    for (let k = 0; k < v; k++) table[base + k] = blocks[J * v + k];
    if (u === 0) continue;
    const X = coarse.coords(J);
    for (let k = 0; k < u; k++) {
      for (let a = 0; a < d; a++) c[a] = X[a] * b + offsets[k][a];
      table[base + v + k] = fine.index(c);
    }
  }
  return { table, v, u };
}

/**
 * The thresholds of the kernel: entry ((s + v)/2)·(u + 1) + (t + u)/2 is 2^32 · P(μ = +1) for
 * block sum s ∈ {−v, −v+2, …, v} and shell sum t ∈ {−u, …, u}: every value the integer
 * field can take, so the kernel evaluates no exponential.
 */
export function fieldThresholds(w: number, w1: number, v: number, u: number): Float64Array {
  const out = new Float64Array((v + 1) * (u + 1));
  for (let i = 0; i <= v; i++)
    for (let j = 0; j <= u; j++)
      out[i * (u + 1) + j] = upProbability(localField(w, w1, 2 * i - v, 2 * j - u)) * TWO_POW_32;
  return out;
}

/**
 * The stochastic majority rule, the pure kernel: for each coarse site J < n in order, the block
 * sum s and shell sum t over `sites` (v + u entries per block, see `fieldSites`), one
 * xoshiro128** draw r from the state `rng` (advanced in place, bit-identical to `Rng.nextU32`),
 * and μ_J = +1 iff r < thresholds[((s + v)/2)·(u + 1) + (t + u)/2]. Exactly n draws whatever
 * σ and θ are, so every θ sees the same random numbers (common random numbers).
 */
export function stochasticMajorityRule(
  fine: Int8Array,
  sites: Int32Array,
  v: number,
  u: number,
  thresholds: Float64Array,
  coarse: Int8Array,
  n: number,
  rng: Uint32Array,
): void {
  let s0 = rng[0];
  let s1 = rng[1];
  let s2 = rng[2];
  let s3 = rng[3];
  const stride = u + 1;
  let k = 0;
  for (let J = 0; J < n; J++) {
    let s = 0;
    const blockEnd = k + v;
    for (; k < blockEnd; k++) s += fine[sites[k]];
    let t = 0;
    const shellEnd = k + u;
    for (; k < shellEnd; k++) t += fine[sites[k]];
    // xoshiro128** step, as in Rng.nextU32.
    const m = Math.imul(s1, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const x = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s1 ^= n2;
    s0 ^= n3;
    s2 = n2 ^ x;
    s3 = (n3 << 11) | (n3 >>> 21);
    // r · 2^−32 < p, i.e. Rng.nextFloat() < p, compared without rounding.
    coarse[J] = r < thresholds[((s + v) >> 1) * stride + ((t + u) >> 1)] ? 1 : -1;
  }
  rng[0] = s0;
  rng[1] = s1;
  rng[2] = s2;
  rng[3] = s3;
}

/** Throws UsageError unless w ≥ 0 (Infinity allowed) and w₁ is finite. */
export function checkStochasticMajorityParameters({ w, w1 }: StochasticMajorityParameters): void {
  // w < 0 would favour the minority, which is no majority rule.
  if (typeof w !== 'number' || !(w >= 0))
    throw new UsageError(`projector '${STOCHASTIC_MAJORITY_ID}': w must be a number ≥ 0, got ${w}`);
  if (typeof w1 !== 'number' || !Number.isFinite(w1))
    throw new UsageError(`projector '${STOCHASTIC_MAJORITY_ID}': w1 must be a finite number, got ${w1}`);
}

/**
 * The stochastic (tunable) majority rule on blocks of side b in any dimension:
 * P(μ|σ) = Π_J e^{μ_J h_J} / (2 cosh h_J), h_J = w Σ_{i∈J} σ_i + w₁ Σ_{i∈shell(J)} σ_i, each block
 * spin independent given σ. w → ∞ with w₁ = 0 is majority rule with a fair-coin tie-break;
 * w = 0 and w₁ = 0 a fair coin per block.
 */
export function stochasticMajorityProjector(
  parameters: StochasticMajorityParameters,
  b = 2,
): StochasticMajorityProjector {
  checkStochasticMajorityParameters(parameters);
  checkBlockSize(STOCHASTIC_MAJORITY_ID, b);
  const { w, w1 } = parameters;
  const shell = w1 !== 0;
  return {
    id: STOCHASTIC_MAJORITY_ID,
    blockSize: b,
    w,
    w1,
    // A rule on sums of ±1 spins: q-state spins are refused, not summed.
    supports: (lattice, spins) =>
      spins?.kind === 'state'
        ? 'the stochastic majority rule takes Ising ±1 spins'
        : blockSupport(b, lattice),
    create(fine: Lattice, spins?: SpinEncoding): ProjectorKernel {
      if (spins?.kind === 'state')
        throw new UnsupportedError(`${STOCHASTIC_MAJORITY_ID}: the rule takes Ising ±1 spins`);
      assertBlockSupport(STOCHASTIC_MAJORITY_ID, b, fine);
      const coarse = fine.coarsen(b);
      const { table, v, u } = fieldSites(fine, b, shell);
      const thresholds = fieldThresholds(w, w1, v, u);
      const n = coarse.volume;
      return {
        fine,
        coarse,
        apply(sigma: Spins, mu: Spins, rng: Rng): void {
          if (sigma.length !== fine.volume || mu.length !== n) {
            throw new UsageError(
              `projector '${STOCHASTIC_MAJORITY_ID}' expects ${fine.volume} → ${n} spins, got ${sigma.length} → ${mu.length}`,
            );
          }
          stochasticMajorityRule(sigma, table, v, u, thresholds, mu, n, rng.s);
        },
      };
    },
    probability(fine: Lattice, sigma: Spins, mu: Spins): number {
      assertBlockSupport(STOCHASTIC_MAJORITY_ID, b, fine);
      const { table, v, u } = fieldSites(fine, b, shell);
      const n = table.length / (v + u);
      if (sigma.length !== fine.volume || mu.length !== n) {
        throw new UsageError(
          `projector '${STOCHASTIC_MAJORITY_ID}': expected ${fine.volume} → ${n} spins, got ${sigma.length} → ${mu.length}`,
        );
      }
      let p = 1;
      for (let J = 0; J < n; J++) {
        let s = 0;
        let t = 0;
        const base = J * (v + u);
        for (let k = 0; k < v; k++) s += sigma[table[base + k]];
        for (let k = v; k < v + u; k++) t += sigma[table[base + k]];
        p *= upProbability(mu[J] * localField(w, w1, s, t));
      }
      return p;
    },
  };
}
