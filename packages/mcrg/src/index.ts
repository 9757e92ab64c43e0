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
  type RgEigenvalue,
  type RgMatrices,
  rgEigenvalue,
  rgMatrices,
  type Sector,
} from './analysis.js';
export { type ChainResult, type ChainTick, runChain, TAU_SERIES_LENGTH } from './chain.js';
export {
  binSamples,
  chainSamples,
  defaultLevels,
  type McrgConfig,
  type McrgSetup,
  prepareMcrg,
  type ResolvedMcrgConfig,
} from './config.js';
export { MeasurementPipeline } from './measure.js';
export {
  type McrgHooks,
  type McrgProgress,
  type McrgResult,
  type McrgSample,
  runMcrg,
  sampleMcrg,
} from './run.js';
export { packageVersions } from './versions.js';
