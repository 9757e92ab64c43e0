import { UsageError } from './errors/index.js';
import type { Lattice } from './lattice.js';
import type { Spins } from './spins.js';

/** A site offset from a term's anchor, in lattice axis order. */
export type Offset = readonly number[];
/** A product of spins at anchor + each offset. */
export type Term = readonly Offset[];
export type Parity = 'even' | 'odd';

/** A named interaction S_α = Σ_x Σ_terms Π_{o ∈ term} σ_{x+o}. */
export interface Coupling {
  readonly name: string;
  readonly terms: readonly Term[];
}

/** An ordered list of couplings; in MCRG the order defines N_c = 1, 2, ... */
export interface CouplingSet {
  readonly id: string;
  readonly description: string;
  readonly couplings: readonly Coupling[];
}

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
  return Object.freeze({ name, terms: Object.freeze(terms.map((t) => Object.freeze(t.map((o) => Object.freeze([...o]))))) });
}

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
    for (let i = 0; i < rest.length; i++) permute([...prefix, rest[i]], [...rest.slice(0, i), ...rest.slice(i + 1)]);
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
export function termOrbit(representative: Term, group = hypercubicPointGroup(representative[0].length)): number[][][] {
  const seen = new Map<string, number[][]>();
  for (const g of group) {
    const t = canonicalTerm(representative.map(g));
    const key = JSON.stringify(t);
    if (!seen.has(key)) seen.set(key, t);
  }
  return [...seen.values()].sort((u, v) => (JSON.stringify(u) < JSON.stringify(v) ? -1 : 1));
}

/** A coupling declared by one representative term and the lattice's point group. */
export function couplingFromOrbit(name: string, representative: Term, group?: ((o: Offset) => number[])[]): Coupling {
  return coupling(name, termOrbit(representative, group));
}

/**
 * A coupling list compiled for one lattice: the distinct offsets become shift tables and the
 * terms flat index lists, so `evaluate` sums every coupling in one pass with no allocation.
 */
export class CompiledCouplings {
  readonly size: number;
  readonly lattice: Lattice;
  private readonly shifts: Int32Array; // offsets × volume
  private readonly termCoupling: Int32Array;
  private readonly termStart: Int32Array; // into termOffsets; length terms + 1
  private readonly termOffsets: Int32Array; // offset ids

  constructor(couplings: readonly Coupling[], lattice: Lattice) {
    this.size = couplings.length;
    this.lattice = lattice;
    const offsetIds = new Map<string, number>();
    const offsets: Offset[] = [];
    const tc: number[] = [];
    const ts: number[] = [0];
    const to: number[] = [];
    couplings.forEach((c, ci) => {
      for (const term of c.terms) {
        for (const o of term) {
          const key = o.join(',');
          let id = offsetIds.get(key);
          if (id === undefined) {
            id = offsets.length;
            offsetIds.set(key, id);
            offsets.push(o);
          }
          to.push(id);
        }
        tc.push(ci);
        ts.push(to.length);
      }
    });
    const N = lattice.volume;
    this.shifts = new Int32Array(offsets.length * N);
    offsets.forEach((o, id) => this.shifts.set(lattice.shift(o), id * N));
    this.termCoupling = Int32Array.from(tc);
    this.termStart = Int32Array.from(ts);
    this.termOffsets = Int32Array.from(to);
  }

  /** Writes S_α(spins) for every coupling α into out[outOffset + α]. */
  evaluate(spins: Spins, out: Float64Array, outOffset = 0): void {
    evaluateCouplings(spins, this.lattice.volume, this.shifts, this.termCoupling, this.termStart, this.termOffsets, out, outOffset, this.size);
  }
}

/** The pure kernel behind `CompiledCouplings.evaluate`: specialised loops for 1–4 spin terms. */
export function evaluateCouplings(
  s: Int8Array,
  N: number,
  sh: Int32Array,
  termCoupling: Int32Array,
  termStart: Int32Array,
  termOffsets: Int32Array,
  out: Float64Array,
  outOffset: number,
  size: number,
): void {
  for (let c = 0; c < size; c++) out[outOffset + c] = 0;
  const nTerms = termCoupling.length;
  for (let t = 0; t < nTerms; t++) {
    const b = termStart[t];
    const k = termStart[t + 1] - b;
    let acc = 0;
    if (k === 2) {
      const o0 = termOffsets[b] * N;
      const o1 = termOffsets[b + 1] * N;
      for (let x = 0; x < N; x++) acc += s[sh[o0 + x]] * s[sh[o1 + x]];
    } else if (k === 1) {
      const o0 = termOffsets[b] * N;
      for (let x = 0; x < N; x++) acc += s[sh[o0 + x]];
    } else if (k === 3) {
      const o0 = termOffsets[b] * N;
      const o1 = termOffsets[b + 1] * N;
      const o2 = termOffsets[b + 2] * N;
      for (let x = 0; x < N; x++) acc += s[sh[o0 + x]] * s[sh[o1 + x]] * s[sh[o2 + x]];
    } else if (k === 4) {
      const o0 = termOffsets[b] * N;
      const o1 = termOffsets[b + 1] * N;
      const o2 = termOffsets[b + 2] * N;
      const o3 = termOffsets[b + 3] * N;
      for (let x = 0; x < N; x++) acc += s[sh[o0 + x]] * s[sh[o1 + x]] * s[sh[o2 + x]] * s[sh[o3 + x]];
    } else {
      for (let x = 0; x < N; x++) {
        let p = 1;
        for (let j = b; j < b + k; j++) p *= s[sh[termOffsets[j] * N + x]];
        acc += p;
      }
    }
    out[outOffset + termCoupling[t]] += acc;
  }
}
