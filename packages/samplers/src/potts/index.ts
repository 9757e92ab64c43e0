export { createPottsHeatBathKernel, pottsHeatBathSweep } from './heat-bath.js';
export { type PottsBonds, pottsBonds } from './neighbours.js';
export { createPottsSwendsenWangKernel, pottsSwendsenWangSweep } from './swendsen-wang.js';
export {
  createPottsWolffKernel,
  pottsBondLimit,
  pottsWolffCluster,
  pottsWolffCluster4,
  pottsWolffCluster6,
} from './wolff.js';
