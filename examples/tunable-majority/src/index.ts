import type { Plugin } from '@rsrg/core';
import { tunableMajorityStudy } from './study.js';
import { tunableMajorityTrainer } from './trainer.js';
import { tunableMajority } from './tunable-majority.js';

/**
 * Registers the projector `tunable-majority`, its trainer (w by maximum likelihood on a grid)
 * and a study that compares it with majority rule. Load it with
 * `rsrg --plugin <path to dist/index.js> mcrg --projector tunable-majority`,
 * `rsrg --plugin <…> reproduce tunable-majority-ising2d` or `await registry.load(specifier)`.
 */
export const plugin: Plugin = (registry) => {
  registry.projectors.add(tunableMajority);
  registry.trainers.add(tunableMajorityTrainer);
  registry.studies.add(tunableMajorityStudy);
};

export default plugin;

export { type TunableMajorityFile, tunableMajorityCodec } from './file.js';
export { tunableMajorityStudy } from './study.js';
export {
  blockLogLikelihood,
  blockSumCounts,
  tunableMajorityTrainer,
  tunableMajorityTrainerOptions,
} from './trainer.js';
export {
  blockProbabilities,
  DEFAULT_BLOCK_SIZE,
  DEFAULT_WEIGHT,
  readTunableMajorityFile,
  TUNABLE_MAJORITY_ID,
  type TunableMajorityOptions,
  type TunableMajorityProjector,
  tunableMajority,
  tunableMajorityOptions,
  tunableMajorityProjector,
  tunableMajorityRule,
} from './tunable-majority.js';
