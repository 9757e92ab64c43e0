/**
 * The training worker: trains an RBM projector on an ensemble and, every few steps, measures
 * y_t of the current filter on fresh configurations. It runs `trainRbmParallel`, which computes
 * minibatch slots on this thread and on child worker threads and blocks while they run; so it
 * runs here, off the main thread, which stays free to draw progress and to stop the run on
 * Ctrl-C (by terminating this thread, which ends its children too). The y_t evaluations run
 * in one more thread (evaluate-worker.ts), beside the training.
 */
import { availableParallelism } from 'node:os';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { Lattice } from '@rsrg/core';
import { ensembleConfiguration } from '@rsrg/mcrg';
import { type RbmFilter, resolveTrainOptions, type TrainHooks, trainRbmParallel } from '@rsrg/projectors';
import type { EvaluateMessage, EvaluateRequest, EvaluateTask } from './evaluate-worker.js';
import type { EvaluationPoint } from './evaluation.js';
import type { TrainMessage, TrainTask } from './training.js';

const post = (m: TrainMessage) => parentPort?.postMessage(m);

async function run(task: TrainTask): Promise<void> {
  const { data } = task;
  const lattice = new Lattice(data.header.sizes);
  const V = lattice.volume;
  const configs = new Int8Array(data.count * V);
  for (let i = 0; i < data.count; i++) ensembleConfiguration(data, i, configs.subarray(i * V, (i + 1) * V));

  const resolved = resolveTrainOptions(task.options);
  const n = Math.min(data.count, resolved.configurations ?? Number.POSITIVE_INFINITY);
  const stepsPerEpoch = Math.ceil(n / Math.min(resolved.batchSize, n));
  const totalSteps = stepsPerEpoch * resolved.epochs;

  const ev = task.evaluation;
  const evaluator = ev && new Evaluator({ sources: task.sources, evaluation: ev, stepsPerEpoch });
  post({ kind: 'start', stepsPerEpoch, totalSteps, epochs: resolved.epochs });
  const hooks: TrainHooks = {
    // Every step, so that the last one is evaluated too when it is not a multiple of `every`.
    ...(evaluator &&
      ev && {
        everySteps: 1,
        onStep(step: number, filter: RbmFilter) {
          if (step > 0 && (step % ev.every === 0 || step === totalSteps)) evaluator.submit(step, filter);
        },
      }),
    onEpoch(info) {
      post({ kind: 'epoch', info });
    },
  };
  const training = { lattice, configs, description: task.description };
  try {
    // This thread runs slots too: `workers` threads in all (the result does not depend on it).
    const result = await trainRbmParallel(training, task.options, hooks, {
      workers: task.workers ?? availableParallelism(),
    });
    const evaluation = evaluator ? await evaluator.finish() : [];
    post({ kind: 'done', result, evaluation });
  } finally {
    await evaluator?.close();
  }
}

/**
 * The evaluation thread seen from the training: `submit` hands it a filter and returns at once;
 * points come back in the order submitted and are forwarded as they come; `finish` waits for
 * the last. A failed evaluation fails the training at its next `submit`, or at `finish`.
 */
class Evaluator {
  private readonly worker: Worker;
  private readonly points: EvaluationPoint[] = [];
  private submitted = 0;
  private failure: Error | undefined;
  private settle: (() => void) | undefined;

  constructor(task: EvaluateTask) {
    this.worker = new Worker(new URL('./evaluate-worker.js', import.meta.url), { workerData: task });
    this.worker.on('message', (m: EvaluateMessage) => {
      if (m.kind === 'point') {
        this.points.push(m.point);
        post({ kind: 'evaluation', point: m.point });
      } else {
        this.failure = Object.assign(new Error(`evaluation failed: ${m.message}`), { stack: m.stack });
      }
      this.check();
    });
    this.worker.on('error', (err) => {
      this.failure = new Error(`evaluation worker failed: ${err.message}`);
      this.check();
    });
  }

  submit(step: number, filter: RbmFilter): void {
    if (this.failure) throw this.failure;
    const request: EvaluateRequest = { step, filter };
    this.worker.postMessage(request);
    this.submitted++;
  }

  finish(): Promise<EvaluationPoint[]> {
    return new Promise((resolve, reject) => {
      this.settle = () => (this.failure ? reject(this.failure) : resolve(this.points));
      this.check();
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }

  private check(): void {
    if (this.settle && (this.failure || this.points.length === this.submitted)) this.settle();
  }
}

run(workerData as TrainTask).catch((err: unknown) => {
  const e = err as { message?: string; name?: string; exitCode?: number; stack?: string };
  post({
    kind: 'error',
    message: e?.message ?? String(err),
    name: e?.name ?? 'Error',
    exitCode: e?.exitCode === 2 ? 2 : 1,
    ...(e?.stack !== undefined && { stack: e.stack }),
  });
});
