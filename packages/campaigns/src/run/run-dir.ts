/**
 * A run directory as the command line meets it: open (or start) its plan, and read how far a
 * shard has got.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type Registry, UsageError } from '@rsrg/core';
import {
  chainSamples,
  type McrgConfig,
  packageVersions,
  prepareMcrg,
  prepareSampling,
  type SamplingConfig,
} from '@rsrg/mcrg';
import { checkpointFiles, checkpointProgress, type RunCheckpoint, runCheckpointCodec } from './checkpoint.js';
import {
  comparePlan,
  createPlan,
  createSamplePlan,
  type Plan,
  planPath,
  readPlan,
  readSamplePlan,
  type SamplePlan,
  writePlan,
} from './plan.js';
import { planShardChains, type ShardSpec } from './shards.js';

/** Options of `openRunDir`. */
export interface OpenRunDirOptions {
  /** Accept a plan written by other package versions (default false: refused, naming the package). */
  readonly otherVersions?: boolean;
  /**
   * Only the parameters the user typed. Against a stored plan they are laid over it, so the
   * ones left out take the plan's values rather than their defaults, and a changed parameter
   * is named as typed.
   */
  readonly typed?: McrgConfig;
}

/** The stored plan's configuration with `typed` laid over it (a typed projector replaces the plan's). */
function overPlan(stored: Plan, typed: McrgConfig): McrgConfig {
  const { projectors, ...rest } = stored.config;
  const ownProjector =
    typed.projector !== undefined || typed.projectorOptions !== undefined || typed.projectors !== undefined;
  return { ...rest, ...(!ownProjector && { projectors }), ...typed };
}

/**
 * The plan of run directory `runDir`, for `rsrg mcrg --run-dir`:
 * - no plan yet: `config` is resolved through `registry`, and its plan written and returned
 *   (a UsageError when `config` is not given: there is nothing to run);
 * - a plan, and `config`: the plan, when `config` resolves to the same run; else a UsageError
 *   naming the first parameter that differs ("--samples 2000 differs from the run's 1000");
 * - a plan and no `config` (a scheduler's task): the plan.
 * Either way the plan's package versions must be this build's, unless `otherVersions`.
 */
export async function openRunDir(
  registry: Registry,
  runDir: string,
  config?: McrgConfig,
  options: OpenRunDirOptions = {},
): Promise<Plan> {
  const versions = packageVersions(registry.sources);
  if (!existsSync(planPath(runDir))) {
    if (!config) readPlan(runDir); // throws: no plan here
    const setup = await prepareMcrg(registry, config!);
    if (config!.ensemble)
      throw new UsageError('a run directory samples its configurations: it takes no ensemble');
    const plan = createPlan(setup.config, registry.sources, versions);
    writePlan(runDir, plan);
    return plan;
  }
  const stored = readPlan(runDir);
  const asked = config && options.typed ? overPlan(stored, options.typed) : config;
  const requested = asked
    ? createPlan((await prepareMcrg(registry, asked)).config, registry.sources, versions)
    : { ...stored, versions };
  const why = comparePlan(stored, requested, { versions: !options.otherVersions });
  if (why !== undefined) throw new UsageError(`${why} (run directory ${runDir})`);
  return stored;
}

/**
 * The stored sampling plan's configuration with `typed` laid over it; the plan's model options
 * only when the model is the plan's (options belong to their model).
 */
function overSamplePlan(stored: SamplePlan, typed: Partial<SamplingConfig>): SamplingConfig {
  const { modelOptions, ...rest } = stored.config;
  const sameModel = typed.model === undefined || typed.model === stored.config.model;
  return { ...rest, ...(sameModel && modelOptions !== undefined && { modelOptions }), ...typed };
}

/** Options of `openSampleRunDir`. */
export interface OpenSampleRunDirOptions {
  /** Accept a plan written by other package versions (default false: refused, naming the package). */
  readonly otherVersions?: boolean;
  /** Only the parameters the user typed, laid over a stored plan (see `OpenRunDirOptions.typed`). */
  readonly typed?: Partial<SamplingConfig>;
}

