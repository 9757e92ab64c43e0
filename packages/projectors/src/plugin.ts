import type { Plugin } from '@rsrg/core';
import { decimation } from './decimation.js';
import { majority } from './majority.js';
import { rbm, rbmTrainer } from './rbm/index.js';
import { stochasticMajority } from './stochastic-majority/index.js';

/**
 * Registers the projectors (majority rule, decimation, the learned RBM weight factor and the
 * stochastic majority rule) and the RBM's trainer, `rbm`.
 */
export const plugin: Plugin = (registry) => {
  registry.projectors.add(majority);
  registry.projectors.add(decimation);
  registry.projectors.add(rbm);
  registry.projectors.add(stochasticMajority);
  registry.trainers.add(rbmTrainer);
};

export default plugin;
