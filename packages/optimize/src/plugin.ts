import type { Plugin } from '@rsrg/core';
import { rgFilterTrainer } from './rg-filter-trainer.js';
import { rgConvergenceTrainer } from './trainer.js';

/** Registers trainer `rg-convergence` (its projector, `stochastic-majority`, is @rsrg/projectors'). */
export const plugin: Plugin = (registry) => {
  registry.trainers.add(rgConvergenceTrainer);
  registry.trainers.add(rgFilterTrainer);
};

export default plugin;
