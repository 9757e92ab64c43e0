/**
 * The evaluation worker (built to dist/evaluate-worker.js): measures y_t of the projector
 * snapshots it is sent, one after another in the order sent, on the fresh configurations it
 * was started with. It rebuilds the registry from its plugin modules and reads each snapshot's
 * file with the trainer's `load`, so it serves any registered trainer. Training goes on
 * meanwhile, in its own threads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Registry, RsrgError } from '@rsrg/core';
import { configuredModel, modelCouplings } from '@rsrg/mcrg';
import { evaluateProjector } from './evaluation.js';
import type { EvaluateMessage, EvaluateRequest, EvaluateTask } from './evaluator.js';

const post = (m: EvaluateMessage) => parentPort?.postMessage(m);

async function serve(task: EvaluateTask): Promise<void> {
  const registry = await Registry.fromSources(task.sources);
  const trainer = registry.trainers.get(task.trainer);
  const h = task.ensemble.header;
  const setup = {
    ensemble: task.ensemble,
    // The model at the ensemble's options: a q-state model carries its own coupling sets.
    even: modelCouplings(registry, configuredModel(registry, h.model, h.modelOptions)).even,
    seed: task.seed,
    ...(task.bins !== undefined && { bins: task.bins }),
  };
  // Requests that arrive while the registry loads wait in the port's queue until this listener
  // is attached; they are served in the order sent, also when `load` is asynchronous.
  let queue = Promise.resolve();
  parentPort?.on('message', (r: EvaluateRequest) => {
    queue = queue.then(async () => {
      try {
        const projector = await trainer.load(r.file);
        post({ kind: 'point', point: evaluateProjector(setup, projector, r.step, r.epoch) });
      } catch (err) {
        post({ kind: 'error', error: RsrgError.toPlain(err) });
      }
    });
  });
}

serve(workerData as EvaluateTask).catch((err: unknown) => {
  post({ kind: 'error', error: RsrgError.toPlain(err) });
});