/**
 * The plan of sampling run directory `runDir`, for `rsrg sample --run-dir`, as `openRunDir`
 * opens an MCRG one: no plan yet, `config`'s is written; a plan, `config` must resolve to
 * the same run (else a UsageError naming the first parameter that differs, as typed); no
 * `config`, the stored plan. A directory of an `rsrg mcrg` run is refused.
 */
export function openSampleRunDir(
  registry: Registry,
  runDir: string,
  config?: SamplingConfig,
  options: OpenSampleRunDirOptions = {},
): SamplePlan {
  const versions = packageVersions(registry.sources);
  if (!existsSync(planPath(runDir))) {
    if (!config) readSamplePlan(runDir); // throws: no plan here
    const plan = createSamplePlan(prepareSampling(registry, config!).config, registry.sources, versions);
    writePlan(runDir, plan);
    return plan;
  }
  const stored = readSamplePlan(runDir);
  const asked: SamplingConfig | undefined =
    config && options.typed ? overSamplePlan(stored, options.typed) : config;
  const requested = asked
    ? createSamplePlan(prepareSampling(registry, asked).config, registry.sources, versions)
    : { ...stored, versions };
  const why = comparePlan(stored, requested, { versions: !options.otherVersions });
  if (why !== undefined) throw new UsageError(`${why} (run directory ${runDir})`);
  return stored;
}

/** How far a shard has got, from its checkpoints: what `rsrg status` shows per shard. */
export interface ShardProgress {
  /** Checkpoints on disk (0: the shard has not checkpointed yet). */
  readonly checkpoints: number;
  /** Measurements in the newest good checkpoint (0 without one). */
  readonly measured: number;
  /** Measurements the plan gives the shard's chains. */
  readonly planned: number;
  /** Whether every chain of the newest good checkpoint is done. */
  readonly done: boolean;
  /** Measurements per second of running, between the two newest checkpoints (else overall; of a finished shard, over its whole run); NaN when unknown. */
  readonly rate: number;
  /** Seconds of running still needed at that rate (NaN when unknown, 0 when done). */
  readonly eta: number;
  /** Seconds since the newest checkpoint file was written (NaN without one). */
  readonly age: number;
  /** The newest good checkpoint. */
  readonly checkpoint?: RunCheckpoint;
}

/**
 * The progress of shard `shard` of `plan` in `runDir`, from the newest good checkpoint and
 * the one before it. Damaged checkpoints are skipped, as a resume would skip them.
 */
export function shardProgress(runDir: string, plan: Plan, shard: ShardSpec, now = Date.now()): ShardProgress {
  const files = checkpointFiles(runDir, shard);
  const good: { c: RunCheckpoint; mtimeMs: number }[] = [];
  for (const f of files) {
    try {
      good.push({ c: runCheckpointCodec.decode(readFileSync(f.path), f.path), mtimeMs: f.mtimeMs });
    } catch {
      // damaged: a resume skips it too
    }
    if (good.length === 2) break;
  }
  const newest = good[0]?.c;
  if (!newest) {
    const { samples, chains } = plan.config;
    return {
      checkpoints: files.length,
      measured: 0,
      planned: planShardChains(plan, shard).reduce((s, c) => s + chainSamples(samples, chains, c), 0),
      done: false,
      rate: Number.NaN,
      eta: Number.NaN,
      age: Number.NaN,
    };
  }
  const p = checkpointProgress(plan, newest);
  const before = good[1] ? checkpointProgress(plan, good[1].c) : { measured: 0 };
  const dt = newest.elapsed - (good[1]?.c.elapsed ?? 0);
  const done = p.running === 0 && p.pending === 0;
  // A finished shard's rate is its whole run's: its last checkpoints may add nothing (a rerun).
  const rate = done
    ? newest.elapsed > 0
      ? p.measured / newest.elapsed
      : Number.NaN
    : dt > 0
      ? (p.measured - before.measured) / dt
      : Number.NaN;
  return {
    checkpoints: files.length,
    measured: p.measured,
    planned: p.planned,
    done,
    rate,
    eta: done ? 0 : rate > 0 ? (p.planned - p.measured) / rate : Number.NaN,
    age: (now - good[0].mtimeMs) / 1000,
    checkpoint: newest,
  };
}
