import { UsageError } from './errors/index.js';
import { Lattice } from './lattice.js';
import type { Spins } from './spins.js';

/** A site offset from a term's anchor, in lattice axis order. */
export type Offset = readonly number[];
/** A product of spins at anchor + each offset. */
export type Term = readonly Offset[];
/**
 * Whether a coupling's terms hold an even or an odd number of spins: even couplings are
 * invariant under a global spin flip (the thermal sector), odd ones change sign (the magnetic
 * sector).
 */
export type Parity = 'even' | 'odd';

/** A named interaction S_α = Σ_x Σ_terms Π_{o ∈ term} σ_{x+o}. */
export interface Coupling {
  /** A human-readable name, e.g. 'nearest neighbour'; also its label in tables and files. */
  readonly name: string;
  /** The spin products summed over every anchor x; all of the same size and dimension. */
  readonly terms: readonly Term[];
}

/** An ordered list of couplings; in MCRG the order defines N_c = 1, 2, ... */
export interface CouplingSet {
  /** The set's registry id, e.g. 'ising2d.even'. */
  readonly id: string;
  /** One line saying what the couplings are. */
  readonly description: string;
  /** The couplings, in the order that defines the truncation N_c. */
  readonly couplings: readonly Coupling[];
}

/** The parity of a coupling: 'even' when its terms hold an even number of spins, else 'odd'. */
export function couplingParity(c: Coupling): Parity {
  return c.terms[0].length % 2 === 0 ? 'even' : 'odd';
}

/** A coupling from explicit terms; every term must have the same number of spins and dimension. */
export function coupling(name: string, terms: readonly Term[]): Coupling {
  if (terms.length === 0) throw new UsageError(`coupling '${name}' has no terms`);
  const k = terms[0].length;
  const d = terms[0][0]?.length;
  for (const t of terms) {
    if (t.length !== k || k === 0) throw new UsageError(`coupling '${name}' mixes terms of different sizes`);
    for (const o of t) if (o.length !== d) throw new UsageError(`coupling '${name}' mixes dimensions`);
  }
  return Object.freeze({
    name,
    terms: Object.freeze(terms.map((t) => Object.freeze(t.map((o) => Object.freeze([...o]))))),
  });
}

/**
 * An ordered, frozen list of couplings under an id; throws a UsageError when it is empty.
 *
 * @example
 * const nn = couplingFromOrbit('nearest neighbour', [[0, 0], [0, 1]]);
 * const nnn = couplingFromOrbit('next-nearest neighbour', [[0, 0], [1, 1]]);
 * const even = couplingSet('square.even', 'nn and nnn pairs', [nn, nnn]);
 * even.couplings.map(couplingParity); // ['even', 'even']
 */
export function couplingSet(id: string, description: string, couplings: readonly Coupling[]): CouplingSet {
  if (couplings.length === 0) throw new UsageError(`coupling set '${id}' is empty`);
  return Object.freeze({ id, description, couplings: Object.freeze([...couplings]) });
}

/**
 * The point group of the hypercubic lattice Z^d: every permutation of the axes combined with
 * every reflection, 2^d · d! elements, each a function on offsets.
 */
export function hypercubicPointGroup(dimension: number): ((o: Offset) => number[])[] {
  const perms: number[][] = [];
  const permute = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) perms.push(prefix);
    for (let i = 0; i < rest.length; i++)
      permute([...prefix, rest[i]], [...rest.slice(0, i), ...rest.slice(i + 1)]);
  };
  permute([], [...Array(dimension).keys()]);
  const ops: ((o: Offset) => number[])[] = [];
  for (const p of perms) {
    for (let signs = 0; signs < 1 << dimension; signs++) {
      ops.push((o) => p.map((axis, a) => ((signs >> a) & 1 ? -o[axis] : o[axis])));
    }
  }
  return ops;
}

/**
 * Canonical form of a term up to translation: shift so the bounding box starts at the origin,
 * then sort the offsets. Two terms are the same interaction iff their canonical forms agree.
 */
