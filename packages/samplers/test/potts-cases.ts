import { couplingFromOrbit, hamiltonian, Lattice, stateSpins } from '@rsrg/core';

/** The Potts nearest-neighbour coupling Σ δ(σ_x, σ_{x+e}) of the square lattice. */
export const pottsNn2 = couplingFromOrbit(
  'nn',
  [
    [0, 0],
    [0, 1],
  ],
  undefined,
  { kind: 'equal' },
);

/** The q = 3 Potts model on 4×4 near K_c: what tells a q-state sampler from an Ising one. */
export const potts3 = { lattice: new Lattice([4, 4]), h: hamiltonian([pottsNn2], [1.0], stateSpins(3)) };
