import type { Plugin } from '@rsrg/core';
import { heatBath } from './heat-bath.js';
import { metropolis } from './metropolis.js';
import { swendsenWang } from './swendsen-wang.js';
import { wolff } from './wolff.js';

/** Registers `wolff`, `swendsen-wang`, `metropolis` and `heat-bath`. */
export const plugin: Plugin = (registry) => {
  registry.samplers.add(wolff);
  registry.samplers.add(swendsenWang);
  registry.samplers.add(metropolis);
  registry.samplers.add(heatBath);
};
