/**
 * The evaluation worker (built to dist/evaluate-worker.js): measures y_t of the filters the
 * training worker sends it, one after another in the order sent, on the fresh configurations it
 * was started with. Training goes on meanwhile, so on two cores the evaluations of Figure 2 no
 * longer stall the minibatches; the points are the same as when measured in the training thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Registry } from '@rsrg/core';
import { modelCouplings } from '@rsrg/mcrg';
import { type RbmFilter, rbmProjector } from '@rsrg/projectors';
import { type EvaluationPoint, evaluateProjector } from './evaluation.js';
import type { TrainTask } from './training.js';

/** What the evaluation worker is started with. */
export interface EvaluateTask {
  readonly sources: TrainTask['sources'];
  readonly evaluation: NonNullable<TrainTask['evaluation']>;
  readonly stepsPerEpoch: number;
}

/** A filter to evaluate, from the training worker. */
export interface EvaluateRequest {
  readonly step: number;
  readonly filter: RbmFilter;
}

export type EvaluateMessage =
  | { readonly kind: 'point'; readonly point: EvaluationPoint }
  | { readonly kind: 'error'; readonly message: string; readonly stack?: string };

const post = (m: EvaluateMessage) => parentPort?.postMessage(m);

async function serve(task: EvaluateTask): Promise<void> {
  const { evaluation: ev } = task;
  const setup = {
    ensemble: ev.ensemble,
    even: modelCouplings(await Registry.fromSources(task.sources), ev.ensemble.header.model).even,
    seed: ev.seed,
    ...(ev.bins !== undefined && { bins: ev.bins }),
  };
  // Requests that arrive while the registry loads wait in the port's queue until this is set.
  parentPort?.on('message', (r: EvaluateRequest) => {
    try {
      post({
        kind: 'point',
        point: evaluateProjector(setup, rbmProjector(r.filter), r.step, task.stepsPerEpoch),
      });
    } catch (err) {
      const e = err as Error;
      post({
        kind: 'error',
        message: e?.message ?? String(err),
        ...(e?.stack !== undefined && { stack: e.stack }),
      });
    }
  });
}

serve(workerData as EvaluateTask).catch((err: unknown) => {
  const e = err as Error;
  post({
    kind: 'error',
    message: e?.message ?? String(err),
    ...(e?.stack !== undefined && { stack: e.stack }),
  });
});
