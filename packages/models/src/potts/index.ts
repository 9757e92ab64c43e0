export { alongStateZero, EQUAL, potts2dMagnetic, potts2dThermal } from './couplings.js';
export {
  type HypercubicPottsSpec,
  hypercubicPotts,
  type PottsModel,
  pottsNearestNeighbour,
} from './model.js';
export { potts2d, potts2dCriticalCoupling, potts2dExponents } from './potts2d.js';
