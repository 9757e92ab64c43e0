import { Worker } from 'node:worker_threads';
import { builtWorkerFile, RsrgError } from '@rsrg/core';
import {
  Command,
  Control,
  type SharedStep,
  type SlotWorkerMessage,
  type SlotWorkerSetup,
} from './shared-step.js';
import type { SlotRunner } from './slot-runner.js';

/** The built slot worker: dist/rbm-train-worker.js, also when this module runs from its TypeScript source. */
export function slotWorkerFile(): string {
  return builtWorkerFile(import.meta.url, 'rbm-train-worker', '../../../dist/');
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Longest stretch the trainer's thread blocks before it lets its event loop run (abort, worker exits). */
const TURN_MS = 50;
/** Longest single wait for the workers, so that a worker that dies without a word is noticed. */
const WAIT_MS = 20;

/**
 * The slot workers of one training run, driven from the trainer's thread. `run` starts a
 * minibatch through the `SharedStep`, runs slots on this thread too (so a worker that wakes
 * late finds fewer left), sums the slots' buckets as they come in, and blocks (Atomics.wait)
 * while it waits for the workers; every
 * `TURN_MS` it yields to the event loop, so that an abort or a worker's failure gets through,
 * and then rejects with it. With no workers it runs every slot here.
 */
export class SlotWorkers {
  private readonly workers: Worker[];
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readyCount = 0;
  private closing = false;
  private lastTurn = performance.now();
  /** Slots of the current minibatch added to the sum so far, and the sum of their `differ`. */
  private summed = 0;
  private differ = 0;

  private constructor(
    file: string | URL,
    setups: readonly SlotWorkerSetup[],
    private readonly step: SharedStep,
    private readonly runner: SlotRunner,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.workers = setups.map((setup, i) => {
      const worker = new Worker(file, { workerData: setup });
      worker.on('message', (m: SlotWorkerMessage) => {
        if (m.kind === 'ready') {
          this.readyCount++;
          this.wake?.();
        } else {
          this.fail(RsrgError.revive(m.error, `RBM training worker ${i} failed: `));
        }
      });
      worker.on('error', (err) =>
        this.fail(new RsrgError(`RBM training worker ${i} failed: ${err.message}`)),
      );
      worker.on('exit', (code) => {
        if (!this.closing)
          this.fail(new RsrgError(`RBM training worker ${i} exited (code ${code}) during training`));
      });
      return worker;
    });
  }

  /** Starts one worker per setup (from module `file`) and waits until all of them are ready. */
  static async start(
    file: string | URL,
    setups: readonly SlotWorkerSetup[],
    step: SharedStep,
    runner: SlotRunner,
    signal?: AbortSignal,
  ): Promise<SlotWorkers> {
    signal?.throwIfAborted();
    const pool = new SlotWorkers(file, setups, step, runner, signal);
    const onAbort = () => pool.wake?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      while (pool.readyCount < setups.length) {
        pool.check();
        await new Promise<void>((resolve) => {
          pool.wake = resolve;
        });
      }
      pool.check();
    } catch (err) {
      await pool.close();
      throw err;
    } finally {
      pool.wake = undefined;
      signal?.removeEventListener('abort', onAbort);
    }
    return pool;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wake?.();
  }

  /** Throws the first failure or the abort reason. */
  private check(): void {
    if (this.failure) throw this.failure;
    this.signal?.throwIfAborted();
  }

  private async turn(): Promise<void> {
    await nextTurn();
    this.lastTurn = performance.now();
    this.check();
  }

  /**
   * Runs one minibatch of `batch` slots (the filter and the slots' data offsets must be in the
   * shared step) and sums their gradient buckets into `buckets` in slot order, as `trainRbm`
   * does; returns the sum of their `differ`. The sum runs as the slots come in, while later
   * ones still run; it resolves once every worker is past its last claim.
   */
  async run(batch: number, buckets: Float64Array): Promise<number> {
    this.check();
    const { control: c, finished } = this.step;
    const runner = this.runner;
    Atomics.store(c, Control.next, 0);
    Atomics.store(c, Control.batch, batch);
    Atomics.store(c, Control.command, Command.step);
    const generation = Atomics.add(c, Control.generation, 1) + 1;
    Atomics.notify(c, Control.generation);

    buckets.fill(0);
    this.summed = 0;
    this.differ = 0;
    let s = runner.claim();
    if (s < batch) runner.load();
    for (; s < batch; s = runner.claim()) {
      runner.run(s, generation);
      this.addDone(generation, batch, buckets);
    }
    for (;;) {
      // Read before the checks: a worker's progress in between changes it, and the wait returns.
      const progress = Atomics.load(c, Control.progress);
      this.addDone(generation, batch, buckets);
      let all = this.summed === batch;
      for (let i = 0; i < finished.length && all; i++) all = Atomics.load(finished, i) === generation;
      if (all) break;
      const failed = Atomics.load(c, Control.failed) !== 0;
      if (!failed && Atomics.wait(c, Control.progress, progress, WAIT_MS) !== 'timed-out') continue;
      // A worker failed (its message is on the way) or is silent: let the event loop run.
      await this.turn();
    }
    if (performance.now() - this.lastTurn > TURN_MS) await this.turn();
    return this.differ;
  }

  /** Adds to `buckets` the done slots that come next in slot order (from `summed` on). */
  private addDone(generation: number, batch: number, buckets: Float64Array): void {
    const { slotDone, differ, buckets: slotBuckets } = this.step;
    const B = buckets.length;
    for (let s = this.summed; s < batch && Atomics.load(slotDone, s) === generation; s++) {
      this.differ += differ[s];
      const base = s * B;
      for (let q = 0; q < B; q++) buckets[q] += slotBuckets[base + q];
      this.summed = s + 1;
    }
  }

  /** Stops and terminates the workers (idempotent). */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const c = this.step.control;
    Atomics.store(c, Control.command, Command.stop);
    Atomics.add(c, Control.generation, 1);
    Atomics.notify(c, Control.generation);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
