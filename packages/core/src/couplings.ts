import { UsageError } from './errors/index.js';
import { Lattice } from './lattice.js';
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
 * A coupling list compiled for one lattice. The configuration is first copied into a padded
 * periodic layout (each axis extended by the couplings' reach), so every term of every anchor
 * reads its spins at constant offsets from the anchor's padded index: one gather per call, then
 * contiguous loops along the last axis with no wrap-around and no allocation.
 */
export class CompiledCouplings {
  readonly size: number;
  readonly lattice: Lattice;
  /** padded[i] = spins[padSource[i]]. */
  private readonly padSource: Int32Array;
  private readonly padded: Int8Array;
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
            throw new UsageError(`coupling '${c.name}' has ${o.length}-dimensional offsets on a ${d}-dimensional lattice`);
          }
          for (let a = 0; a < d; a++) {
            lo[a] = Math.min(lo[a], o[a]);
            hi[a] = Math.max(hi[a], o[a]);
          }
        }
      }
    }
    const padSizes = lattice.sizes.map((L, a) => L + hi[a] - lo[a]);
    const padLattice = new Lattice(padSizes);
    const padStrides = padLattice.strides;
    this.padSource = new Int32Array(padLattice.volume);
    for (let i = 0; i < padLattice.volume; i++) {
      const q = padLattice.coords(i);
      this.padSource[i] = lattice.index(q.map((v, a) => v + lo[a]));
    }
    this.padded = new Int8Array(padLattice.volume);
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
    const pad = this.padded;
    const src = this.padSource;
    for (let i = 0; i < pad.length; i++) pad[i] = spins[src[i]];
    evaluateCouplings(pad, this.rowStart, this.rowLength, this.termCoupling, this.termStart, this.termDelta, out, outOffset, this.size);
  }
}

/**
 * The pure kernel behind `CompiledCouplings.evaluate`, on a padded configuration: anchors are
 * `rowStart[r] + j`, j < rowLength; a term's spins sit at anchor + termDelta[...]. Loops are
 * specialised for 1–4 spin terms.
 */
export function evaluateCouplings(
  p: Int8Array,
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
    const k = termStart[t + 1] - b;
    let acc = 0;
    if (k === 2) {
      const d0 = termDelta[b];
      const d1 = termDelta[b + 1];
      for (let r = 0; r < rows; r++) {
        const x0 = rowStart[r];
        const x1 = x0 + rowLength;
        for (let x = x0; x < x1; x++) acc += p[x + d0] * p[x + d1];
      }
    } else if (k === 1) {
      const d0 = termDelta[b];
      for (let r = 0; r < rows; r++) {
        const x0 = rowStart[r];
        const x1 = x0 + rowLength;
        for (let x = x0; x < x1; x++) acc += p[x + d0];
      }
    } else if (k === 3) {
      const d0 = termDelta[b];
      const d1 = termDelta[b + 1];
      const d2 = termDelta[b + 2];
      for (let r = 0; r < rows; r++) {
        const x0 = rowStart[r];
        const x1 = x0 + rowLength;
        for (let x = x0; x < x1; x++) acc += p[x + d0] * p[x + d1] * p[x + d2];
      }
    } else if (k === 4) {
      const d0 = termDelta[b];
      const d1 = termDelta[b + 1];
      const d2 = termDelta[b + 2];
      const d3 = termDelta[b + 3];
      for (let r = 0; r < rows; r++) {
        const x0 = rowStart[r];
        const x1 = x0 + rowLength;
        for (let x = x0; x < x1; x++) acc += p[x + d0] * p[x + d1] * p[x + d2] * p[x + d3];
      }
    } else {
      const e = b + k;
      for (let r = 0; r < rows; r++) {
        const x0 = rowStart[r];
        const x1 = x0 + rowLength;
        for (let x = x0; x < x1; x++) {
          let prod = 1;
          for (let j = b; j < e; j++) prod *= p[x + termDelta[j]];
          acc += prod;
        }
      }
    }
    out[outOffset + termCoupling[t]] += acc;
  }
}
