import { setMaxListeners } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { builtWorkerFile, RsrgError } from '@rsrg/core';
import { Piscina } from 'piscina';
import type { ChainFailure, ChainProgress, ChainTick, WorkerTask } from './protocol.js';

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

/**
 * Runs `count` chains one after the other in this thread, yielding after every progress tick
 * so that timers, progress rendering and abort signals get through.
 */
export async function runInThisThread<R>(
  count: number,
  run: (chain: number, tick: ChainTick) => Promise<R>,
  tick: ChainTick,
  signal?: AbortSignal,
): Promise<R[]> {
  const results: R[] = [];
  for (let c = 0; c < count; c++) {
    results.push(
      await run(c, async (moves, phase) => {
        tick(moves, phase);
        await nextTurn();
        signal?.throwIfAborted();
      }),
    );
  }
  return results;
}

/**
 * Runs `count` chains on a pool of `threads` worker threads and returns their results in
 * chain order. `task(chain, port)` builds the message for chain `chain` (and what it
 * transfers); the worker reports progress on `port`.
 */
export async function runInWorkers<R>(
  threads: number,
  count: number,
  task: (chain: number, port: MessagePort) => { task: WorkerTask; transfer?: ArrayBuffer[] },
  tick: ChainTick,
  signal?: AbortSignal,
): Promise<R[]> {
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
  setMaxListeners(count + 1, taskSignal); // one abort listener per chain is expected
  try {
    const settled = await Promise.allSettled(
      Array.from({ length: count }, async (_, chain) => {
        const { port1, port2 } = new MessageChannel();
        port1.on('message', (m: ChainProgress) => tick(m.moves, m.phase));
        try {
          const t = task(chain, port2);
          return (await pool.run(t.task, {
            transferList: [port2, ...(t.transfer ?? [])],
            signal: taskSignal,
          })) as R;
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