export function canonicalTerm(term: Term): number[][] {
  const d = term[0].length;
  const min = new Array(d).fill(Number.POSITIVE_INFINITY);
  for (const o of term) for (let a = 0; a < d; a++) min[a] = Math.min(min[a], o[a]);
  const shifted = term.map((o) => o.map((v, a) => v - min[a]));
  shifted.sort((u, v) => {
    for (let a = 0; a < d; a++) if (u[a] !== v[a]) return u[a] - v[a];
    return 0;
  });
  return shifted;
}

/** Distinct images of a representative term under a point group (default: hypercubic). */
export function termOrbit(
  representative: Term,
  group = hypercubicPointGroup(representative[0].length),
): number[][][] {
  const seen = new Map<string, number[][]>();
  for (const g of group) {
    const t = canonicalTerm(representative.map(g));
    const key = JSON.stringify(t);
    if (!seen.has(key)) seen.set(key, t);
  }
  return [...seen.values()].sort((u, v) => (JSON.stringify(u) < JSON.stringify(v) ? -1 : 1));
}

/** A coupling declared by one representative term and the lattice's point group. */
export function couplingFromOrbit(
  name: string,
  representative: Term,
  group?: ((o: Offset) => number[])[],
): Coupling {
  return coupling(name, termOrbit(representative, group));
}

/**
 * A coupling list compiled for one lattice. The configuration is first copied into a padded
 * periodic layout (each axis extended by the couplings' reach), bit-packed with bit = 1 for a
 * down spin. A term's spins then sit at constant offsets from the anchor, and the product of a
 * term over 32 consecutive anchors is the XOR of 32-bit windows: Σ Π σ = n − 2·popcount.
 */
export class CompiledCouplings {
  /** The number of couplings: `evaluate` writes this many values. */
  readonly size: number;
  /** The lattice the couplings were compiled for; spins passed to `evaluate` live on it. */
  readonly lattice: Lattice;
  /** Bit i of the padded layout is spins[padSource[i]] < 0. */
  private readonly padSource: Int32Array;
  private readonly bits: Int32Array;
  /** Padded index of the first anchor of every row along the last axis. */
  private readonly rowStart: Int32Array;
  private readonly rowLength: number;
  private readonly termCoupling: Int32Array;
  /** Into termDelta; length terms + 1. */
  private readonly termStart: Int32Array;
  /** Padded-index displacement of each spin of each term. */
  private readonly termDelta: Int32Array;

  constructor(couplings: readonly Coupling[], lattice: Lattice) {
    this.size = couplings.length;
    this.lattice = lattice;
    const d = lattice.dimension;
    const lo = new Array(d).fill(0);
    const hi = new Array(d).fill(0);
    for (const c of couplings) {
      for (const term of c.terms) {
        for (const o of term) {
          if (o.length !== d) {
            throw new UsageError(
              `coupling '${c.name}' has ${o.length}-dimensional offsets on a ${d}-dimensional lattice`,
            );
          }
          for (let a = 0; a < d; a++) {
            lo[a] = Math.min(lo[a], o[a]);
            hi[a] = Math.max(hi[a], o[a]);
          }
        }
      }
    }
    const padLattice = new Lattice(lattice.sizes.map((L, a) => L + hi[a] - lo[a]));
    const padStrides = padLattice.strides;
    this.padSource = new Int32Array(padLattice.volume);
    for (let i = 0; i < padLattice.volume; i++) {
      const q = padLattice.coords(i);
      this.padSource[i] = lattice.index(q.map((v, a) => v + lo[a]));
    }
    // One spare word: a window starting in the last word reads the next one.
    this.bits = new Int32Array((padLattice.volume >>> 5) + 2);
    this.rowLength = lattice.sizes[d - 1];
    const rows = lattice.volume / this.rowLength;
    this.rowStart = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      const c = lattice.coords(r * this.rowLength);
      let p = 0;
      for (let a = 0; a < d; a++) p += (c[a] - lo[a]) * padStrides[a];
      this.rowStart[r] = p;
    }
    const tc: number[] = [];
    const ts: number[] = [0];
    const td: number[] = [];
    couplings.forEach((c, ci) => {
      for (const term of c.terms) {
        for (const o of term) {
          let delta = 0;
          for (let a = 0; a < d; a++) delta += o[a] * padStrides[a];
          td.push(delta);
        }
        tc.push(ci);
        ts.push(td.length);
      }
    });
    this.termCoupling = Int32Array.from(tc);
    this.termStart = Int32Array.from(ts);
    this.termDelta = Int32Array.from(td);
  }

  /** Writes S_α(spins) for every coupling α into out[outOffset + α]. */
  evaluate(spins: Spins, out: Float64Array, outOffset = 0): void {
    packPadded(spins, this.padSource, this.bits);
    evaluateCouplings(
      this.bits,
      this.rowStart,
      this.rowLength,
      this.termCoupling,
      this.termStart,
      this.termDelta,
      out,
      outOffset,
      this.size,
    );
  }
}

