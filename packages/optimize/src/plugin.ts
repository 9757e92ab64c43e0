import type { Plugin } from '@rsrg/core';
import { rgConvergenceTrainer } from './trainer.js';

/** Registers trainer `rg-convergence` (its projector, `stochastic-majority`, is @rsrg/projectors'). */
export const plugin: Plugin = (registry) => {
  registry.trainers.add(rgConvergenceTrainer);
};

export default plugin;
