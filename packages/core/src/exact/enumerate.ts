import { type Coupling, compileCouplings } from '../couplings.js';
import { UsageError } from '../errors/index.js';
import type { Hamiltonian } from '../hamiltonian.js';
import type { Lattice } from '../lattice.js';
import { ISING_SPINS, type SpinEncoding, spinsFromIndex, statesFromIndex } from '../spins.js';

/** Largest lattice enumerated exactly (2^24 states). */
export const MAX_ENUMERATION_SITES = 24;
/** Most configurations enumerated for q-state spins (q^N ≤ 2^24). */
export const MAX_ENUMERATION_STATES = 2 ** 24;

/** The number of configurations, refusing more than the enumeration takes. */
function configurationCount(N: number, encoding: SpinEncoding): number {
  if (encoding.kind === 'sign') {
    if (N > MAX_ENUMERATION_SITES)
      throw new UsageError(`cannot enumerate ${N} sites (max ${MAX_ENUMERATION_SITES})`);
    return 2 ** N;
  }
  const n = encoding.states ** N;
  if (n > MAX_ENUMERATION_STATES)
    throw new UsageError(`cannot enumerate ${encoding.states}^${N} configurations (max 2^24)`);
  return n;
}

/** Configuration `c` of the enumeration order of `encoding` (`spinsFromIndex` or `statesFromIndex`). */
export function configurationFromIndex(
  c: number,
  N: number,
  encoding: SpinEncoding,
  out: Int8Array,
): Int8Array {
  return encoding.kind === 'sign' ? spinsFromIndex(c, N, out) : statesFromIndex(c, N, encoding.states, out);
}

/**
 * Normalised Boltzmann probabilities e^{H(σ)}/Z of every configuration, indexed as in
 * `spinsFromIndex` (bit i set ⇔ spin i is −1) for Ising spins, as in `statesFromIndex`
 * (digit i base q is the state of site i) for the q-state spins of `h.spins`.
 */
export function boltzmannDistribution(lattice: Lattice, h: Hamiltonian): Float64Array {
  const N = lattice.volume;
  const encoding = h.spins ?? ISING_SPINS;
  const n = configurationCount(N, encoding);
  const S = interactionTable(lattice, h.couplings, encoding);
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

/**
 * S_α(σ) for every configuration σ: row c (as in `configurationFromIndex`) holds the couplings
 * in order. `encoding` defaults to Ising spins.
 */
export function interactionTable(
  lattice: Lattice,
  couplings: readonly Coupling[],
  encoding: SpinEncoding = ISING_SPINS,
): Float64Array {
  const N = lattice.volume;
  const n = configurationCount(N, encoding);
  const compiled = compileCouplings(couplings, lattice);
  const out = new Float64Array(n * couplings.length);
  const spins = new Int8Array(N);
  for (let c = 0; c < n; c++) {
    configurationFromIndex(c, N, encoding, spins);
    compiled.evaluate(spins, out, c * couplings.length);
  }
  return out;
}
