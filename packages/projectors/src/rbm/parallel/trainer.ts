import { availableParallelism } from 'node:os';
import { RNG_ALGORITHM, Rng, UsageError } from '@rsrg/core';
import { rbmKernel } from '../backends.js';
import { orientFilter, type RbmFilter, rbmFilter, symmetrizeInPlace, symmetryOrbits } from '../filter.js';
import { RbmLayout } from '../layout.js';
import { resolveTrainOptions, type TrainOptions } from '../options.js';
import { PseudoLikelihood } from '../pseudo-likelihood.js';
import { Adam, learningRate } from '../schedule.js';
import {
  type EpochInfo,
  RBM_TRAINER_VERSION,
  type TrainHooks,
  type TrainingData,
  type TrainResult,
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
 * Hooks run on this thread between minibatches, while the workers wait. Keep this loop in step
 * with `trainRbm`'s: the tests compare the two.
 */
export async function trainRbmParallel(
  data: TrainingData,
  options: TrainOptions,
  hooks: TrainHooks = {},
  parallel: ParallelTrainOptions = {},
): Promise<TrainResult> {
  const started = performance.now();
  const o = resolveTrainOptions(options);
  const { lattice, configs } = data;
  const V = lattice.volume;
  if (configs.length === 0 || configs.length % V !== 0) {
    throw new UsageError(
      `training data hold ${configs.length} spins, not a whole number of ${lattice.label} configurations`,
    );
  }
  for (let i = 0; i < configs.length; i++) {
    if (configs[i] !== 1 && configs[i] !== -1) {
      throw new UsageError(`training data entry ${i} is ${configs[i]}, not ±1`);
    }
  }
  const n = Math.min(configs.length / V, o.configurations ?? Number.POSITIVE_INFINITY);
  const layout = new RbmLayout(lattice, {
    dimension: lattice.dimension,
    width: o.width,
    blockSize: o.blockSize,
  });
  const size = o.width ** lattice.dimension;
  const orbits = o.symmetrize ? symmetryOrbits(lattice.dimension, o.width) : undefined;

  const master = Rng.stream(o.seed, 0);
  const filter = rbmFilter({ dimension: lattice.dimension, width: o.width, blockSize: o.blockSize });
  const W = filter.weights;
  if (options.initialFilter) {
    const f = options.initialFilter;
    if (f.dimension !== lattice.dimension || f.width !== o.width || f.blockSize !== o.blockSize) {
      throw new UsageError(
        `initial filter is ${f.width}^${f.dimension} with b = ${f.blockSize}; training wants ${o.width}^${lattice.dimension} with b = ${o.blockSize}`,
      );
    }
    W.set(f.weights);
  } else {
    for (let k = 0; k < size; k++) W[k] = (2 * master.nextFloat() - 1) * o.initScale;
  }
  if (orbits) symmetrizeInPlace(W, orbits);

  const kernel = rbmKernel(options.kernel);
  const cd = kernel.contrastiveDivergence(layout, o.cdSteps);
  const slots = Math.min(o.batchSize, n);
  const buckets = new Float64Array(cd.bucketSize);
  const grad = new Float64Array(size);
  const adam = new Adam(size, o.adam);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const pll = o.evaluationSize > 0 ? new PseudoLikelihood(layout) : undefined;
  const evalOffsets = Int32Array.from({ length: Math.min(n, o.evaluationSize) }, (_, i) => i * V);
  const stepsPerEpoch = Math.ceil(n / slots);
  const every = hooks.everySteps ?? 1;
  if (!Number.isInteger(every) || every < 1) {
    throw new UsageError(`everySteps must be a positive integer, got ${every}`);
  }
  const requested = parallel.workers ?? availableParallelism();
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
    kernel: kernel.id,
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

  const history: EpochInfo[] = [];
  const snapshots: { epoch: number; filter: RbmFilter }[] = [];
  let step = 0;
  try {
    hooks.onStep?.(0, orientFilter(filter));
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      for (let i = n - 1; i > 0; i--) {
        const j = master.nextInt(i + 1);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      let differ = 0;
      let absGrad = 0;
      let eta = 0;
      for (let first = 0; first < n; first += slots) {
        const batch = Math.min(slots, n - first);
        eta = learningRate(o.schedule, epoch + first / slots / stepsPerEpoch);
        shared.weights.set(W);
        for (let s = 0; s < batch; s++) shared.offsets[s] = order[first + s] * V;
        // The slots' buckets summed in slot order, as trainRbm sums its per-slot buffers.
        differ += await pool.run(batch, buckets);
        grad.fill(0);
        cd.resolve(buckets, grad);
        for (let k = 0; k < size; k++) grad[k] /= batch;
        if (orbits) symmetrizeInPlace(grad, orbits);
        let a = 0;
        for (let k = 0; k < size; k++) a += Math.abs(grad[k]);
        absGrad += a / size;
        adam.step(W, grad, eta);
        step++;
        if (hooks.onStep && step % every === 0) hooks.onStep(step, orientFilter(filter));
      }
      const info: EpochInfo = {
        epoch: epoch + 1,
        steps: step,
        learningRate: eta,
        reconstructionError: differ / (n * V),
        meanAbsGradient: absGrad / stepsPerEpoch,
        pseudoLogLikelihood: pll ? pll.mean(W, configs, evalOffsets) : null,
        seconds: (performance.now() - started) / 1000,
      };
      history.push(info);
      if (o.snapshotEpochs.includes(epoch + 1)) {
        snapshots.push({ epoch: epoch + 1, filter: orientFilter(filter) });
      }
      hooks.onEpoch?.(info);
    }
  } finally {
    await pool.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    filter: orientFilter(filter),
    snapshots,
    history,
    metadata: {
      options: o,
      data: {
        lattice: [...lattice.sizes],
        configurations: n,
        ...(data.description === undefined ? {} : { description: data.description }),
      },
      versions: { trainer: RBM_TRAINER_VERSION, rng: RNG_ALGORITHM, node: process.version },
      steps: step,
      seconds,
      history,
    },
  };
}
