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

/**
 * What a term contributes at one anchor. `product`: Π σ over its sites (Ising ±1 spins; the
 * default). `equal`: 1 when every site of the term holds one state, Π δ (q-state spins; invariant
 * under every permutation of the states). `state`: [every site in state `state`] − (1/q)·[every
 * site in one state], the component along `state` of the order parameter (q-state spins).
 */
export type CouplingOperator =
  | {
      /** Π σ of ±1 spins. */
      readonly kind: 'product';
    }
  | {
      /** Π δ: every site in one state. */
      readonly kind: 'equal';
    }
  | {
      /** [all in `state`] − [all equal]/q. */
      readonly kind: 'state';
      /** The state the component is taken along (0 by convention). */
      readonly state: number;
      /** States per site q. */
      readonly states: number;
    };

/** The Ising operator, Π σ: what a coupling without an `operator` means. */
export const PRODUCT: CouplingOperator = Object.freeze({ kind: 'product' });

/** A named interaction S_α = Σ_x Σ_terms O(σ at x + the term's offsets), O its operator. */
export interface Coupling {
  /** A human-readable name, e.g. 'nearest neighbour'; also its label in tables and files. */
  readonly name: string;
  /** The site sets summed over every anchor x; all of the same size and dimension. */
  readonly terms: readonly Term[];
  /** How a term's sites combine; absent is the Ising spin product. */
  readonly operator?: CouplingOperator;
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

/**
 * The symmetry sector of a coupling: for the spin product, 'even' when its terms hold an even
 * number of spins, else 'odd'; a permutation-invariant q-state operator (`equal`) is 'even', a
 * component of the order parameter (`state`) 'odd'.
 */
export function couplingParity(c: Coupling): Parity {
  const op = c.operator?.kind ?? 'product';
  if (op === 'equal') return 'even';
  if (op === 'state') return 'odd';
  return c.terms[0].length % 2 === 0 ? 'even' : 'odd';
}

/**
 * A coupling from explicit terms; every term must have the same number of spins and dimension.
 * `operator` (default the Ising product) says how a term's sites combine.
 */
export function coupling(name: string, terms: readonly Term[], operator?: CouplingOperator): Coupling {
  if (terms.length === 0) throw new UsageError(`coupling '${name}' has no terms`);
  const k = terms[0].length;
  const d = terms[0][0]?.length;
  for (const t of terms) {
    if (t.length !== k || k === 0) throw new UsageError(`coupling '${name}' mixes terms of different sizes`);
    for (const o of t) if (o.length !== d) throw new UsageError(`coupling '${name}' mixes dimensions`);
  }
  if (operator?.kind === 'state') {
    const { state, states } = operator;
    if (
      !Number.isInteger(states) ||
      states < 2 ||
      states > 256 ||
      !Number.isInteger(state) ||
      state < 0 ||
      state >= states
    )
      throw new UsageError(`coupling '${name}': state ${state} of ${states} states is not a state`);
  }
  const frozenTerms = Object.freeze(terms.map((t) => Object.freeze(t.map((o) => Object.freeze([...o])))));
  // The Ising product stays implicit, so Ising couplings are the objects they always were.
  if (operator === undefined || operator.kind === 'product')
    return Object.freeze({ name, terms: frozenTerms });
  return Object.freeze({ name, terms: frozenTerms, operator: Object.freeze({ ...operator }) });
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

/** A coupling declared by one representative term and the lattice's point group (and its operator). */
export function couplingFromOrbit(
  name: string,
  representative: Term,
  group?: ((o: Offset) => number[])[],
  operator?: CouplingOperator,
): Coupling {
  return coupling(name, termOrbit(representative, group), operator);
}

/** Whether every coupling is an Ising spin product: what the bit-packed sums need. */
export function isProductCouplings(couplings: readonly Coupling[]): boolean {
  return couplings.every((c) => c.operator === undefined || c.operator.kind === 'product');
}

/** Coupling sums compiled for one lattice: what the measurement and `energy` call. */
export interface CouplingEvaluator {
  /** The number of couplings: `evaluate` writes this many values. */
  readonly size: number;
  /** The lattice the couplings were compiled for; spins passed to `evaluate` live on it. */
  readonly lattice: Lattice;
  /** Writes S_α(spins) for every coupling α into out[outOffset + α]. */
  evaluate(spins: Spins, out: Float64Array, outOffset?: number): void;
}

/**
 * The coupling sums of any list for one lattice: the bit-packed Ising path (`CompiledCouplings`)
 * when every coupling is a spin product, else the general per-site path (`SiteCouplings`).
 */
export function compileCouplings(couplings: readonly Coupling[], lattice: Lattice): CouplingEvaluator {
  return isProductCouplings(couplings)
    ? new CompiledCouplings(couplings, lattice)
    : new SiteCouplings(couplings, lattice);
}

/**
 * Any coupling list (spin products, and the q-state operators `equal` and `state`) compiled for
 * one lattice, summed site by site. Each distinct offset gets a table of the site at
 * anchor + offset, so a term costs its size in loads per anchor. States are read through an
 * unsigned-byte view of the spins; products through the Int8 values.
 */
export class SiteCouplings implements CouplingEvaluator {
  /** The number of couplings: `evaluate` writes this many values. */
  readonly size: number;
  /** The lattice the couplings were compiled for. */
  readonly lattice: Lattice;
  /** neighbour[k·N + x]: the site at x + offset k. */
  private readonly neighbour: Int32Array;
  /** Per term: its coupling. */
  private readonly termCoupling: Int32Array;
  /** Into termOffset; length terms + 1. */
  private readonly termStart: Int32Array;
  /** The offset index (into `neighbour`) of each site of each term. */
  private readonly termOffset: Int32Array;
  /** Per coupling: 0 product, 1 equal, 2 state. */
  private readonly kind: Int32Array;
  /** Per coupling: the state of a `state` operator. */
  private readonly state: Int32Array;
  /** Per coupling: 1/q of a `state` operator. */
  private readonly inverseStates: Float64Array;
  /** Scratch: per coupling, the two integer counts (in state, all equal) or the product sum. */
  private readonly counts: Float64Array;
  /** The last configuration evaluated and its unsigned-byte view, so repeated calls allocate nothing. */
  private viewOf: Spins | undefined;
  private view: Uint8Array = new Uint8Array(0);

  constructor(couplings: readonly Coupling[], lattice: Lattice) {
    this.size = couplings.length;
    this.lattice = lattice;
    const d = lattice.dimension;
    const N = lattice.volume;
    const offsets = new Map<string, number>();
    const tables: number[][] = [];
    const tc: number[] = [];
    const ts: number[] = [0];
    const to: number[] = [];
    this.kind = new Int32Array(couplings.length);
    this.state = new Int32Array(couplings.length);
    this.inverseStates = new Float64Array(couplings.length);
    couplings.forEach((c, ci) => {
      const op = c.operator ?? PRODUCT;
      this.kind[ci] = op.kind === 'product' ? 0 : op.kind === 'equal' ? 1 : 2;
      if (op.kind === 'state') {
        this.state[ci] = op.state;
        this.inverseStates[ci] = 1 / op.states;
      }
      for (const term of c.terms) {
        for (const o of term) {
          if (o.length !== d) {
            throw new UsageError(
              `coupling '${c.name}' has ${o.length}-dimensional offsets on a ${d}-dimensional lattice`,
            );
          }
          const key = o.join(',');
          let k = offsets.get(key);
          if (k === undefined) {
            k = tables.length;
            offsets.set(key, k);
            tables.push([...o]);
          }
          to.push(k);
        }
        tc.push(ci);
        ts.push(to.length);
      }
    });
    this.neighbour = new Int32Array(tables.length * N);
    tables.forEach((o, k) => {
      for (let x = 0; x < N; x++) {
        const c = lattice.coords(x);
        this.neighbour[k * N + x] = lattice.index(c.map((v, a) => v + o[a]));
      }
    });
    this.termCoupling = Int32Array.from(tc);
    this.termStart = Int32Array.from(ts);
    this.termOffset = Int32Array.from(to);
    this.counts = new Float64Array(2 * couplings.length);
  }

  /** Writes S_α(spins) for every coupling α into out[outOffset + α]; allocates only a view of a new array. */
  evaluate(spins: Spins, out: Float64Array, outOffset = 0): void {
    if (this.viewOf !== spins) {
      this.viewOf = spins;
      this.view = new Uint8Array(spins.buffer, spins.byteOffset, spins.length);
    }
    const states = this.view;
    const counts = this.counts;
    counts.fill(0);
    const N = this.lattice.volume;
    const nb = this.neighbour;
    const nTerms = this.termCoupling.length;
    for (let t = 0; t < nTerms; t++) {
      const ci = this.termCoupling[t];
      const b = this.termStart[t];
      const e = this.termStart[t + 1];
      if (this.kind[ci] === 0) counts[2 * ci] += termProductSum(spins, nb, N, this.termOffset, b, e);
      else termStateCounts(states, nb, N, this.termOffset, b, e, this.state[ci], counts, 2 * ci);
    }
    for (let c = 0; c < this.size; c++) {
      const k = this.kind[c];
      // Integer counts until here, so the sums are exact; only the 1/q term rounds.
      out[outOffset + c] =
        k === 0
          ? counts[2 * c]
          : k === 1
            ? counts[2 * c + 1]
            : counts[2 * c] - counts[2 * c + 1] * this.inverseStates[c];
    }
  }
}

/** Σ_x Π σ over the term's sites. */
function termProductSum(
  spins: Int8Array,
  nb: Int32Array,
  N: number,
  termOffset: Int32Array,
  b: number,
  e: number,
): number {
  let sum = 0;
  for (let x = 0; x < N; x++) {
    let p = 1;
    for (let j = b; j < e; j++) p *= spins[nb[termOffset[j] * N + x]];
    sum += p;
  }
  return sum;
}

/**
 * Adds to counts[at] the anchors whose term sites all hold `state`, and to counts[at + 1] those
 * whose sites all hold one state. Terms of 1 and 2 sites (most of them) have their own loops.
 */
function termStateCounts(
  u: Uint8Array,
  nb: Int32Array,
  N: number,
  termOffset: Int32Array,
  b: number,
  e: number,
  state: number,
  counts: Float64Array,
  at: number,
): void {
  let inState = 0;
  let equal = 0;
  const k = e - b;
  const o0 = termOffset[b] * N;
  if (k === 1) {
    for (let x = 0; x < N; x++) if (u[nb[o0 + x]] === state) inState++;
    equal = N;
  } else if (k === 2) {
    const o1 = termOffset[b + 1] * N;
    for (let x = 0; x < N; x++) {
      const a = u[nb[o0 + x]];
      if (a === u[nb[o1 + x]]) {
        equal++;
        if (a === state) inState++;
      }
    }
  } else {
    for (let x = 0; x < N; x++) {
      const a = u[nb[o0 + x]];
      let same = true;
      for (let j = b + 1; j < e; j++) {
        if (u[nb[termOffset[j] * N + x]] !== a) {
          same = false;
          break;
        }
      }
      if (same) {
        equal++;
        if (a === state) inState++;
      }
    }
  }
  counts[at] += inState;
  counts[at + 1] += equal;
}

/**
 * A coupling list of Ising spin products compiled for one lattice. The configuration is first copied into a padded
 * periodic layout (each axis extended by the couplings' reach), bit-packed with bit = 1 for a
 * down spin. A term's spins then sit at constant offsets from the anchor, and the product of a
 * term over 32 consecutive anchors is the XOR of 32-bit windows: Σ Π σ = n − 2·popcount.
 */
export class CompiledCouplings implements CouplingEvaluator {
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
    if (!isProductCouplings(couplings))
      throw new UsageError('bit-packed coupling sums take Ising spin products only (use compileCouplings)');
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
