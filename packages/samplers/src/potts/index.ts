export {
  createPottsHeatBathKernel,
  pottsHeatBathSweep,
  pottsHeatBathSweep4,
  pottsHeatBathSweep6,
} from './heat-bath.js';
export { type PottsBonds, pottsBonds } from './neighbours.js';
export { createPottsSwendsenWangKernel, pottsSwendsenWangSweep } from './swendsen-wang.js';
export { createPottsWolffWasmKernel } from './wasm/potts-wolff-wasm.js';
export {
  createPottsWolffKernel,
  pottsBondLimit,
  pottsWolffCluster,
  pottsWolffCluster4,
  pottsWolffCluster6,
} from './wolff.js';
