import type { Plugin } from '@rsrg/core';
import { heatBath } from './heat-bath.js';
import { metropolis } from './metropolis.js';
import { pottsHeatBath, pottsSwendsenWang, pottsWolff, pottsWolffWasm } from './potts-samplers.js';
import { swendsenWang } from './swendsen-wang.js';
import { wolffWasm } from './wasm/wolff-wasm.js';
import { wolff } from './wolff.js';

/**
 * Registers the Ising samplers `wolff`, `swendsen-wang`, `metropolis`, `heat-bath` and
 * `wolff-wasm`, and the q-state Potts samplers `potts-wolff`, `potts-swendsen-wang`,
 * `potts-heat-bath` and `potts-wolff-wasm`.
 */
export const plugin: Plugin = (registry) => {
  registry.samplers.add(wolff);
  registry.samplers.add(swendsenWang);
  registry.samplers.add(metropolis);
  registry.samplers.add(heatBath);
  registry.samplers.add(wolffWasm);
  registry.samplers.add(pottsWolff);
  registry.samplers.add(pottsSwendsenWang);
  registry.samplers.add(pottsHeatBath);
  registry.samplers.add(pottsWolffWasm);
};
