import type { Plugin } from '@rsrg/core';
import { heatBath } from './heat-bath.js';
import { metropolis } from './metropolis.js';
import { swendsenWang } from './swendsen-wang.js';
import { wolffWasm } from './wasm/wolff-wasm.js';
import { wolff } from './wolff.js';

/** Registers `wolff`, `swendsen-wang`, `metropolis`, `heat-bath` and `wolff-wasm`. */
export const plugin: Plugin = (registry) => {
  registry.samplers.add(wolff);
  registry.samplers.add(swendsenWang);
  registry.samplers.add(metropolis);
  registry.samplers.add(heatBath);
  registry.samplers.add(wolffWasm);
};
