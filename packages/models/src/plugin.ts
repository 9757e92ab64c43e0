import type { Plugin } from '@rsrg/core';
import { isingModels } from './ising/index.js';
import { potts2d } from './potts/index.js';
import { isingStudies, optimizedStudies, pottsStudies } from './studies/index.js';

/**
 * Registers the Ising models in 1, 2 and 3 dimensions, the square-lattice Potts model, the
 * coupling sets those models name,
 * and the studies declared on them.
 */
export const plugin: Plugin = (registry) => {
  for (const model of isingModels) {
    registry.models.add(model);
    registry.couplingSets.add(model.evenSet);
    registry.couplingSets.add(model.oddSet);
  }
  registry.models.add(potts2d);
  registry.couplingSets.add(potts2d.thermalSet);
  registry.couplingSets.add(potts2d.magneticSet);
  for (const study of [...isingStudies, ...pottsStudies, ...optimizedStudies]) registry.studies.add(study);
};

export default plugin;
