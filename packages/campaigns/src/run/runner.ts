/**
 * A resumable, shardable MCRG run: a shard's chains on worker threads, checkpointed every so
 * often and on request, stopped cleanly, resumed bit for bit.
 */
import { type Registry, UsageError } from '@rsrg/core';
import {
  type ChainSnapshot,
  type McrgConfig,
  type McrgHooks,
  movesLeft,
  packageVersions,
  prepareMcrg,
  runChains,
} from '@rsrg/mcrg';
import {
  type ChainEntry,
  type CheckpointStore,
  checkpointProgress,
  type RunCheckpoint,
} from './checkpoint.js';
import { checkpointRounds } from './checkpoint-rounds.js';
import { comparePlan, createPlan, type Plan, planHash } from './plan.js';
import { finishedChain, planShardChains, type ShardResult, type ShardSpec, WHOLE_RUN } from './shards.js';

/** Options of `runResumable`. */
export interface ResumableOptions extends McrgHooks {
  /**
   * The plan the run belongs to (`readPlan`); default: made from `config` now. Its hash must
   * be the configuration's.
   */
  readonly plan?: Plan;
  /** Which shard's chains to run (see `shardChains`); default the whole run, 0/1. */
  readonly shard?: ShardSpec;
  /** Where checkpoints go, and how often (default: none are written or read). */
  readonly checkpoint?: CheckpointStore & {
    /** Seconds between two checkpoints (default 60); the first comes that long after the start. */
    readonly every?: number;
  };
  /**
   * Checkpoint and stop: when it aborts, every running chain hands back its snapshot at its
   * next check point, chains not started stay pending, a last checkpoint is written and the
   * run returns `{ status: 'stopped' }`. (`signal`, by contrast, abandons the run and rejects.)
   */
  readonly stop?: AbortSignal;
  /** Told about each checkpoint written. */
  readonly onCheckpoint?: (checkpoint: RunCheckpoint) => void;
  /**
   * Told about a checkpoint that could not be written; the run goes on and tries again at the
   * next one. Without it such a failure stops the run (as `stop` does) and then rejects.
   */
  readonly onCheckpointError?: (error: unknown) => void;
}

/** How `runResumable` ended: every chain done, or stopped on request with its last checkpoint. */
export type ResumableOutcome =
  | {
      /** Every chain of the shard ran to its end. */
      readonly status: 'done';
      /** The shard's chains, finished. */
      readonly shard: ShardResult;
      /** The checkpoint the run resumed from, if any. */
      readonly resumedFrom?: RunCheckpoint;
    }
  | {
      /** Stopped on request (`stop`), after a last checkpoint. */
      readonly status: 'stopped';
      /** The checkpoint written last: run again to resume from it. */
      readonly checkpoint: RunCheckpoint;
      /** Measurements done over the shard's chains. */
      readonly measured: number;
      /** Measurements the plan gives the shard's chains. */
      readonly planned: number;
    };

/** Orders snapshots of one chain: further along is larger. */
const position = (s: ChainSnapshot) => s.thermalized + s.measured;

/**
 * Runs (or resumes) the chains of one shard of an MCRG run (the whole run by default) so that
 * it survives being stopped. Chains run as `runChains` runs them: on worker threads when
 * `workers` > 1, each result depending on (config, chain) only. Every `checkpoint.every`
 * seconds every running chain is asked for a snapshot (at its next measurement, or within
 * ~1% of its thermalization); once all have answered, a `RunCheckpoint` (each chain pending,
 * running with its snapshot, or done with its result) goes to `checkpoint.write`. On start,
 * `checkpoint.load()` gives the checkpoint to resume from: its finished chains are kept, its
 * running ones continue from their snapshots, so the finished shard equals the uninterrupted
 * one bit for bit, wherever it stopped.
 *
 * When `stop` aborts, the chains stop at their next check point, a last checkpoint is written
 * and the promise resolves `{ status: 'stopped', checkpoint }`: a distinguishable, resumable
 * outcome (the CLI maps it to its exit code). When every chain is done, a last checkpoint
 * (all done) is written and it resolves `{ status: 'done', shard }`. A failing chain
 * rejects, after a last checkpoint of what was good.
 *
 * @example
 * const plan = readPlan(runDir);
 * const stop = new AbortController();
 * process.on('SIGTERM', () => stop.abort());
 * const outcome = await runResumable(registry, plan.config, {
 *   plan, shard, stop: stop.signal,
 *   checkpoint: { every: 60, ...checkpointStore(runDir, shard) },
 * });
 */
export async function runResumable(
  registry: Registry,
  config: McrgConfig,
  options: ResumableOptions = {},
): Promise<ResumableOutcome> {
  const start = performance.now();
  const { signal, stop, checkpoint: store, onProgress } = options;
  signal?.throwIfAborted();
  const setup = await prepareMcrg(registry, config);
  const hash = planHash(setup.config);
  if (options.plan && options.plan.planHash !== hash) {
    const why = comparePlan(options.plan, setup.config, { versions: false });
    throw new UsageError(why ?? 'the configuration is not the plan’s');
  }
  const plan = options.plan ?? createPlan(setup.config, registry.sources, packageVersions(registry.sources));
  const shard = options.shard ?? WHOLE_RUN;
  const chains = planShardChains(plan, shard);
  // Progress over the whole shard: what the checkpoint had done counts as done.
  const shardTotal = chains.reduce((s, c) => s + movesLeft(setup, c), 0);
  const { last, complete, resumedFrom } = await checkpointRounds({
    start,
    planHash: hash,
    shard,
    chains,
    runChains: setup.config.chains,
    checkpoint: store,
    stop,
    onCheckpoint: options.onCheckpoint,
    onCheckpointError: options.onCheckpointError,
    position,
    launch: (toRun, resume, requests, listeners) => {
      const leftAtStart = toRun.reduce((s, c) => s + movesLeft(setup, c, resume.get(c)), 0);
      return runChains(registry, config, {
        chains: toRun,
        resume,
        requests,
        signal,
        onProgress:
          onProgress &&
          ((p) => onProgress({ done: shardTotal - leftAtStart + p.done, total: shardTotal, phase: p.phase })),
        ...listeners,
      });
    },
  });
  if (!complete) {
    const { measured, planned } = checkpointProgress(plan, last);
    return { status: 'stopped', checkpoint: last, measured, planned };
  }
  return {
    status: 'done',
    shard: {
      planHash: hash,
      plan,
      shard: { index: shard.index, count: shard.count },
      complete: true,
      elapsed: last.elapsed,
      chains: last.chains.map((e) =>
        finishedChain(plan, (e as Extract<ChainEntry, { status: 'done' }>).result),
      ),
    },
    ...(resumedFrom && { resumedFrom }),
  };
}
