export {
  type Accumulator,
  type AccumulatorShape,
  accumulate,
  accumulatorBuffers,
  accumulatorCodec,
  accumulatorFromData,
  accumulatorToData,
  cloneAccumulator,
  createAccumulator,
  float64Bytes,
  float64FromBytes,
  mergeAccumulators,
} from './accumulator.js';
export {
  type AnalyzeOptions,
  analyze,
  type Estimate,
  type Moments,
  moments,
  type ProjectorEstimate,
  type RgEigenvalue,
  type RgMatrices,
  rgEigenvalue,
  rgMatrices,
  type Sector,
} from './analysis.js';
export {
  type ChainControl,
  type DriveChainOptions,
  type DriveEnsembleChainOptions,
  driveChain,
  driveEnsembleChain,
  measureConfigurations,
  projectingStream,
  runChain,
  SNAPSHOT_REQUEST,
  STOP_REQUEST,
  sampleEnsembleChain,
  samplingStream,
  TAU_SERIES_LENGTH,
  walkChain,
} from './chain.js';
export { defaultLevels, resolveLevels } from './config/levels.js';
export {
  accumulatorLength,
  assertRunArraysFit,
  CHAIN_BYTES_PER_SITE,
  chainStateBytes,
  concurrentChains,
  ensembleBytes,
  estimateMcrgMemory,
  estimateSamplingMemory,
  PROCESS_BYTES,
  WORKER_BYTES,
} from './config/memory.js';
export { binSamples, chainSamples } from './config/partition.js';
export type {
  McrgConfig,
  McrgProjectorSpec,
  McrgSetup,
  PreparedProjector,
  ResolvedMcrgConfig,
  ResolvedProjector,
  ResolvedSamplingConfig,
  SamplingConfig,
  SamplingSetup,
} from './config/types.js';
export {
  checkEnsembleHeader,
  configuredModel,
  modelCouplings,
  prepareMcrg,
  prepareSampling,
} from './config/validate.js';
export {
  type AnalyzeEnsembleOptions,
  analyzeEnsemble,
  type EnsembleAnalysis,
} from './drivers/analyze-ensemble.js';
export type { McrgHooks, McrgProgress } from './drivers/hooks.js';
export {
  ChainRequests,
  type ChainsRun,
  movesLeft,
  type RunChainsOptions,
  runChains,
  runSamplingChains,
  type SamplingChainsRun,
} from './drivers/run-chains.js';
export {
  type McrgEnsembleSource,
  type McrgResult,
  type McrgSample,
  mcrgResult,
  runMcrg,
  sampleMcrg,
} from './drivers/run-mcrg.js';
export { ensembleOf, sampleEnsemble } from './drivers/sample-ensemble.js';
export {
  type Ensemble,
  type EnsembleHeader,
  type EnsembleSamplingSettings,
  ensembleChunks,
  ensembleCodec,
  ensembleConfiguration,
  ensembleConfigurations,
  ensembleSamplingSettings,
  ensembleSpins,
} from './ensemble-file.js';
export { MeasurementPipeline } from './measurement-pipeline.js';
export { packageVersions } from './package-versions.js';
export { bytesPerConfiguration, packConfiguration, unpackConfiguration } from './packed-configurations.js';
export type {
  ChainOutcome,
  ChainPhase,
  ChainResult,
  ChainSnapshot,
  ChainTick,
  EnsembleChain,
  EnsembleOutcome,
  EnsembleSnapshot,
} from './protocol.js';
export {
  binPosition,
  chainSnapshotCodec,
  chainSnapshotFromData,
  chainSnapshotToData,
  checkEnsembleSnapshot,
  checkSnapshot,
  ensembleSnapshotFromData,
  ensembleSnapshotToData,
} from './snapshot.js';
