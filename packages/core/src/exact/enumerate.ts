import { CompiledCouplings, type Coupling } from '../couplings.js';
import { UsageError } from '../errors/index.js';
import type { Hamiltonian } from '../hamiltonian.js';
import type { Lattice } from '../lattice.js';
import { spinsFromIndex } from '../spins.js';

/** Largest lattice enumerated exactly (2^24 states). */
export const MAX_ENUMERATION_SITES = 24;

/**
 * Normalised Boltzmann probabilities e^{H(σ)}/Z of every configuration, indexed as in
 * `spinsFromIndex` (bit i set ⇔ spin i is −1).
 */
export function boltzmannDistribution(lattice: Lattice, h: Hamiltonian): Float64Array {
  const N = lattice.volume;
  if (N > MAX_ENUMERATION_SITES)
    throw new UsageError(`cannot enumerate ${N} sites (max ${MAX_ENUMERATION_SITES})`);
  const S = interactionTable(lattice, h.couplings);
  const n = 2 ** N;
  const k = h.couplings.length;
  const logw = new Float64Array(n);
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < n; c++) {
    let e = 0;
    for (let a = 0; a < k; a++) e += h.K[a] * S[c * k + a];
    logw[c] = e;
    if (e > max) max = e;
  }
  let z = 0;
  for (let c = 0; c < n; c++) {
    logw[c] = Math.exp(logw[c] - max);
    z += logw[c];
  }
  for (let c = 0; c < n; c++) logw[c] /= z;
  return logw;
}

/** S_α(σ) for every configuration σ: row c (as in `spinsFromIndex`) holds the couplings in order. */
export function interactionTable(lattice: Lattice, couplings: readonly Coupling[]): Float64Array {
  const N = lattice.volume;
  if (N > MAX_ENUMERATION_SITES)
    throw new UsageError(`cannot enumerate ${N} sites (max ${MAX_ENUMERATION_SITES})`);
  const n = 2 ** N;
  const compiled = new CompiledCouplings(couplings, lattice);
  const out = new Float64Array(n * couplings.length);
  const spins = new Int8Array(N);
  for (let c = 0; c < n; c++) {
    spinsFromIndex(c, N, spins);
    compiled.evaluate(spins, out, c * couplings.length);
  }
  return out;
}
