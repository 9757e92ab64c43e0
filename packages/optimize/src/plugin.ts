import type { Plugin } from '@rsrg/core';
import { rgFilterTrainer } from './rg-filter-trainer.js';
import { rsmiTrainer } from './rsmi/trainer.js';
import { rgConvergenceTrainer } from './trainer.js';

/**
 * Registers trainers `rg-convergence` (projector `stochastic-majority`), `rg-filter` and `rsmi`
 * (projector `rbm`); both projectors are @rsrg/projectors'.
 */
export const plugin: Plugin = (registry) => {
  registry.trainers.add(rgConvergenceTrainer);
  registry.trainers.add(rgFilterTrainer);
  registry.trainers.add(rsmiTrainer);
};

export default plugin;
