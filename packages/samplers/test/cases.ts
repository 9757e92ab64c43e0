import {
  type ChainState,
  type Coupling,
  coupling,
  couplingFromOrbit,
  type Hamiltonian,
  hamiltonian,
  indexFromSpins,
  Lattice,
  Rng,
  randomSpins,
  type Sampler,
} from '@rsrg/core';

/** 2D couplings of Table 1 (docs/physics.md §3). */
export const nn2 = couplingFromOrbit('nearest neighbour', [
  [0, 0],
  [0, 1],
]);
export const nnn2 = couplingFromOrbit('next-nearest (diagonal)', [
  [0, 0],
  [1, 1],
]);
export const plaquette2 = couplingFromOrbit('plaquette', [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
export const third2 = couplingFromOrbit('third neighbour', [
  [0, 0],
  [0, 2],
]);
export const knight2 = couplingFromOrbit('knight', [
  [0, 0],
  [1, 2],
]);
export const diamond2 = couplingFromOrbit('diamond', [
  [0, 1],
  [1, 0],
  [1, 2],
  [2, 1],
]);
export const twoTwo2 = couplingFromOrbit('(2,2) pairs', [
  [0, 0],
  [2, 2],
]);
export const field2 = coupling('magnetization', [[[0, 0]]]);
export const triangle2 = couplingFromOrbit('3-spin plaquette subsets', [
  [0, 0],
  [0, 1],
  [1, 0],
]);
export const nn3 = couplingFromOrbit('nearest neighbour', [
  [0, 0, 0],
  [0, 0, 1],
]);
export const nn1 = coupling('nearest neighbour', [[[0], [1]]]);

/** A test system small enough to enumerate: a lattice and a Hamiltonian. */
export interface Case {
  readonly name: string;
  readonly lattice: Lattice;
  readonly h: Hamiltonian;
  /** Histogram entries for the chi-square test. */
  readonly samples: number;
}

const square3 = new Lattice([3, 3]);
const case_ = (
  name: string,
  lattice: Lattice,
  couplings: Coupling[],
  K: number[],
  samples = 100_000,
): Case => ({
  name,
  lattice,
  h: hamiltonian(couplings, K),
  samples,
});

/** Every sampler must reproduce the Boltzmann distribution of each case it supports. */
export const cases: readonly Case[] = [
  case_('3×3 nn K = 0.3', square3, [nn2], [0.3]),
  case_('3×3 nn K = 0.44', square3, [nn2], [0.44]),
  // On 3 sites (0,0)(0,3) is one site twice: a constant pair term the samplers must ignore.
  case_(
    '3×3 nn + nnn + self-wrapping pair',
    square3,
    [
      nn2,
      nnn2,
      coupling('wrap', [
        [
          [0, 0],
          [0, 3],
        ],
      ]),
    ],
    [0.2, 0.15, 0.3],
  ),
  case_('3×3 nn + nnn + plaquette, negative K', square3, [nn2, nnn2, plaquette2], [0.3, -0.2, 0.25]),
  // Odd terms; (0,0)(0,3)(1,0) holds its anchor twice and is really a field on (1,0).
  case_(
    '3×3 field + 3-spin terms',
    square3,
    [
      nn2,
      field2,
      triangle2,
      coupling('wrap', [
        [
          [0, 0],
          [0, 3],
          [1, 0],
        ],
      ]),
    ],
    [0.25, 0.15, -0.1, 0.2],
  ),
  // Seven couplings: too many distinct local fields for tables, so Math.exp is used.
  case_(
    '3×3 the seven even couplings of Table 1',
    square3,
    [nn2, nnn2, plaquette2, third2, knight2, diamond2, twoTwo2],
    [0.2, -0.1, 0.1, 0.05, -0.05, 0.08, 0.04],
    40_000, // 32 terms per site: slow per sweep; 40 000 entries still resolve 512 states
  ),
  case_('2×2×3 nn K = 0.2', new Lattice([2, 2, 3]), [nn3], [0.2]),
  case_('ring of 8, nn K = 0.5', new Lattice([8]), [nn1], [0.5]),
];

/**
 * Histogram of configurations (indexed as `spinsFromIndex`) over `samples` states taken every
 * `interval` steps after `burnIn` steps, from random spins.
 */
export function histogram(
  sampler: Sampler,
  c: Case,
  seed: number,
  samples: number,
  interval: number,
  burnIn = 1000,
): Float64Array {
  const kernel = sampler.create(c.lattice, c.h);
  const rng = Rng.stream(seed, 0);
  const state: ChainState = { spins: randomSpins(c.lattice, rng), rng, moves: 0 };
  for (let i = 0; i < burnIn; i++) kernel.step(state);
  const counts = new Float64Array(2 ** c.lattice.volume);
  for (let n = 0; n < samples; n++) {
    for (let i = 0; i < interval; i++) kernel.step(state);
    counts[indexFromSpins(state.spins)]++;
  }
  return counts;
}
