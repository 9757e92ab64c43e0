export {
  type HypercubicIsingSpec,
  hypercubicIsing,
  type IsingModel,
  nearestNeighbourCoupling,
} from './hypercubic.js';
export { ising1d, ising1dEven, ising1dOdd } from './ising1d.js';
export { ISING2D_CRITICAL_COUPLING, ising2d, ising2dEven, ising2dOdd } from './ising2d.js';
export { ISING3D_CRITICAL_COUPLING, ising3d, ising3dEven, ising3dOdd } from './ising3d.js';
export { kaufmanEnergy, kaufmanEnergyVariance, kaufmanLogZ } from './kaufman.js';

import { ising1d } from './ising1d.js';
import { ising2d } from './ising2d.js';
import { ising3d } from './ising3d.js';

/** The built-in models, in registration order. */
export const isingModels = [ising1d, ising2d, ising3d] as const;
