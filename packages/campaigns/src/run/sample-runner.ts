/**
 * A resumable sampling run (`rsrg sample --run-dir`): its chains on worker threads, keeping
 * configurations, checkpointed every so often and on request, stopped cleanly, resumed to
 * the ensemble of the uninterrupted run, bit for bit.
 */
import { type Registry, UsageError } from '@rsrg/core';
import {
  bytesPerConfiguration,
  chainSamples,
  type Ensemble,
  type EnsembleChain,
  type EnsembleSnapshot,
  ensembleOf,
  type McrgHooks,
  movesLeft,
  packageVersions,
  prepareSampling,
  runSamplingChains,
  type SamplingConfig,
} from '@rsrg/mcrg';
import type { CheckpointStore, SampleCheckpoint } from './checkpoint.js';
import { checkpointRounds } from './checkpoint-rounds.js';
import { comparePlan, createSamplePlan, type SamplePlan, samplePlanHash } from './plan.js';
import { WHOLE_RUN } from './shards.js';

/** Options of `runSampleResumable` (as `ResumableOptions`, without shards). */
export interface SampleResumableOptions extends McrgHooks {
  /** The plan the run belongs to (`readSamplePlan(runDir)`); default: made from `config` now. */
  readonly plan?: SamplePlan;
  /** Where checkpoints go (`checkpointStore` with `sampleCheckpointCodec`), and how often (default 60 s). */
  readonly checkpoint?: CheckpointStore<SampleCheckpoint> & {
    /** Seconds between two checkpoints (default 60); the first comes that long after the start. */
    readonly every?: number;
  };
  /** Checkpoint and stop: the run resolves `{ status: 'stopped' }` after a last checkpoint. */
  readonly stop?: AbortSignal;
  /** Told about each checkpoint written. */
  readonly onCheckpoint?: (checkpoint: SampleCheckpoint) => void;
  /** Told about a checkpoint that could not be written; without it such a failure stops the run. */
  readonly onCheckpointError?: (error: unknown) => void;
}

/** How `runSampleResumable` ended: the ensemble, or stopped on request with its last checkpoint. */
export type SampleResumableOutcome =
  | {
      /** Every chain ran to its end. */
      readonly status: 'done';
      /** The configurations of every chain, in chain order, under the plan's `createdAt`. */
      readonly ensemble: Ensemble;
      /** Seconds of running, over every session. */
      readonly elapsed: number;
      /** The checkpoint the run resumed from, if any. */
      readonly resumedFrom?: SampleCheckpoint;
    }
  | {
      /** Stopped on request (`stop`), after a last checkpoint. */
      readonly status: 'stopped';
      /** The checkpoint written last: run again to resume from it. */
      readonly checkpoint: SampleCheckpoint;
      /** Configurations kept so far. */
      readonly kept: number;
      /** Configurations the plan keeps. */
      readonly planned: number;
    };

/** Orders snapshots of one chain: further along is larger. */
const position = (s: EnsembleSnapshot) => s.thermalized + s.kept;

/** Configurations kept so far in a sampling checkpoint. */
export function sampleCheckpointKept(plan: SamplePlan, checkpoint: SampleCheckpoint): number {
  const { samples, chains } = plan.config;
  return checkpoint.chains.reduce(
    (s, e) =>
      s +
      (e.status === 'done'
        ? chainSamples(samples, chains, e.chain)
        : e.status === 'running'
          ? e.snapshot.kept
          : 0),
    0,
  );
}

/**
 * Samples (or resumes sampling) the ensemble of `config` so that the run survives being
 * stopped, with `checkpointRounds` as `runResumable` runs MCRG chains: chains run as
 * `runSamplingChains` runs them (on worker threads when `workers` > 1), each snapshot holding
 * the sampler state and the configurations kept so far. The finished ensemble's
 * configurations equal `sampleEnsemble`'s bit for bit, wherever the run was stopped or
 * killed; its header's `createdAt` is the plan's, so every session writes the same file.
 *
 * @example
 * const plan = readSamplePlan(runDir);
 * const outcome = await runSampleResumable(registry, plan.config, {
 *   plan, stop: stop.signal,
 *   checkpoint: { every: 60, ...checkpointStore(runDir, WHOLE_RUN, { codec: sampleCheckpointCodec }) },
 * });
 */
export async function runSampleResumable(
  registry: Registry,
  config: SamplingConfig,
  options: SampleResumableOptions = {},
): Promise<SampleResumableOutcome> {
  const start = performance.now();
  const { signal, stop, onProgress } = options;
  signal?.throwIfAborted();
  const setup = prepareSampling(registry, config);
  const hash = samplePlanHash(setup.config);
  if (options.plan && options.plan.planHash !== hash) {
    const why = comparePlan(options.plan, setup.config, { versions: false });
    throw new UsageError(why ?? 'the configuration is not the plan’s');
  }
  const plan =
    options.plan ?? createSamplePlan(setup.config, registry.sources, packageVersions(registry.sources));
  const chains = Array.from({ length: setup.config.chains }, (_, c) => c);
  const total = chains.reduce((s, c) => s + movesLeft(setup, c), 0);
  const { last, complete, resumedFrom } = await checkpointRounds<EnsembleSnapshot, EnsembleChain>({
    start,
    planHash: hash,
    shard: WHOLE_RUN,
    chains,
    runChains: setup.config.chains,
    checkpoint: options.checkpoint,
    stop,
    onCheckpoint: options.onCheckpoint,
    onCheckpointError: options.onCheckpointError,
    position,
    launch: (toRun, resume, requests, listeners) => {
      const leftAtStart = toRun.reduce((s, c) => s + movesLeft(setup, c, resume.get(c)), 0);
      return runSamplingChains(registry, config, {
        chains: toRun,
        resume,
        requests,
        signal,
        onProgress:
          onProgress && ((p) => onProgress({ done: total - leftAtStart + p.done, total, phase: p.phase })),
        ...listeners,
      });
    },
  });
  if (!complete) {
    return {
      status: 'stopped',
      checkpoint: last,
      kept: sampleCheckpointKept(plan, last),
      planned: setup.config.samples,
    };
  }
  const bytes = bytesPerConfiguration(setup.lattice.volume, setup.model.spins);
  const parts = last.chains.map((e) => {
    const n = chainSamples(setup.config.samples, setup.config.chains, e.chain);
    if (e.status !== 'done' || e.result.packed.length !== n * bytes)
      throw new UsageError(`the checkpoint's chain ${e.chain} does not hold its ${n} configurations`);
    return e.result;
  });
  return {
    status: 'done',
    ensemble: ensembleOf(registry, setup, parts, plan.createdAt),
    elapsed: last.elapsed,
    ...(resumedFrom && { resumedFrom }),
  };
}
