import { couplingFromOrbit, couplingSet } from '@rsrg/core';
import { hypercubicIsing } from './hypercubic.js';

/** K_c = ln(1 + √2)/2 of the square lattice. */
export const ISING2D_CRITICAL_COUPLING = 0.44068679350977147;

/**
 * 'ising2d.even': the seven even couplings of Chung & Kao's Table 1, in order (N_c = 1..7).
 * Each orbit is generated from the representative shown, offsets (row, col).
 */
export const ising2dEven = couplingSet('ising2d.even', 'square Ising, even: the 7 couplings of Table 1', [
  couplingFromOrbit('nearest neighbour', [
    [0, 0],
    [0, 1],
  ]),
  couplingFromOrbit('next-nearest (1,1)', [
    [0, 0],
    [1, 1],
  ]),
  couplingFromOrbit('plaquette', [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]),
  couplingFromOrbit('third neighbour (2,0)', [
    [0, 0],
    [0, 2],
  ]),
  couplingFromOrbit('knight (2,1)', [
    [0, 0],
    [1, 2],
  ]),
  couplingFromOrbit('diamond', [
    [0, 1],
    [1, 0],
    [1, 2],
    [2, 1],
  ]),
  couplingFromOrbit('pair (2,2)', [
    [0, 0],
    [2, 2],
  ]),
]);

/** 'ising2d.odd': magnetization, 3-spin plaquette subsets, 3 in a row, 3 on a diagonal. */
export const ising2dOdd = couplingSet('ising2d.odd', 'square Ising, odd: magnetization and 3-spin terms', [
  couplingFromOrbit('magnetization', [[0, 0]]),
  // The 4 ways to keep 3 spins of a 2×2 plaquette.
  couplingFromOrbit('3-spin plaquette corner', [
    [0, 0],
    [0, 1],
    [1, 0],
  ]),
  // Rows and columns.
  couplingFromOrbit('3 in a row', [
    [0, 0],
    [0, 1],
    [0, 2],
  ]),
  // Both diagonals.
  couplingFromOrbit('3 on a diagonal', [
    [0, 0],
    [1, 1],
    [2, 2],
  ]),
]);

/** The square-lattice Ising model at K_c = ln(1+√2)/2; exact y_t = 1, y_h = 15/8. */
export const ising2d = hypercubicIsing({
  id: 'ising2d',
  description: 'square-lattice Ising model (K_c = ln(1+√2)/2; y_t = 1, y_h = 15/8)',
  dimension: 2,
  criticalCoupling: ISING2D_CRITICAL_COUPLING,
  evenSet: ising2dEven,
  oddSet: ising2dOdd,
  exponents: { yt: 1, yh: 15 / 8 },
  // wolff-wasm is bit-identical to wolff and about 1.7× faster at criticality (docs/benchmarks.md).
  defaults: { sampler: 'wolff-wasm', projector: 'majority', interval: 5 },
});
