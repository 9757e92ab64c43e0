export {
  type ChecksumStatus,
  type Codec,
  chainStateCodec,
  type Decoded,
  defineCodec,
  type Envelope,
  isRsrgFile,
  readEnvelope,
} from './codec.js';
export {
  CONFORMANCE_SAMPLES,
  type ConformanceCheck,
  ConformanceError,
  coarseHistogram,
  coarseProbabilities,
  type ProjectorConformanceOptions,
  projectorConformance,
  projectorTestConfigurations,
  projectorTestLattices,
} from './conformance/projector.js';
export {
  CompiledCouplings,
  type Coupling,
  type CouplingEvaluator,
  type CouplingOperator,
  type CouplingSet,
  canonicalTerm,
  compileCouplings,
  coupling,
  couplingFromOrbit,
  couplingParity,
  couplingSet,
  evaluateCouplings,
  hypercubicPointGroup,
  isProductCouplings,
  type Offset,
  type Parity,
  PRODUCT,
  packPadded,
  SiteCouplings,
  type Term,
  termOrbit,
} from './couplings.js';
export * from './errors/index.js';
export {
  type EstimateKey,
  type EstimateRow,
  type Exponent,
  estimateKey,
  estimateRow,
  legacySectorExponent,
  type Sector,
} from './estimate.js';
export {
  boltzmannDistribution,
  configurationFromIndex,
  interactionTable,
  MAX_ENUMERATION_SITES,
  MAX_ENUMERATION_STATES,
} from './exact/enumerate.js';
export {
  type AtomicWriteOptions,
  type AtomicWriterOptions,
  assertDistinctPaths,
  type CheckedJson,
  type CheckpointFile,
  type CheckpointFileStoreOptions,
  type CheckpointStore,
  checkpointFileList,
  checkpointFileStore,
  checksummedJson,
  describeSystemError,
  JSON_CHECKSUM_FIELD,
  type NamedPath,
  parseChecksummedJson,
  type ReadCheckedOptions,
  readChecksummedJson,
  readCodecFile,
  readFileChecked,
  storedStage,
  writeFileAtomic,
  writeFileAtomicWith,
} from './files/index.js';
export * from './guards/index.js';
export {
  energy,
  type Hamiltonian,
  hamiltonian,
  hamiltonianStates,
  isFerromagneticPair,
} from './hamiltonian.js';
export { Lattice } from './lattice.js';
export { defaultCoupling, type Model, resolveModel, type SectorNames, sectorNames } from './model.js';
export { type OptionSpec, type ParsedOptions, type PluginOptions, readOptions } from './options.js';
export type { Projector, ProjectorFactory, ProjectorKernel, ProjectorOptions } from './projector.js';
export { type Plugin, Registry } from './registry.js';
export { RNG_ALGORITHM, Rng, U32_TO_UNIT } from './rng.js';
export type { ChainState, Sampler, SamplerKernel } from './sampler.js';
export {
  allUp,
  bitsPerSpin,
  ISING_SPINS,
  indexFromSpins,
  indexFromStates,
  isSignEncoding,
  packConfigurationBits,
  packedBytes,
  packSpins,
  randomConfiguration,
  randomSpins,
  type SpinEncoding,
  type Spins,
  spinsFromIndex,
  stateSpins,
  statesFromIndex,
  stateView,
  unpackConfigurationBits,
  unpackSpins,
} from './spins.js';
export * from './stats.js';
export {
  type ReferenceEstimate,
  type Study,
  type StudyScale,
  type StudyTraining,
  studyTrainingOptions,
  studyTrainings,
} from './study.js';
export { builtWorkerFile, defaultWorkerCount } from './threads.js';
export {
  CheckpointRequests,
  type ProjectorParameters,
  type ProjectorSnapshot,
  type ProjectorTrainer,
  type TrainedProjector,
  type TrainerHooks,
  type TrainingCheckpoint,
  type TrainingCheckpoints,
  type TrainingData,
  type TrainingEpoch,
  type TrainingMetric,
  type TrainingPlan,
  type TrainingRun,
  TrainingStopped,
} from './trainer.js';
export {
  cachedWasmModule,
  instantiateWasm,
  WASM_MAX_PAGES,
  WASM_PAGE,
  type WasmInstance,
  type WasmMemory,
} from './webassembly.js';
