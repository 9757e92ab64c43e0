import type { Lattice, Spins } from '@rsrg/core';

/**
 * Block sums s_J computed from site coordinates (block J holds the sites whose coordinates
 * divided by b are the coordinates of J), independently of `Lattice.window`, which the
 * projector uses.
 */
export function blockSums(fine: Lattice, b: number, sigma: Spins): number[] {
  const coarse = fine.coarsen(b);
  const sums = new Array<number>(coarse.volume).fill(0);
  for (let x = 0; x < fine.volume; x++) {
    sums[coarse.index(fine.coords(x).map((c) => Math.floor(c / b)))] += sigma[x];
  }
  return sums;
}

/** P(μ|σ) = Π_J e^{w μ_J s_J} / (e^{w s_J} + e^{−w s_J}), straight from the definition (finite w). */
export function definitionProbability(fine: Lattice, b: number, w: number, sigma: Spins, mu: Spins): number {
  return blockSums(fine, b, sigma).reduce(
    (p, s, J) => (p * Math.exp(w * mu[J] * s)) / (Math.exp(w * s) + Math.exp(-w * s)),
    1,
  );
}

/** The majority rule's P(μ|σ): per block 1 if μ has the sign of the sum, 0 if not, ½ at a tie. */
export function majorityProbability(fine: Lattice, b: number, sigma: Spins, mu: Spins): number {
  return blockSums(fine, b, sigma).reduce((p, s, J) => p * (s === 0 ? 0.5 : s * mu[J] > 0 ? 1 : 0), 1);
}
