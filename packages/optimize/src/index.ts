export {
  type ExponentGradient,
  type ExponentGradientOptions,
  ExponentGradients,
  type ExponentGradientsOptions,
  type ExponentWithGradient,
  exponentGradient,
} from './exponent-gradient.js';
export {
  type FixedPointGeometry,
  type FixedPointLoss,
  type FixedPointTerm,
  type FixedPointValue,
  fixedPointLoss,
} from './fixed-point.js';
export {
  type BlockFeatures,
  BlockScore,
  type FilterGeometry,
  type LinearFieldRule,
  linearFieldFromData,
  orbitFilter,
  orbitWeights,
  projectorFromData,
  rbmFilterField,
  stochasticMajorityField,
  symmetricFilterField,
} from './linear-field.js';
export {
  type ExponentPoint,
  type LatticeExponents,
  type LossTerm,
  type ObjectiveExponents,
  type ObjectiveSector,
  RgConvergenceObjective,
  type RgObjectiveOptions,
  type RgObjectiveValue,
  type SectorExponents,
  type SectorLoss,
  type SectorLossWithGradient,
  sectorExponents,
  sectorLoss,
  sectorLossGradient,
} from './objective.js';
export type {
  ObjectiveReply,
  ObjectiveRequest,
  ObjectiveWorkerSetup,
  SharedConfigurations,
} from './objective-protocol.js';
export {
  type ObjectiveEvaluator,
  ObjectiveThreads,
  objectiveEvaluator,
  sharedConfigurations,
} from './objective-threads.js';
export {
  type Evaluation,
  goldenSection,
  gridSearch,
  type Interval,
  type Minimum,
  nelderMead,
  type Objective,
} from './optimizers.js';
export { exponentDifference, exponentOf, stepDifference } from './paired.js';
export { plugin, plugin as default } from './plugin.js';
export {
  checkBinRange,
  firstConfiguration,
  type ReblockedExponents,
  Reblocking,
  type ReblockingOptions,
  type SectorCouplings,
  type StoredConfigurations,
} from './reblocking.js';
export {
  RG_FILTER_ID,
  type RgFilterOptions,
  readRgFilterOptions,
  rgFilterTrainer,
} from './rg-filter-trainer.js';
export {
  blockSpins,
  type ClassifierFit,
  conditionalTable,
  crossEntropy,
  type EnvironmentClassifier,
  fitClassifier,
} from './rsmi/classifier.js';
export {
  combineGroups,
  configurationGroups,
  type RsmiEstimate,
  type RsmiFitOptions,
  type RsmiGroup,
  type RsmiGroupResult,
  rsmiEstimate,
  rsmiGroup,
} from './rsmi/estimate.js';
export {
  INFONCE_DEFAULTS,
  type InfoNceModel,
  type InfoNceOptions,
  infoNceBound,
  trainInfoNce,
} from './rsmi/infonce.js';
export { type LbfgsResult, lbfgs, type SmoothObjective } from './rsmi/lbfgs.js';
export {
  blockEntropy,
  filterProbabilities,
  informationHE,
  informationVE,
  maximizeInformation,
} from './rsmi/mutual-information.js';
export {
  type BlockEnvironmentPairs,
  blockEnvironmentPairs,
  checkRsmiGeometry,
  MAX_BLOCK_SITES,
  type RsmiGeometry,
  rsmiOffsets,
} from './rsmi/pairs.js';
export { RSMI_ID, type RsmiOptions, readRsmiOptions, rsmiTrainer } from './rsmi/trainer.js';
export { type BlockRuleData, projectorData } from './rule-data.js';
export {
  type CoarseObservable,
  finiteDifferenceGradient,
  type GradientOptions,
  type ObservableGradient,
  type RuleObservableGradient,
  scoreGradient,
} from './score-gradient.js';
export {
  RG_CONVERGENCE_ID,
  type RgConvergenceOptions,
  readRgConvergenceOptions,
  rgConvergenceTrainer,
} from './trainer.js';
