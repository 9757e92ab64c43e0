/**
 * A resumable, shardable MCRG run: a shard's chains on worker threads, checkpointed every so
 * often and on request, stopped cleanly, resumed bit for bit.
 */
import { type Registry, RsrgError, UsageError } from '@rsrg/core';
import {
  type ChainOutcome,
  ChainRequests,
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

function checkCheckpoint(c: RunCheckpoint, hash: string, shard: ShardSpec, chains: readonly number[]): void {
  if (c.planHash !== hash) {
    throw new UsageError(
      `the checkpoint is of another plan (hash ${c.planHash.slice(0, 12)}…, this run's is ${hash.slice(0, 12)}…): use another run directory`,
    );
  }
  if (c.shard.index !== shard.index || c.shard.count !== shard.count) {
    throw new UsageError(
      `the checkpoint is of shard ${c.shard.index}/${c.shard.count}, not ${shard.index}/${shard.count}`,
    );
  }
  const held = c.chains.map((e) => e.chain).join(',');
  if (held !== chains.join(','))
    throw new UsageError(`the checkpoint holds chains ${held}, not ${chains.join(',')}`);
}

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

  const loaded = store ? await store.load() : undefined;
  if (loaded) checkCheckpoint(loaded, hash, shard, chains);
  const elapsedBefore = loaded?.elapsed ?? 0;
  const entries = new Map<number, ChainEntry>(
    chains.map((c) => [c, loaded?.chains.find((e) => e.chain === c) ?? { chain: c, status: 'pending' }]),
  );
  const snapshotOf = (c: number) => {
    const e = entries.get(c)!;
    return e.status === 'running' ? e.snapshot : undefined;
  };
  const toRun = chains.filter((c) => entries.get(c)!.status !== 'done');
  const resume = new Map<number, ChainSnapshot>();
  for (const c of toRun) {
    const s = snapshotOf(c);
    if (s) resume.set(c, s);
  }

  const checkpointNow = (): RunCheckpoint => ({
    planHash: hash,
    shard: { index: shard.index, count: shard.count },
    writtenAt: new Date().toISOString(),
    elapsed: elapsedBefore + (performance.now() - start) / 1000,
    chains: chains.map((c) => entries.get(c)!),
  });

  // Progress over the whole shard: what the checkpoint had done counts as done.
  const shardTotal = chains.reduce((s, c) => s + movesLeft(setup, c), 0);
  const leftAtStart = toRun.reduce((s, c) => s + movesLeft(setup, c, resume.get(c)), 0);

  const requests = new ChainRequests(setup.config.chains);
  const running = new Set<number>();
  let round: { waiting: Set<number>; resolve: () => void } | undefined;
  const answered = (chain: number) => {
    if (round?.waiting.delete(chain) && round.waiting.size === 0) round.resolve();
  };
  const stopNow = () => requests.stop();
  if (stop?.aborted) stopNow();
  stop?.addEventListener('abort', stopNow, { once: true });

  const run = runChains(registry, config, {
    chains: toRun,
    resume,
    requests,
    signal,
    onProgress:
      onProgress &&
      ((p) => onProgress({ done: shardTotal - leftAtStart + p.done, total: shardTotal, phase: p.phase })),
    onStart: (c) => running.add(c),
    onSnapshot: (s) => {
      const e = entries.get(s.chain);
      if (e?.status === 'pending' || (e?.status === 'running' && position(s) >= position(e.snapshot)))
        entries.set(s.chain, { chain: s.chain, status: 'running', snapshot: s });
      answered(s.chain);
    },
    onOutcome: (o: ChainOutcome) => {
      running.delete(o.chain);
      if (o.status === 'done') entries.set(o.chain, { chain: o.chain, status: 'done', result: o.result });
      else if (o.snapshot) entries.set(o.chain, { chain: o.chain, status: 'running', snapshot: o.snapshot });
      answered(o.chain);
    },
  });
  const settled = run.then(
    () => undefined,
    () => undefined,
  );

  // Periodic checkpoints: ask the running chains, wait for every answer (or the end), write.
  let writeError: unknown;
  const write = async (c: RunCheckpoint) => {
    await store!.write(c);
    options.onCheckpoint?.(c);
  };
  const collect = async () => {
    const waiting = new Set(running);
    if (waiting.size > 0) {
      const answers = new Promise<void>((resolve) => {
        round = { waiting, resolve };
      });
      requests.snapshot(waiting);
      await Promise.race([answers, settled]);
      round = undefined;
    }
    if (requests.stopping) return; // the last checkpoint follows the stop
    try {
      await write(checkpointNow());
    } catch (err) {
      if (options.onCheckpointError) options.onCheckpointError(err);
      else {
        writeError = err;
        stopNow();
      }
    }
  };
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  let collecting: Promise<void> | undefined;
  const every = store ? (store.every ?? 60) : Number.POSITIVE_INFINITY;
  if (!(every >= 0)) throw new UsageError(`checkpoint.every must be a number of seconds ≥ 0, got ${every}`);
  const schedule = () => {
    if (finished || !Number.isFinite(every)) return;
    timer = setTimeout(() => {
      collecting = collect().finally(() => {
        collecting = undefined;
        schedule();
      });
    }, every * 1000);
  };
  schedule();

  let failure: unknown;
  try {
    await run;
  } catch (err) {
    failure = err;
  } finally {
    finished = true;
    if (timer) clearTimeout(timer);
    stop?.removeEventListener('abort', stopNow);
    await collecting;
  }

  const last = checkpointNow();
  if (failure !== undefined) {
    // Keep what was good, then report the failure.
    if (store) {
      try {
        await write(last);
      } catch {
        // the failure is what matters
      }
    }
    throw failure;
  }
  if (store) {
    try {
      await write(last);
    } catch (err) {
      if (writeError === undefined) writeError = err;
    }
  }
  if (writeError !== undefined) {
    throw new RsrgError(
      `the run stopped: a checkpoint could not be written (${(writeError as Error).message ?? String(writeError)})`,
    );
  }
  const all = chains.map((c) => entries.get(c)!);
  if (all.some((e) => e.status !== 'done')) {
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
      chains: all.map((e) => finishedChain(plan, (e as Extract<ChainEntry, { status: 'done' }>).result)),
    },
    ...(loaded && { resumedFrom: loaded }),
  };
}
