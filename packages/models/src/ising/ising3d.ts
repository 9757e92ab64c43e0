import { couplingFromOrbit, couplingSet } from '@rsrg/core';
import { hypercubicIsing } from './hypercubic.js';

/** K_c of the simple cubic Ising model (0.221654626(5)). */
export const ISING3D_CRITICAL_COUPLING = 0.221654626;

/**
 * 'ising3d.even': ten even couplings with offsets in {0,1,2}³, each the orbit of the
 * representative shown under the cubic point group (48 elements); terms per site in brackets.
 */
export const ising3dEven = couplingSet(
  'ising3d.even',
  'simple cubic Ising, even: pairs up to (2,2,0) and 4-spin terms',
  [
    // (0,0,0)(1,0,0): the bonds of the lattice [3].
    couplingFromOrbit('nearest neighbour', [
      [0, 0, 0],
      [1, 0, 0],
    ]),
    // (0,0,0)(1,1,0): face diagonals [6].
    couplingFromOrbit('face diagonal (1,1,0)', [
      [0, 0, 0],
      [1, 1, 0],
    ]),
    // (0,0,0)(1,1,1): body diagonals [4].
    couplingFromOrbit('body diagonal (1,1,1)', [
      [0, 0, 0],
      [1, 1, 1],
    ]),
    // (0,0,0)(2,0,0): second neighbour along an axis [3].
    couplingFromOrbit('axis pair (2,0,0)', [
      [0, 0, 0],
      [2, 0, 0],
    ]),
    // (0,0,0)(1,0,0)(0,1,0)(1,1,0): unit square [3].
    couplingFromOrbit('square plaquette', [
      [0, 0, 0],
      [1, 0, 0],
      [0, 1, 0],
      [1, 1, 0],
    ]),
    // (0,0,0)(2,1,0): knight pairs in the coordinate planes [12].
    couplingFromOrbit('pair (2,1,0)', [
      [0, 0, 0],
      [2, 1, 0],
    ]),
    // (0,0,0)(2,1,1) [12].
    couplingFromOrbit('pair (2,1,1)', [
      [0, 0, 0],
      [2, 1, 1],
    ]),
    // (0,0,0)(2,2,0): doubled face diagonals [6].
    couplingFromOrbit('pair (2,2,0)', [
      [0, 0, 0],
      [2, 2, 0],
    ]),
    // (0,0,0)(1,1,0)(1,0,1)(0,1,1): the regular tetrahedron of face diagonals in a unit cube [2].
    couplingFromOrbit('tetrahedron', [
      [0, 0, 0],
      [1, 1, 0],
      [1, 0, 1],
      [0, 1, 1],
    ]),
    // (0,0,0)(1,0,0)(0,1,1)(1,1,1): the 1 × √2 rectangle through a unit cube [6].
    couplingFromOrbit('diagonal rectangle', [
      [0, 0, 0],
      [1, 0, 0],
      [0, 1, 1],
      [1, 1, 1],
    ]),
  ],
);

/** 'ising3d.odd': magnetization and five 3-spin couplings from {0,1,2}³. */
export const ising3dOdd = couplingSet(
  'ising3d.odd',
  'simple cubic Ising, odd: magnetization and 3-spin terms',
  [
    // (0,0,0) [1].
    couplingFromOrbit('magnetization', [[0, 0, 0]]),
    // (0,0,0)(1,0,0)(0,1,0): 3 corners of a unit square [12].
    couplingFromOrbit('3-spin square corner', [
      [0, 0, 0],
      [1, 0, 0],
      [0, 1, 0],
    ]),
    // (0,0,0)(1,0,0)(2,0,0): 3 in a row along an axis [3].
    couplingFromOrbit('3 in a row', [
      [0, 0, 0],
      [1, 0, 0],
      [2, 0, 0],
    ]),
    // (0,0,0)(1,1,0)(2,2,0): 3 on a face diagonal [6].
    couplingFromOrbit('3 on a face diagonal', [
      [0, 0, 0],
      [1, 1, 0],
      [2, 2, 0],
    ]),
    // (0,0,0)(1,1,1)(2,2,2): 3 on a body diagonal [4].
    couplingFromOrbit('3 on a body diagonal', [
      [0, 0, 0],
      [1, 1, 1],
      [2, 2, 2],
    ]),
    // (0,0,0)(1,1,0)(1,0,1): equilateral triangle of face diagonals, a face of the tetrahedron [8].
    couplingFromOrbit('face-diagonal triangle', [
      [0, 0, 0],
      [1, 1, 0],
      [1, 0, 1],
    ]),
  ],
);

/** The simple cubic Ising model at K_c = 0.221654626; y_t = 1.587375(10), y_h = 2.4818511(10). */
export const ising3d = hypercubicIsing({
  id: 'ising3d',
  description: 'simple cubic Ising model (K_c = 0.221654626; y_t = 1.587375, y_h = 2.4818511)',
  dimension: 3,
  criticalCoupling: ISING3D_CRITICAL_COUPLING,
  evenSet: ising3dEven,
  oddSet: ising3dOdd,
  exponents: { yt: 1.587375, yh: 2.4818511 },
  // wolff-wasm is bit-identical to wolff and about 1.7× faster at criticality (docs/benchmarks.md).
  defaults: { sampler: 'wolff-wasm', projector: 'majority', interval: 5 },
});
