import {
  type ChainState,
  type Hamiltonian,
  isFerromagneticPair,
  type Lattice,
  UnsupportedError,
  UsageError,
} from '@rsrg/core';

/**
 * Why an Ising sampler cannot simulate h on this lattice, if it cannot: q-state spins (the
 * Potts samplers take those), or offsets of another dimension.
 */
export function dimensionMismatch(lattice: Lattice, h: Hamiltonian): string | undefined {
  if (h.spins !== undefined && h.spins.kind !== 'sign')
    return `it simulates Ising ±1 spins, not ${h.spins.states}-state spins (use potts-wolff, potts-swendsen-wang or potts-heat-bath)`;
  for (const c of h.couplings) {
    for (const term of c.terms) {
      for (const o of term) {
        if (o.length !== lattice.dimension) {
          return `coupling '${c.name}' has ${o.length}-dimensional offsets but the lattice is ${lattice.dimension}-dimensional`;
        }
      }
    }
  }
  return undefined;
}

/** Why a cluster algorithm cannot simulate h: non-pair terms or an antiferromagnetic K. */
export function clusterSupport(lattice: Lattice, h: Hamiltonian): string | undefined {
  const mismatch = dimensionMismatch(lattice, h);
  if (mismatch) return mismatch;
  if (isFerromagneticPair(h)) return undefined;
  for (let a = 0; a < h.couplings.length; a++) {
    const c = h.couplings[a];
    const size = c.terms.find((t) => t.length !== 2)?.length;
    if (size !== undefined) {
      return `coupling '${c.name}' has ${size}-spin terms; cluster updates need pair couplings (use metropolis or heat-bath)`;
    }
    if (h.K[a] < 0) {
      return `coupling '${c.name}' has K = ${h.K[a]} < 0; cluster updates need ferromagnetic couplings (use metropolis or heat-bath)`;
    }
  }
  return 'cluster updates need ferromagnetic pair couplings';
}

/** Throws the reason `supports` gives, so `create` never builds a kernel that samples the wrong weights. */
export function assertSupported(id: string, reason: string | undefined): void {
  if (reason !== undefined) throw new UnsupportedError(`${id}: ${reason}`);
}

/** A kernel indexes spins through its lattice's tables: a state of another size would read garbage. */
export function checkVolume(state: ChainState, volume: number): void {
  if (state.spins.length !== volume) {
    throw new UsageError(
      `chain state has ${state.spins.length} spins but the kernel's lattice has ${volume} sites`,
    );
  }
}
