import { type Lattice, UsageError } from '@rsrg/core';
import { U32_RANGE } from '../uint32-threshold.js';

/**
 * The bonds of the nearest-neighbour Potts model H = K Σ_x Σ_a δ(σ_x, σ_{x+e_a}) on a periodic
 * lattice: every site has the same `degree` bond ends, +e_a then −e_a for the last axis a
 * first (the order of the Ising bond table, so q = 2 draws test the same bonds). An axis of
 * size 2 gives two bonds to the same neighbour (the pair is counted from both ends, as in the
 * Ising model); an axis of size 1 wraps onto the site itself, a constant term, left out.
 */
export interface PottsBonds {
  readonly degree: number;
  readonly neighbours: Int32Array;
}

/** The Potts bond table of `lattice` (see `PottsBonds`). */
export function pottsBonds(lattice: Lattice): PottsBonds {
  const shifts: Int32Array[] = [];
  for (let a = lattice.dimension - 1; a >= 0; a--) {
    if (lattice.sizes[a] === 1) continue;
    const e = new Array<number>(lattice.dimension).fill(0);
    e[a] = 1;
    shifts.push(lattice.shift(e));
    e[a] = -1;
    shifts.push(lattice.shift(e));
  }
  const degree = shifts.length;
  const N = lattice.volume;
  const neighbours = new Int32Array(N * degree);
  for (let x = 0; x < N; x++) for (let j = 0; j < degree; j++) neighbours[x * degree + j] = shifts[j][x];
  return { degree, neighbours };
}

/** Spins are bytes: a state needs 0 ≤ σ < q ≤ 256. */
export function checkStates(q: number): void {
  if (!Number.isInteger(q) || q < 2 || q > 256) {
    throw new UsageError(`Potts q must be an integer from 2 to 256, got ${q}`);
  }
}

/** Cluster updates open bonds with probability 1 − e^{−K}: K must be finite and ≥ 0. */
export function checkClusterCoupling(sampler: string, K: number): void {
  if (!(K >= 0) || !Number.isFinite(K)) {
    throw new UsageError(
      `${sampler}: Potts coupling K = ${K}; cluster updates need a finite K ≥ 0 (use heat-bath)`,
    );
  }
}

/**
 * The Fortuin–Kasteleyn bond probability 1 − e^{−K} as a uint32 threshold: a draw r opens the
 * bond when r < threshold (2^32 when K is so large that every bond opens).
 */
export function pottsBondThreshold(K: number): number {
  return -Math.expm1(-K) * U32_RANGE;
}
