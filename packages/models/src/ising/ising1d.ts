import { couplingFromOrbit, couplingSet } from '@rsrg/core';
import { hypercubicIsing } from './hypercubic.js';

/** 'ising1d.even': the nearest-neighbour pair (0)(1). */
export const ising1dEven = couplingSet('ising1d.even', 'Ising chain, even: nearest neighbour', [
  couplingFromOrbit('nearest neighbour', [[0], [1]]),
]);

/** 'ising1d.odd': the magnetization. */
export const ising1dOdd = couplingSet('ising1d.odd', 'Ising chain, odd: magnetization', [
  couplingFromOrbit('magnetization', [[0]]),
]);

/**
 * The Ising ring. It has no phase transition at K > 0, so it declares no critical coupling,
 * only a default one. With decimation b = 2 the MCRG eigenvalues are exactly tanh 2K (even)
 * and 1 + tanh 2K (odd), which makes it an end-to-end oracle.
 */
export const ising1d = hypercubicIsing({
  id: 'ising1d',
  description: 'Ising ring (no transition; exact decimation eigenvalues tanh 2K, 1 + tanh 2K)',
  dimension: 1,
  evenSet: ising1dEven,
  oddSet: ising1dOdd,
  defaults: { sampler: 'wolff', projector: 'decimation', interval: 5, coupling: 0.5 },
});
