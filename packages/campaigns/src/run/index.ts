/**
 * Resumable, shardable MCRG runs: the plan of a run directory, checkpoints, shards and their
 * merge (docs/campaigns.md, "Run directories and checkpoints" and "Shards and merge").
 */
export {
  type ChainEntry,
  type CheckpointFile,
  type CheckpointStore,
  type CheckpointStoreOptions,
  checkpointFiles,
  checkpointProgress,
  checkpointShard,
  checkpointStore,
  checkpointsDir,
  type RunCheckpoint,
  runCheckpointCodec,
  type SampleCheckpoint,
  sampleCheckpointCodec,
} from './checkpoint.js';
export {
  type ChainListeners,
  type CheckpointRoundsOptions,
  type CheckpointRoundsOutcome,
  checkpointRounds,
} from './checkpoint-rounds.js';
export { type ExtendRequest, extendRunDir } from './extend.js';
export {
  baseFile,
  checkpointedShards,
  type NamedShard,
  readBase,
  readShardFile,
  runDirResults,
  shardFiles,
} from './finished.js';
export {
  canonicalJson,
  comparePlan,
  compareVersions,
  createPlan,
  createRunPlan,
  createSamplePlan,
  PLAN_FILE,
  PLAN_FORMAT,
  PLAN_FORMAT_VERSION,
  type Plan,
  type PlanBase,
  type PlanConfig,
  planConfig,
  planHash,
  planPath,
  type RunPlan,
  readPlan,
  readRunPlan,
  readSamplePlan,
  runPlanHash,
  type SamplePlan,
  type SamplePlanConfig,
  samplePlanHash,
  writePlan,
} from './plan.js';
export {
  type OpenRunDirOptions,
  type OpenSampleRunDirOptions,
  openRunDir,
  openSampleRunDir,
  type ShardProgress,
  shardProgress,
} from './run-dir.js';
export { type ResumableOptions, type ResumableOutcome, runResumable } from './runner.js';
export {
  runSampleResumable,
  type SampleResumableOptions,
  type SampleResumableOutcome,
  sampleCheckpointKept,
} from './sample-runner.js';
export {
  chainResultFromData,
  chainResultToData,
  finishedChain,
  type MergedShards,
  type MergeOptions,
  mergedResult,
  mergeShards,
  parseShard,
  partialChain,
  planShardChains,
  type ShardChain,
  type ShardResult,
  type ShardSpec,
  shardChains,
  shardResultCodec,
  shardResultFromData,
  shardResultToData,
  WHOLE_RUN,
} from './shards.js';
