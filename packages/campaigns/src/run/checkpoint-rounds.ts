/**
 * Checkpoint rounds over running chains, for any kind of chain: ask every running chain for
 * its snapshot every so often, write the shard's state once all have answered, and on a stop
 * write a last checkpoint. `runResumable` (MCRG) and `runSampleResumable` (sampling) differ
 * only in the chains they launch.
 */
import { RsrgError, UsageError } from '@rsrg/core';
import { type ChainOutcome, ChainRequests } from '@rsrg/mcrg';
import type { ChainEntry, CheckpointStore, RunCheckpoint } from './checkpoint.js';
import type { ShardSpec } from './shards.js';

/** What the chains launched by `checkpointRounds` must tell it. */
export interface ChainListeners<S, R> {
  /** A chain has started: it answers requests from now on. */
  readonly onStart: (chain: number) => void;
  /** A snapshot a request asked for. */
  readonly onSnapshot: (snapshot: S & { readonly chain: number }) => void;
  /** A chain has ended, done or stopped. */
  readonly onOutcome: (outcome: ChainOutcome<R, S>) => void;
}

/** What `checkpointRounds` needs: the shard, where checkpoints go, and how to run chains. */
export interface CheckpointRoundsOptions<S, R> {
  /** When the run started (`performance.now()`), for the checkpoints' `elapsed`. */
  readonly start: number;
  /** The plan's hash: a checkpoint of another plan is refused. */
  readonly planHash: string;
  /** The shard whose chains run. */
  readonly shard: ShardSpec;
  /** Its chains, in order. */
  readonly chains: readonly number[];
  /** Chains in the whole run: one request word each. */
  readonly runChains: number;
  /** Where checkpoints go, and how often (default: none are written or read). */
  readonly checkpoint?: CheckpointStore<RunCheckpoint<S, R>> & {
    /** Seconds between two checkpoints (default 60); the first comes that long after the start. */
    readonly every?: number;
  };
  /** Checkpoint and stop (see `ResumableOptions.stop`). */
  readonly stop?: AbortSignal;
  /** Told about each checkpoint written. */
  readonly onCheckpoint?: (checkpoint: RunCheckpoint<S, R>) => void;
  /** Told about a checkpoint that could not be written (see `ResumableOptions.onCheckpointError`). */
  readonly onCheckpointError?: (error: unknown) => void;
  /** Orders snapshots of one chain: further along is larger. */
  readonly position: (snapshot: S) => number;
  /**
   * Runs chains `toRun`, each from its snapshot in `resume` when there is one, answering the
   * snapshot and stop requests of `requests` and telling `listeners`; resolves when all have
   * ended. Called once, after the checkpoint to resume from is loaded.
   */
  readonly launch: (
    toRun: readonly number[],
    resume: ReadonlyMap<number, S>,
    requests: ChainRequests,
    listeners: ChainListeners<S, R>,
  ) => Promise<unknown>;
}

/** How `checkpointRounds` ended. */
export interface CheckpointRoundsOutcome<S, R> {
  /** The checkpoint written last (or that would have been, without a store). */
  readonly last: RunCheckpoint<S, R>;
  /** Whether every chain of the shard is done. */
  readonly complete: boolean;
  /** The checkpoint the run resumed from, if any. */
  readonly resumedFrom?: RunCheckpoint<S, R>;
}

function checkCheckpoint(
  c: RunCheckpoint<unknown, unknown>,
  hash: string,
  shard: ShardSpec,
  chains: readonly number[],
): void {
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
 * Runs (or resumes) the chains of a shard so that they survive being stopped: loads the
 * newest good checkpoint (`checkpoint.load()`), keeps its finished chains, launches the rest
 * from their snapshots, and every `checkpoint.every` seconds asks every running chain for a
 * snapshot and, once all have answered, writes a `RunCheckpoint` (each chain pending, running
 * with its snapshot, or done with its result). When `stop` aborts, the chains stop at their
 * next check point and a last checkpoint is written; at the end, one with every chain done.
 * A failing chain rejects, after a last checkpoint of what was good; a checkpoint that cannot
 * be written stops the run and then rejects, unless `onCheckpointError` takes it.
 */
export async function checkpointRounds<S, R>(
  options: CheckpointRoundsOptions<S, R>,
): Promise<CheckpointRoundsOutcome<S, R>> {
  const { start, planHash: hash, shard, chains, checkpoint: store, stop, position } = options;
  const loaded = store ? await store.load() : undefined;
  if (loaded) checkCheckpoint(loaded, hash, shard, chains);
  const elapsedBefore = loaded?.elapsed ?? 0;
  const entries = new Map<number, ChainEntry<S, R>>(
    chains.map((c) => [c, loaded?.chains.find((e) => e.chain === c) ?? { chain: c, status: 'pending' }]),
  );
  const toRun = chains.filter((c) => entries.get(c)!.status !== 'done');
  const resume = new Map<number, S>();
  for (const c of toRun) {
    const e = entries.get(c)!;
    if (e.status === 'running') resume.set(c, e.snapshot);
  }

  const checkpointNow = (): RunCheckpoint<S, R> => ({
    planHash: hash,
    shard: { index: shard.index, count: shard.count },
    writtenAt: new Date().toISOString(),
    elapsed: elapsedBefore + (performance.now() - start) / 1000,
    chains: chains.map((c) => entries.get(c)!),
  });

  const requests = new ChainRequests(options.runChains);
  const running = new Set<number>();
  let round: { waiting: Set<number>; resolve: () => void } | undefined;
  const answered = (chain: number) => {
    if (round?.waiting.delete(chain) && round.waiting.size === 0) round.resolve();
  };
  const stopNow = () => requests.stop();
  if (stop?.aborted) stopNow();
  stop?.addEventListener('abort', stopNow, { once: true });

  const run = options.launch(toRun, resume, requests, {
    onStart: (c) => running.add(c),
    onSnapshot: (s) => {
      const e = entries.get(s.chain);
      if (e?.status === 'pending' || (e?.status === 'running' && position(s) >= position(e.snapshot)))
        entries.set(s.chain, { chain: s.chain, status: 'running', snapshot: s });
      answered(s.chain);
    },
    onOutcome: (o) => {
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
  const write = async (c: RunCheckpoint<S, R>) => {
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
  return {
    last,
    complete: last.chains.every((e) => e.status === 'done'),
    ...(loaded && { resumedFrom: loaded }),
  };
}