/** bits ← the padded configuration, bit i set when spins[padSource[i]] = −1. */
export function packPadded(spins: Int8Array, padSource: Int32Array, bits: Int32Array): void {
  const n = padSource.length;
  const full = n >>> 5;
  for (let w = 0; w < full; w++) {
    let word = 0;
    const i0 = w << 5;
    for (let k = 0; k < 32; k++) word |= ((1 - spins[padSource[i0 + k]]) >>> 1) << k;
    bits[w] = word;
  }
  let word = 0;
  for (let i = full << 5; i < n; i++) word |= ((1 - spins[padSource[i]]) >>> 1) << (i & 31);
  bits[full] = word;
}

/**
 * The pure kernel behind `CompiledCouplings.evaluate`, on a bit-packed padded configuration:
 * anchors are `rowStart[r] + j`, j < rowLength; a term's spins sit at anchor + termDelta[...].
 * Each row is processed 32 anchors at a time.
 */
export function evaluateCouplings(
  bits: Int32Array,
  rowStart: Int32Array,
  rowLength: number,
  termCoupling: Int32Array,
  termStart: Int32Array,
  termDelta: Int32Array,
  out: Float64Array,
  outOffset: number,
  size: number,
): void {
  for (let c = 0; c < size; c++) out[outOffset + c] = 0;
  const nTerms = termCoupling.length;
  const rows = rowStart.length;
  for (let t = 0; t < nTerms; t++) {
    const b = termStart[t];
    const e = termStart[t + 1];
    const ones =
      rowLength <= 32 && e - b <= 4
        ? termOnesShortRows(bits, rowStart, rowLength, termDelta, b, e - b)
        : termOnes(bits, rowStart, rowLength, termDelta, b, e);
    out[outOffset + termCoupling[t]] += rows * rowLength - 2 * ones;
  }
}

/** (x << (31 − s)) << 1 is x << (32 − s), and 0 when s = 0. */
function windowAt(bits: Int32Array, i: number): number {
  const w = i >>> 5;
  const s = i & 31;
  return (bits[w] >>> s) | ((bits[w + 1] << (31 - s)) << 1);
}

/** Set bits of every 16-bit value: two loads beat the SWAR popcount in V8. */
const POPCOUNT16 = new Uint8Array(65536);
for (let i = 1; i < 65536; i++) POPCOUNT16[i] = (i & 1) + POPCOUNT16[i >>> 1];

function popcount(x: number): number {
  return POPCOUNT16[x & 0xffff] + POPCOUNT16[x >>> 16];
}

/** Down-spin count of the product of term spins termDelta[b..e) over all anchors: the general case. */
function termOnes(
  bits: Int32Array,
  rowStart: Int32Array,
  rowLength: number,
  termDelta: Int32Array,
  b: number,
  e: number,
): number {
  const rows = rowStart.length;
  let ones = 0;
  for (let r = 0; r < rows; r++) {
    const x0 = rowStart[r];
    for (let j = 0; j < rowLength; j += 32) {
      const n = Math.min(rowLength - j, 32);
      let v = 0;
      for (let q = b; q < e; q++) v ^= windowAt(bits, x0 + j + termDelta[q]);
      if (n < 32) v &= (1 << n) - 1;
      ones += popcount(v);
    }
  }
  return ones;
}

