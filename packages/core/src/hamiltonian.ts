import { type Coupling, compileCouplings } from './couplings.js';
import { UsageError } from './errors/index.js';
import type { Lattice } from './lattice.js';
import type { SpinEncoding, Spins } from './spins.js';

/** H(σ) = Σ_α K_α S_α(σ); the Boltzmann weight is e^{H} (no minus sign, no β). */
export interface Hamiltonian {
  /** The interactions S_α. */
  readonly couplings: readonly Coupling[];
  /** The coupling constants K_α, one per coupling, in the same order. */
  readonly K: readonly number[];
  /** How the spins it weighs are stored; absent for Ising ±1 spins. Samplers read q here. */
  readonly spins?: SpinEncoding;
}

/**
 * A frozen Hamiltonian from couplings and their constants; throws a UsageError when the
 * lengths differ or a constant is not finite.
 *
 * @example
 * const nn = couplingFromOrbit('nearest neighbour', [[0, 0], [0, 1]]);
 * const h = hamiltonian([nn], [0.4406868]); // the square-lattice Ising model at K_c
 */
export function hamiltonian(
  couplings: readonly Coupling[],
  K: readonly number[],
  spins?: SpinEncoding,
): Hamiltonian {
  if (couplings.length !== K.length) {
    throw new UsageError(`${couplings.length} couplings but ${K.length} coupling constants`);
  }
  for (const k of K)
    if (!Number.isFinite(k)) throw new UsageError(`coupling constant must be finite, got ${k}`);
  const frozen = { couplings: Object.freeze([...couplings]), K: Object.freeze([...K]) };
  // Ising Hamiltonians stay the objects they always were (no `spins` key).
  return Object.freeze(spins === undefined || spins.kind === 'sign' ? frozen : { ...frozen, spins });
}

/** Whether every coupling is a pair interaction with K ≥ 0: what cluster algorithms need. */
export function isFerromagneticPair(h: Hamiltonian): boolean {
  return h.couplings.every((c, i) => h.K[i] >= 0 && c.terms.every((t) => t.length === 2));
}

/** States per site of the spins `h` weighs: 2 for Ising, q for a q-state Hamiltonian. */
export function hamiltonianStates(h: Hamiltonian): number {
  return h.spins?.states ?? 2;
}

/** H(σ) evaluated directly (for tests and checks, not for hot loops). */
export function energy(h: Hamiltonian, lattice: Lattice, spins: Spins): number {
  const S = new Float64Array(h.couplings.length);
  compileCouplings(h.couplings, lattice).evaluate(spins, S);
  let e = 0;
  for (let i = 0; i < S.length; i++) e += h.K[i] * S[i];
  return e;
}
