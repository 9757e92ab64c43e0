import { setMaxListeners } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { builtWorkerFile, RsrgError } from '@rsrg/core';
import { Piscina } from 'piscina';
import type { ChainFailure, ChainMessage, ChainTick, WorkerTask } from './protocol.js';

/**
 * A chain's failure as this thread sees it: the worker's plain error revived (name and exit
 * code kept), or piscina's own error; the message says which chain failed where.
 */
function chainFailure(err: unknown, chain: number): RsrgError {
  const context = `chain ${chain} failed in a worker thread: `;
  const e = err as Partial<ChainFailure> | null;
  const sent =
    typeof e === 'object' && e !== null && !(err instanceof Error) && typeof e.message === 'string';
  const plain = sent ? (err as ChainFailure) : RsrgError.toPlain(err);
  return Object.assign(RsrgError.revive(plain, context), { cause: err });
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Optional observers of a pool run. */
export interface PoolHooks<R> {
  /** Aborts the run: the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** A chain's messages other than progress (from a worker: 'started', 'snapshot'). */
  readonly onMessage?: (chain: number, message: ChainMessage) => void;
  /** A chain's result, as soon as it is there (the run still returns them all, in order). */
  readonly onDone?: (chain: number, result: R) => void;
}

/**
 * Runs the chains `chains` one after the other in this thread, yielding after every progress
 * tick so that timers, progress rendering and abort signals get through.
 */
export async function runInThisThread<R>(
  chains: readonly number[],
  run: (chain: number, tick: ChainTick) => Promise<R>,
  tick: ChainTick,
  hooks: PoolHooks<R> = {},
): Promise<R[]> {
  const { signal, onDone } = hooks;
  const results: R[] = [];
  for (const c of chains) {
    const result = await run(c, async (moves, phase) => {
      tick(moves, phase);
      await nextTurn();
      signal?.throwIfAborted();
    });
    onDone?.(c, result);
    results.push(result);
  }
  return results;
}

/**
 * Runs the chains `chains` on a pool of `threads` worker threads and returns their results
 * in the order of `chains`. `task(chain, port)` builds the message for chain `chain` (and
 * what it transfers); the worker reports progress (and other `ChainMessage`s) on `port`.
 */
export async function runInWorkers<R>(
  threads: number,
  chains: readonly number[],
  task: (chain: number, port: MessagePort) => { task: WorkerTask; transfer?: ArrayBuffer[] },
  tick: ChainTick,
  hooks: PoolHooks<R> = {},
): Promise<R[]> {
  const { signal, onMessage, onDone } = hooks;
  const pool = new Piscina({
    filename: builtWorkerFile(import.meta.url, 'worker', '../dist/'),
    minThreads: threads,
    maxThreads: threads,
    atomics: 'disabled',
  });
  // The first failure cancels the other chains. A worker may still answer for a task the pool
  // has already dropped; piscina reports that as an 'error' event, fatal without a listener.
  const failure = new AbortController();
  let firstError: unknown;
  const fail = (err: unknown) => {
    if (firstError !== undefined) return;
    firstError = err;
    failure.abort(err);
  };
  pool.on('error', fail);
  const taskSignal = signal ? AbortSignal.any([signal, failure.signal]) : failure.signal;
  setMaxListeners(chains.length + 1, taskSignal); // one abort listener per chain is expected
  try {
    const settled = await Promise.allSettled(
      chains.map(async (chain) => {
        const { port1, port2 } = new MessageChannel();
        port1.on('message', (m: ChainMessage) => {
          if (m.type === 'progress') tick(m.moves, m.phase);
          else onMessage?.(chain, m);
        });
        try {
          const t = task(chain, port2);
          const result = (await pool.run(t.task, {
            transferList: [port2, ...(t.transfer ?? [])],
            signal: taskSignal,
          })) as R;
          onDone?.(chain, result);
          return result;
        } catch (err) {
          if (!signal?.aborted && !failure.signal.aborted) fail(chainFailure(err, chain));
          throw err;
        } finally {
          port1.close();
        }
      }),
    );
    if (signal?.aborted) throw signal.reason;
    if (firstError !== undefined) throw firstError;
    return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
  } finally {
    await pool.destroy();
  }
}

/** The chains 0..count−1. */
export function allChains(count: number): number[] {
  return Array.from({ length: count }, (_, c) => c);
}
