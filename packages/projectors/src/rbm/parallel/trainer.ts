import { defaultWorkerCount, Rng, UsageError } from '@rsrg/core';
import type { TrainOptions } from '../options.js';
import {
  prepareTraining,
  type SlotState,
  type TrainHooks,
  type TrainingData,
  type TrainResult,
  trainingLoop,
} from '../training.js';
import { SharedStep, type SlotWorkerSetup } from './shared-step.js';
import { SlotRunner } from './slot-runner.js';
import { SlotWorkers, slotWorkerFile } from './slot-workers.js';

/** How `trainRbmParallel` spreads the work. */
export interface ParallelTrainOptions {
  /**
   * Threads that run minibatch slots, this one included (default: the available cores; at most
   * the batch size). 1 runs everything on this thread.
   */
  readonly workers?: number;
  /** Stops the run: the workers are terminated and the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** The slot worker module (default: the built dist/rbm-train-worker.js of this package). */
  readonly workerFile?: string | URL;
}

/**
 * `trainRbm` with the minibatch slots spread over this thread and `workers − 1` worker threads:
 * the same result, bit for bit, for any number of workers (the `seconds` fields aside). Slot s
 * keeps its RNG stream 1 + s and its PCD chain in shared memory, whichever thread runs it
 * (threads claim slots as they go, so a late wakeup or a core busy with something else costs
 * less); this thread also keeps the rest of the trainer (initial filter, shuffles, the sum of
 * the slots' buckets in slot order, Adam, the schedule, the pseudo-likelihood, hooks and
 * snapshots), so the floating-point operations are those of `trainRbm`, in the same order.
 * Workers get the configurations once, in shared memory; each minibatch is one broadcast of the
 * filter and one barrier, through Atomics.
 *
 * Hooks run on this thread between minibatches, while the workers wait. The loop is
 * `trainingLoop`, the one `trainRbm` drives.
 */
export async function trainRbmParallel(
  data: TrainingData,
  options: TrainOptions,
  hooks: TrainHooks = {},
  parallel: ParallelTrainOptions = {},
): Promise<TrainResult> {
  const run = prepareTraining(data, options, hooks);
  const { o, lattice, configs, V, n, size, W, cd, slots, buckets } = run;
  const requested = parallel.workers ?? defaultWorkerCount();
  if (!Number.isInteger(requested) || requested < 1) {
    throw new UsageError(`workers must be a positive integer, got ${requested}`);
  }
  // Worker threads beside this one.
  const helpers = Math.min(requested, slots) - 1;

  const shape = {
    slots,
    size,
    bucketSize: cd.bucketSize,
    workers: helpers,
    volume: V,
    persistent: o.persistent,
  };
  const shared = new SharedStep(shape);
  // Slot s: RNG stream 1 + s and, for PCD, a chain started at configuration s, as in trainRbm.
  for (let s = 0; s < slots; s++) shared.rngStates.set(Rng.stream(o.seed, 1 + s).s, 4 * s);
  if (o.persistent) shared.chains.set(configs.subarray(0, slots * V));
  const sharedConfigs = new SharedArrayBuffer(n * V);
  new Int8Array(sharedConfigs).set(configs.subarray(0, n * V));
  const setups: SlotWorkerSetup[] = Array.from({ length: helpers }, (_, index) => ({
    index,
    sizes: [...lattice.sizes],
    width: o.width,
    blockSize: o.blockSize,
    cdSteps: o.cdSteps,
    kernel: run.kernel,
    configs: sharedConfigs,
    shape,
    step: shared.buffer,
  }));
  const pool = await SlotWorkers.start(
    helpers > 0 ? (parallel.workerFile ?? slotWorkerFile()) : '',
    setups,
    shared,
    new SlotRunner(cd, shared, new Int8Array(sharedConfigs)),
    parallel.signal,
  );

  // Between minibatches every slot is done, so shared memory holds the slots' state.
  const slotState: SlotState = {
    save: () => ({
      rngs: shared.rngStates.slice(),
      ...(o.persistent && { chains: shared.chains.slice() }),
    }),
    restore: (rngs, chains) => {
      shared.rngStates.set(rngs);
      if (o.persistent && chains) shared.chains.set(chains);
    },
  };
  const loop = trainingLoop(run, hooks, slotState);
  try {
    for (let next = loop.next(0); ; ) {
      if (next.done) return next.value;
      const { first, batch, order } = next.value;
      shared.weights.set(W);
      for (let s = 0; s < batch; s++) shared.offsets[s] = order[first + s] * V;
      // The slots' buckets summed in slot order, as trainRbm sums its per-slot buffers.
      next = loop.next(await pool.run(batch, buckets));
    }
  } finally {
    await pool.close();
  }
}
