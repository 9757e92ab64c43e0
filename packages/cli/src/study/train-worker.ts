/**
 * The training worker: trains an RBM projector on an ensemble and, every few steps, measures
 * y_t of the current filter on fresh configurations. It runs `trainRbmParallel`, which computes
 * minibatch slots on this thread and on child worker threads and blocks while they run; so it
 * runs here, off the main thread, which stays free to draw progress and to stop the run on
 * Ctrl-C (by terminating this thread, which ends its children too).
 */
import { availableParallelism } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { Lattice, Registry } from '@rsrg/core';
import { ensembleConfiguration, modelCouplings } from '@rsrg/mcrg';
import {
  type RbmFilter,
  rbmProjector,
  resolveTrainOptions,
  type TrainHooks,
  trainRbmParallel,
} from '@rsrg/projectors';
import { type EvaluationPoint, evaluateProjector } from './evaluation.js';
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
  const evaluationSetup = ev && {
    ensemble: ev.ensemble,
    even: modelCouplings(await Registry.fromSources(task.sources), ev.ensemble.header.model).even,
    seed: ev.seed,
    ...(ev.bins !== undefined && { bins: ev.bins }),
  };
  const evaluation: EvaluationPoint[] = [];
  post({ kind: 'start', stepsPerEpoch, totalSteps, epochs: resolved.epochs });
  const hooks: TrainHooks = {
    // Every step, so that the last one is evaluated too when it is not a multiple of `every`.
    ...(evaluationSetup &&
      ev && {
        everySteps: 1,
        onStep(step: number, filter: RbmFilter) {
          if (step > 0 && (step % ev.every === 0 || step === totalSteps)) {
            const point = evaluateProjector(evaluationSetup, rbmProjector(filter), step, stepsPerEpoch);
            evaluation.push(point);
            post({ kind: 'evaluation', point });
          }
        },
      }),
    onEpoch(info) {
      post({ kind: 'epoch', info });
    },
  };
  const training = { lattice, configs, description: task.description };
  // This thread runs slots too: `workers` threads in all (the result does not depend on it).
  const result = await trainRbmParallel(training, task.options, hooks, {
    workers: task.workers ?? availableParallelism(),
  });
  post({ kind: 'done', result, evaluation });
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
