/**
 * The q-state RBM weight factor P(μ_J = a | σ) ∝ exp(Σ_k W_k δ(σ_{b·X_J+k}, a)) on the Ising
 * RBM's windows: kernels (categorical units), projector, file format, CD-k training and trainer
 * `potts-rbm`.
 */
export { type PottsRbmProjectorFile, pottsRbmProjectorCodec, trainedPottsProjectorFile } from './codec.js';
export { loadPottsRbmProjector, pottsRbm } from './factory.js';
export {
  checkStates,
  DEFAULT_POTTS_RBM_KERNEL,
  JsPottsRbmUnits,
  PottsContrastiveDivergence,
  type PottsGradientEstimator,
  type PottsRbmKernel,
  type PottsRbmKernelId,
  type PottsRbmUnits,
  pottsRbmKernel,
  pottsRbmKernels,
} from './kernel/index.js';
export { PottsRbmLayout } from './layout.js';
export {
  checkPottsStates,
  type PottsTrainOptions,
  type ResolvedPottsTrainOptions,
  resolvePottsTrainOptions,
} from './options.js';
export {
  type PottsRbmProjector,
  type PottsRbmProjectorOptions,
  pottsRbmProjector,
} from './projector.js';
export { PottsPseudoLikelihood } from './pseudo-likelihood.js';
export { POTTS_RBM_TRAINER_OPTIONS, pottsRbmTrainer, pottsRbmTrainOptions } from './trainer.js';
export {
  POTTS_RBM_TRAINER_VERSION,
  type PottsRbmTrainingMetadata,
  type PottsTrainingData,
  type PottsTrainResult,
  pottsCdGradientSamples,
  pottsTrainingSteps,
  trainPottsRbm,
} from './training.js';
