import { plugin } from './plugin.js';

export { heatBath } from './heat-bath.js';
export { metropolis } from './metropolis.js';
export {
  pottsHeatBath,
  pottsSupport,
  pottsSwendsenWang,
  pottsWolff,
  pottsWolffWasm,
} from './potts-samplers.js';
export { swendsenWang } from './swendsen-wang.js';
export { wolffWasm } from './wasm/wolff-wasm.js';
export { wolff } from './wolff.js';
export { plugin };
export default plugin;
