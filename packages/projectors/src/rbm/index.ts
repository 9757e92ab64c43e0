export {
  type RbmProjectorFile,
  rbmProjectorCodec,
  readWeightDat,
  trainedProjectorFile,
  writeWeightDat,
} from './codec.js';
export { loadRbmProjector, rbm } from './factory.js';
export {
  blockFilter,
  cloneFilter,
  filterOffset,
  filterSize,
  orientFilter,
  type RbmFilter,
  rbmFilter,
  shiftFilter,
  symmetrizeFilter,
  symmetryOrbits,
} from './filter.js';
export {
  ContrastiveDivergence,
  DEFAULT_RBM_KERNEL,
  type GradientEstimator,
  type HiddenUnits,
  JsHiddenUnits,
  type RbmKernel,
  type RbmKernelId,
  rbmKernel,
  rbmKernels,
  WasmContrastiveDivergence,
  WasmHiddenUnits,
} from './kernel/index.js';
export { RbmLayout } from './layout.js';
export {
  type RbmPresetId,
  type ResolvedTrainOptions,
  rbmPresets,
  resolveTrainOptions,
  type TrainOptions,
} from './options.js';
export { type ParallelTrainOptions, trainRbmParallel } from './parallel/trainer.js';
export * from './potts/index.js';
export { type RbmProjector, type RbmProjectorOptions, rbmProjector } from './projector.js';
export { type AdamOptions, DEFAULT_ADAM, type LearningRateSchedule, learningRate } from './schedule.js';
export { rbmTrainer } from './trainer/index.js';
export {
  DEFAULT_RBM_PRESET,
  RBM_TRAINER_OPTIONS,
  type RbmTrainerSettings,
  rbmTrainOptions,
  readRbmTrainerOptions,
} from './trainer/settings.js';
export {
  cdGradientSamples,
  type EpochInfo,
  RBM_TRAINER_VERSION,
  type RbmTrainingMetadata,
  type RbmTrainingState,
  type SlotState,
  type TrainHooks,
  type TrainingData,
  type TrainResult,
  trainRbm,
} from './training.js';
export { rbmTrainingStateCodec } from './training-state.js';
