import type { Plugin } from '@rsrg/core';
import { tunableMajority } from './tunable-majority.js';

/**
 * Registers the projector `tunable-majority`. Load it with
 * `rsrg --plugin <path to dist/index.js> mcrg --projector tunable-majority` or
 * `await registry.load(specifier)`.
 */
export const plugin: Plugin = (registry) => {
  registry.projectors.add(tunableMajority);
};

export default plugin;

export {
  blockProbabilities,
  DEFAULT_BLOCK_SIZE,
  DEFAULT_WEIGHT,
  TUNABLE_MAJORITY_ID,
  type TunableMajorityOptions,
  type TunableMajorityProjector,
  tunableMajority,
  tunableMajorityOptions,
  tunableMajorityProjector,
  tunableMajorityRule,
} from './tunable-majority.js';
