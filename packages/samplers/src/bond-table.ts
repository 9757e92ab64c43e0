import type { Hamiltonian, Lattice } from '@rsrg/core';
import { U32_RANGE } from './uint32-threshold.js';

/**
 * The Fortuin–Kasteleyn bonds at every site for ferromagnetic pair couplings. A pair term
 * (o1, o2) anchored at every site gives each site x two bonds, to x + (o2 − o1) and to
 * x − (o2 − o1); every site has the same `degree` bonds, so bond j of site x is
 * `neighbours[x * degree + j]`, open with probability 1 − e^{−2K} = `threshold[j]` / 2^32.
 * Bonds of a term that wraps onto a single site are constant and left out; couplings with
 * K = 0 open no bond and are left out too.
 */
export interface BondTable {
  readonly degree: number;
  readonly neighbours: Int32Array;
  readonly threshold: Float64Array;
}

export function bondTable(lattice: Lattice, h: Hamiltonian): BondTable {
  const N = lattice.volume;
  const shifts: Int32Array[] = [];
  const thresholds: number[] = [];
  h.couplings.forEach((c, a) => {
    const K = h.K[a];
    if (K === 0) return;
    const threshold = -Math.expm1(-2 * K) * U32_RANGE;
    for (const [o1, o2] of c.terms) {
      const d = o2.map((v, axis) => v - o1[axis]);
      const forward = lattice.shift(d);
      if (forward[0] === 0) continue; // x + d ≡ x everywhere: the term is 1
      shifts.push(forward, lattice.shift(d.map((v) => -v)));
      thresholds.push(threshold, threshold);
    }
  });
  const degree = shifts.length;
  const neighbours = new Int32Array(N * degree);
  for (let x = 0; x < N; x++) for (let j = 0; j < degree; j++) neighbours[x * degree + j] = shifts[j][x];
  return { degree, neighbours, threshold: Float64Array.from(thresholds) };
}

/**
 * The uint32 a draw r must not exceed for bond j to open: r < threshold ⇔ r ≤ ⌈threshold⌉ − 1
 * for integer r, and a threshold above 2^32 − 1 opens every bond. Bond tables hold only
 * couplings with K > 0, so threshold > 0 and the limit is never negative.
 */
export function bondLimits(threshold: Float64Array): Uint32Array {
  return Uint32Array.from(threshold, (t) => {
    if (!(t > 0)) throw new RangeError(`bond threshold ${t} is not positive`);
    return Math.min(Math.ceil(t), U32_RANGE) - 1;
  });
}

/** `bondLimits` with the sign bit flipped, as int32: compared signed, they keep uint32 order. */
export function biasedBondLimits(threshold: Float64Array): Int32Array {
  return Int32Array.from(bondLimits(threshold), (l) => l ^ 0x80000000);
}
