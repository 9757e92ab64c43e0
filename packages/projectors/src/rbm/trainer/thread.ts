/**
 * The training thread of trainer `rbm` (built to dist/rbm-trainer.js). It runs
 * `trainRbmParallel`, which computes minibatch slots on this thread and on child worker threads
 * and blocks while they run; so it runs here, off the main thread, which stays free to draw
 * progress, to observe the snapshots and to stop the run (by terminating this thread, which
 * ends its children too).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CheckpointRequests, Lattice, RsrgError, TrainingStopped } from '@rsrg/core';
import { trainRbmParallel } from '../parallel/trainer.js';
import type { TrainHooks } from '../training.js';
import { rbmTrainingStateCodec } from '../training-state.js';
import type { RbmTrainingMessage, RbmTrainingTask } from './protocol.js';

const post = (m: RbmTrainingMessage) => parentPort?.postMessage(m);

async function run(task: RbmTrainingTask): Promise<void> {
  const lattice = new Lattice(task.sizes);
  const snapshots = task.snapshots;
  const hooks: TrainHooks = {
    // Every step, so that the last one is seen too when it is not a multiple of `every`.
    ...(snapshots && {
      everySteps: 1,
      onStep(step, filter) {
        if (step > 0 && (step % snapshots.every === 0 || step === snapshots.total)) {
          post({ kind: 'snapshot', step, filter });
        }
      },
    }),
    onEpoch(info) {
      post({ kind: 'epoch', info });
    },
    ...(task.checkpoints && {
      checkpoints: {
        requests: new CheckpointRequests(task.checkpoints.requests),
        ...(task.checkpoints.resumeFrom && {
          resumeFrom: rbmTrainingStateCodec.decode(task.checkpoints.resumeFrom, 'the training checkpoint'),
        }),
        onCheckpoint(state) {
          post({ kind: 'checkpoint', step: state.step, state: rbmTrainingStateCodec.encode(state) });
        },
      },
    }),
  };
  const data = { lattice, configs: task.configs, description: task.description };
  // This thread runs slots too: `workers` threads in all (the result does not depend on it).
  const result = await trainRbmParallel(data, task.options, hooks, { workers: task.workers });
  post({ kind: 'done', result });
}

run(workerData as RbmTrainingTask).catch((err: unknown) => {
  post(
    err instanceof TrainingStopped ? { kind: 'stopped' } : { kind: 'error', error: RsrgError.toPlain(err) },
  );
});
