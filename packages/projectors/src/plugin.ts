import type { Plugin } from '@rsrg/core';
import { decimation } from './decimation.js';
import { majority } from './majority.js';
import { pottsRbm, pottsRbmTrainer, rbm, rbmTrainer } from './rbm/index.js';
import { stochasticMajority } from './stochastic-majority/index.js';

/**
 * Registers the projectors (majority rule, which is plurality for q states, decimation, the
 * learned RBM weight factor and its q-state form, and the stochastic majority rule) and the
 * trainers of the RBMs, `rbm` and `potts-rbm`.
 */
export const plugin: Plugin = (registry) => {
  registry.projectors.add(majority);
  registry.projectors.add(decimation);
  registry.projectors.add(rbm);
  registry.projectors.add(pottsRbm);
  registry.projectors.add(stochasticMajority);
  registry.trainers.add(rbmTrainer);
  registry.trainers.add(pottsRbmTrainer);
};

export default plugin;