/**
 * As termOnes for rows of ≤ 32 anchors (one window per row) and terms of 1–4 spins, the
 * case of every model here: one loop per term size, so that the deltas stay in registers
 * and the inner loop goes (about 1.7× faster in 3D). Written out by hand: helper calls
 * here exceed V8's inlining budget.
 */
function termOnesShortRows(
  bits: Int32Array,
  rowStart: Int32Array,
  rowLength: number,
  termDelta: Int32Array,
  b: number,
  k: number,
): number {
  const rows = rowStart.length;
  const mask = rowLength === 32 ? -1 : (1 << rowLength) - 1;
  const pop = POPCOUNT16;
  const d0 = termDelta[b];
  const d1 = k > 1 ? termDelta[b + 1] : 0;
  const d2 = k > 2 ? termDelta[b + 2] : 0;
  const d3 = k > 3 ? termDelta[b + 3] : 0;
  let ones = 0;
  if (k === 1) {
    for (let r = 0; r < rows; r++) {
      const i0 = rowStart[r] + d0;
      const w0 = i0 >>> 5;
      const s0 = i0 & 31;
      const v = ((bits[w0] >>> s0) | ((bits[w0 + 1] << (31 - s0)) << 1)) & mask;
      ones += pop[v & 0xffff] + pop[v >>> 16];
    }
  } else if (k === 2) {
    for (let r = 0; r < rows; r++) {
      const x0 = rowStart[r];
      const i0 = x0 + d0;
      const w0 = i0 >>> 5;
      const s0 = i0 & 31;
      const i1 = x0 + d1;
      const w1 = i1 >>> 5;
      const s1 = i1 & 31;
      const v =
        (((bits[w0] >>> s0) | ((bits[w0 + 1] << (31 - s0)) << 1)) ^
          ((bits[w1] >>> s1) | ((bits[w1 + 1] << (31 - s1)) << 1))) &
        mask;
      ones += pop[v & 0xffff] + pop[v >>> 16];
    }
  } else if (k === 3) {
    for (let r = 0; r < rows; r++) {
      const x0 = rowStart[r];
      const i0 = x0 + d0;
      const w0 = i0 >>> 5;
      const s0 = i0 & 31;
      const i1 = x0 + d1;
      const w1 = i1 >>> 5;
      const s1 = i1 & 31;
      const i2 = x0 + d2;
      const w2 = i2 >>> 5;
      const s2 = i2 & 31;
      const v =
        (((bits[w0] >>> s0) | ((bits[w0 + 1] << (31 - s0)) << 1)) ^
          ((bits[w1] >>> s1) | ((bits[w1 + 1] << (31 - s1)) << 1)) ^
          ((bits[w2] >>> s2) | ((bits[w2 + 1] << (31 - s2)) << 1))) &
        mask;
      ones += pop[v & 0xffff] + pop[v >>> 16];
    }
  } else {
    for (let r = 0; r < rows; r++) {
      const x0 = rowStart[r];
      const i0 = x0 + d0;
      const w0 = i0 >>> 5;
      const s0 = i0 & 31;
      const i1 = x0 + d1;
      const w1 = i1 >>> 5;
      const s1 = i1 & 31;
      const i2 = x0 + d2;
      const w2 = i2 >>> 5;
      const s2 = i2 & 31;
      const i3 = x0 + d3;
      const w3 = i3 >>> 5;
      const s3 = i3 & 31;
      const v =
        (((bits[w0] >>> s0) | ((bits[w0 + 1] << (31 - s0)) << 1)) ^
          ((bits[w1] >>> s1) | ((bits[w1 + 1] << (31 - s1)) << 1)) ^
          ((bits[w2] >>> s2) | ((bits[w2 + 1] << (31 - s2)) << 1)) ^
          ((bits[w3] >>> s3) | ((bits[w3 + 1] << (31 - s3)) << 1))) &
        mask;
      ones += pop[v & 0xffff] + pop[v >>> 16];
    }
  }
  return ones;
}
