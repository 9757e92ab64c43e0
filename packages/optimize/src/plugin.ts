import type { Plugin } from '@rsrg/core';
import { rsmiTrainer } from './rsmi/trainer.js';
import { rgConvergenceTrainer } from './trainer.js';

/**
 * Registers trainers `rg-convergence` (projector `stochastic-majority`) and `rsmi` (projector
 * `rbm`); both projectors are @rsrg/projectors'.
 */
export const plugin: Plugin = (registry) => {
  registry.trainers.add(rgConvergenceTrainer);
  registry.trainers.add(rsmiTrainer);
};

export default plugin;
