export { readStochasticMajorityFile, stochasticMajority, stochasticMajorityFromFile } from './factory.js';
export {
  STOCHASTIC_MAJORITY_FILE_KIND,
  type StochasticMajorityFile,
  stochasticMajorityCodec,
} from './file.js';
export {
  checkStochasticMajorityParameters,
  type FieldSites,
  fieldSites,
  fieldThresholds,
  localField,
  STOCHASTIC_MAJORITY_ID,
  type StochasticMajorityParameters,
  type StochasticMajorityProjector,
  shellOffsets,
  stochasticMajorityProjector,
  stochasticMajorityRule,
  upProbability,
} from './rule.js';
