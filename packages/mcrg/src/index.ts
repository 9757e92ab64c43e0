export {
  type Accumulator,
  type AccumulatorShape,
  accumulate,
  accumulatorBuffers,
  accumulatorCodec,
  createAccumulator,
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
  type ChainResult,
  type ChainTick,
  measureConfigurations,
  projectingStream,
  runChain,
  samplingStream,
  TAU_SERIES_LENGTH,
  walkChain,
} from './chain.js';
export {
  binSamples,
  chainSamples,
  defaultLevels,
  ensembleSamplingSettings,
  type McrgConfig,
  type McrgProjectorSpec,
  type McrgSetup,
  modelCouplings,
  type PreparedProjector,
  prepareMcrg,
  prepareSampling,
  type ResolvedMcrgConfig,
  type ResolvedProjector,
  type ResolvedSamplingConfig,
  resolveLevels,
  type SamplingConfig,
  type SamplingSetup,
} from './config.js';
export { bytesPerConfiguration, packConfiguration, unpackConfiguration } from './configurations.js';
export {
  type AnalyzeEnsembleOptions,
  analyzeEnsemble,
  type Ensemble,
  type EnsembleAnalysis,
  type EnsembleChain,
  type EnsembleHeader,
  ensembleChunks,
  ensembleCodec,
  ensembleConfiguration,
  sampleEnsemble,
  sampleEnsembleChain,
} from './ensemble.js';
export { MeasurementPipeline } from './measure.js';
export {
  type McrgEnsembleSource,
  type McrgHooks,
  type McrgProgress,
  type McrgResult,
  type McrgSample,
  runMcrg,
  sampleMcrg,
} from './run.js';
export { packageVersions } from './versions.js';
