import type { Plugin } from '@rsrg/core';
import { decimation } from './decimation.js';
import { majority } from './majority.js';
import { isingModels } from './models/index.js';
import { rbm } from './rbm/index.js';
import { chungKao2019 } from './studies/chung-kao-2019.js';
import { ising3d16, ising3d32 } from './studies/ising3d.js';

/**
 * Registers the projectors (majority, decimation, rbm), the Ising models in 1, 2 and 3
 * dimensions and the coupling sets those models name.
 */
export const plugin: Plugin = (registry) => {
  registry.projectors.add(majority);
  registry.projectors.add(decimation);
  registry.projectors.add(rbm);
  for (const model of isingModels) {
    registry.models.add(model);
    registry.couplingSets.add(model.evenSet);
    registry.couplingSets.add(model.oddSet);
  }
  registry.studies.add(chungKao2019);
  for (const study of [ising3d16, ising3d32]) registry.studies.add(study);
};

export default plugin;
