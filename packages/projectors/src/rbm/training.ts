import {
  type CheckpointRequests,
  type Lattice,
  RNG_ALGORITHM,
  Rng,
  TrainingStopped,
  UsageError,
} from '@rsrg/core';
import { orientFilter, type RbmFilter, rbmFilter, symmetrizeInPlace, symmetryOrbits } from './filter.js';
import { type GradientEstimator, type RbmKernelId, rbmKernel } from './kernel/index.js';
import { RbmLayout } from './layout.js';
import { type ResolvedTrainOptions, resolveTrainOptions, type TrainOptions } from './options.js';
import { PseudoLikelihood } from './pseudo-likelihood.js';
import { Adam, learningRate } from './schedule.js';

/** Version of the training algorithm (RNG use, update order), recorded in projector files. */
export const RBM_TRAINER_VERSION = '1';

/** Training data: n configurations of `lattice`, concatenated (n × volume entries of ±1). */
export interface TrainingData {
  /** The lattice the configurations live on (the fine lattice the filter will block). */
  readonly lattice: Lattice;
  /** The configurations σ back to back, `lattice.volume` spins each. */
  readonly configs: Int8Array;
  /** How the data were made (model, coupling, sampler, seed...), recorded in the metadata. */
  readonly description?: string;
}

/** Diagnostics of one epoch. */
export interface EpochInfo {
  /** 1-based. */
  readonly epoch: number;
  /** Updates done so far. */
  readonly steps: number;
  /** η of the epoch's last update. */
  readonly learningRate: number;
  /** Fraction of sites where the CD negative sample differs from its data point (mean over the epoch). */
  readonly reconstructionError: number;
  /** Mean |∂ log-likelihood/∂W_k| per configuration, averaged over the weights and the epoch's updates. */
  readonly meanAbsGradient: number;
  /** Pseudo-log-likelihood per site on the evaluation configurations after the epoch; null when skipped. */
  readonly pseudoLogLikelihood: number | null;
  /** Wall time since the start of training. */
  readonly seconds: number;
}

/** Optional observers of `trainRbm`: per epoch, and per update every `everySteps`. */
export interface TrainHooks {
  /** Called after every epoch with its diagnostics (also in `TrainResult.history`). */
  onEpoch?(info: EpochInfo): void;
  /**
   * Called with a copy of the filter (oriented, see `orientFilter`) at step 0 and after every
   * `everySteps` updates (default 1), e.g. to measure y_t as training goes on (Figure 2).
   */
  onStep?(step: number, filter: RbmFilter): void;
  /** Updates between two `onStep` calls (default 1: after every update). */
  everySteps?: number;
  /**
   * Checkpoints: `requests` is read before every minibatch; when it asks, the training's state
   * goes to `onCheckpoint`, and on a stop the training then throws `TrainingStopped`. With
   * `resumeFrom` the training continues from that state (same data and options) instead of
   * from the start, and ends as the uninterrupted training would, bit for bit.
   */
  checkpoints?: {
    /** The request word, read before every minibatch. */
    readonly requests: CheckpointRequests;
    /** Receives the state when a checkpoint is asked for. */
    onCheckpoint(state: RbmTrainingState): void;
    /** The state to continue from. */
    readonly resumeFrom?: RbmTrainingState;
  };
}

/**
 * The state of a training before one of its minibatches: with the data and the options, all
 * that the rest of the training depends on (see `TrainHooks.checkpoints`).
 */
export interface RbmTrainingState {
  /** The resolved options it runs with (the seed included), checked on resume. */
  readonly options: ResolvedTrainOptions;
  /** The training lattice's sizes and the configurations trained on, checked on resume. */
  readonly data: {
    /** The lattice's sizes per axis. */
    readonly lattice: readonly number[];
    /** Configurations trained on. */
    readonly configurations: number;
  };
  /** Updates done. */
  readonly step: number;
  /** The epoch under way, from 0 (its shuffle is done). */
  readonly epoch: number;
  /** Where the next minibatch starts in this epoch's order. */
  readonly first: number;
  /** Sites where negative samples differed from the data, so far this epoch. */
  readonly differ: number;
  /** Sum of the mean absolute gradients of this epoch's updates so far. */
  readonly absGrad: number;
  /** Seconds of training so far. */
  readonly elapsed: number;
  /** The filter's weights (not oriented: the trajectory itself). */
  readonly weights: Float64Array;
  /** Adam's first and second moments and its update count. */
  readonly adam: {
    /** First moments. */
    readonly m: Float64Array;
    /** Second moments. */
    readonly v: Float64Array;
    /** Updates done. */
    readonly t: number;
  };
  /** Stream 0's state (the next shuffles). */
  readonly master: Uint32Array;
  /** This epoch's order of the configurations. */
  readonly order: Int32Array;
  /** Each minibatch slot's RNG state, 4 words per slot. */
  readonly slotRngs: Uint32Array;
  /** With PCD, each slot's persistent chain, one configuration per slot. */
  readonly chains?: Int8Array;
  /** The finished epochs' diagnostics. */
  readonly history: readonly EpochInfo[];
  /** The snapshots kept so far (oriented weights). */
  readonly snapshots: readonly {
    /** The epoch after which it was kept. */
    readonly epoch: number;
    /** The filter's weights then. */
    readonly weights: Float64Array;
  }[];
}

/** The per-slot state a driver keeps outside the loop: RNG states and PCD chains. */
export interface SlotState {
  /** Copies of the slots' RNG states (4 words per slot) and chains. */
  save(): {
    /** 4 words per slot. */
    rngs: Uint32Array;
    /** With PCD, one configuration per slot. */
    chains?: Int8Array;
  };
  /** Sets them, for a resumed training. */
  restore(rngs: Uint32Array, chains: Int8Array | undefined): void;
}

/** What a training run records beside the filter; stored in projector files. */
export interface RbmTrainingMetadata {
  /** Every setting the training ran with, defaults filled in. */
  readonly options: ResolvedTrainOptions;
  /** What it was trained on. */
  readonly data: {
    /** The training lattice's sizes per axis. */
    readonly lattice: readonly number[];
    /** Configurations trained on. */
    readonly configurations: number;
    /** How the data were made, as `TrainingData.description` said. */
    readonly description?: string;
  };
  /** The trainer's algorithm version, the RNG algorithm and the Node.js version. */
  readonly versions: Readonly<Record<string, string>>;
  /** Gradient updates done in all. */
  readonly steps: number;
  /** Wall-clock seconds of the training. */
  readonly seconds: number;
  /** Diagnostics of every epoch, in order. */
  readonly history: readonly EpochInfo[];
}

/** What `trainRbm` returns: the learned filter, its snapshots and the training record. */
export interface TrainResult {
  /** The learned filter after the last epoch, oriented so that Σ_k W_k ≥ 0. */
  readonly filter: RbmFilter;
  /** Copies of the filter after the requested epochs (default 1, 3, 5 and the last: Figure 1). */
  readonly snapshots: readonly {
    /** The epoch (1-based) after which the copy was taken. */
    readonly epoch: number;
    /** The filter then, oriented. */
    readonly filter: RbmFilter;
  }[];
  /** Diagnostics of every epoch, in order. */
  readonly history: readonly EpochInfo[];
  /** What a projector file stores beside the filter. */
  readonly metadata: RbmTrainingMetadata;
}

/**
 * Maximum-likelihood training of the RBM whose marginal is Y(σ)/ΣY, i.e. minimisation of the
 * KL divergence D(p ‖ Y/ΣY) of eq. (8) over the data, by minibatch CD-k (or PCD) with Adam.
 *
 * Deterministic for a seed: stream 0 draws the initial filter (uniform in [−a, a], in weight
 * order) and each epoch's shuffle (Fisher–Yates, from the top); the chain of the s-th
 * configuration of a minibatch uses stream 1 + s; per-configuration gradients are summed in
 * minibatch order. So the result does not depend on how the work might be split.
 *
 * The likelihood is even in W, so the sign of the learned filter is arbitrary; every filter
 * handed out (result, snapshots, hooks) is oriented so that Σ_k W_k ≥ 0 (`orientFilter`),
 * which keeps the odd-sector eigenvalues positive. The trajectory itself is not touched.
 *
 * `trainRbmParallel` runs the same loop (`trainingLoop`) with the slots on worker threads
 * (test/rbm-parallel.test.ts checks that the two agree bit for bit). The per-configuration CD
 * runs on `options.kernel` (default 'wasm'; 'js' gives the same bits, see kernel/index.ts).
 *
 * @example
 * const e = await sampleEnsemble(registry, { model: 'ising2d', size: 16, samples: 10_000, thermalize: 1000, seed: 1 });
 * const configs = new Int8Array(e.count * e.volume);
 * for (let i = 0; i < e.count; i++) ensembleConfiguration(e, i, configs.subarray(i * e.volume, (i + 1) * e.volume));
 * const result = trainRbm({ lattice: new Lattice(e.header.sizes), configs }, { seed: 1 }); // chung-kao-2019
 * writeFileAtomic('filter.rsrg', rbmProjectorCodec.encode(trainedProjectorFile(result)));
 */
export function trainRbm(data: TrainingData, options: TrainOptions, hooks: TrainHooks = {}): TrainResult {
  const run = prepareTraining(data, options, hooks);
  const { cd, configs, W, slots, V, buckets } = run;
  const rngs = Array.from({ length: slots }, (_, s) => Rng.stream(run.o.seed, 1 + s));
  const slotBuckets = Array.from({ length: slots }, () => new Float64Array(cd.bucketSize));
  const chains = run.o.persistent
    ? Array.from({ length: slots }, (_, s) => configs.slice(s * V, (s + 1) * V))
    : undefined;
  const slotState: SlotState = {
    save: () => {
      const words = new Uint32Array(4 * slots);
      for (let s = 0; s < slots; s++) words.set(rngs[s].s, 4 * s);
      return { rngs: words, ...(chains && { chains: concatenated(chains) }) };
    },
    restore: (words, saved) => {
      for (let s = 0; s < slots; s++) rngs[s].s.set(words.subarray(4 * s, 4 * s + 4));
      if (chains && saved) for (let s = 0; s < slots; s++) chains[s].set(saved.subarray(s * V, (s + 1) * V));
    },
  };
  const loop = trainingLoop(run, hooks, slotState);
  for (let next = loop.next(0); ; ) {
    if (next.done) return next.value;
    const { first, batch, order } = next.value;
    cd.setWeights(W);
    let differ = 0;
    for (let s = 0; s < batch; s++) {
      slotBuckets[s].fill(0);
      differ += cd.accumulate(configs, order[first + s] * V, chains?.[s], rngs[s], slotBuckets[s]);
    }
    buckets.fill(0);
    for (let s = 0; s < batch; s++) {
      const b = slotBuckets[s];
      for (let q = 0; q < buckets.length; q++) buckets[q] += b[q];
    }
    next = loop.next(differ);
  }
}

function concatenated(parts: readonly Int8Array[]): Int8Array {
  const out = new Int8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Refuses a state of another training (options, data or geometry), in one line. */
function checkResumable(run: PreparedTraining, state: RbmTrainingState): void {
  const { o, n, size, slots, V } = run;
  const why = !same(state.options, o)
    ? 'other training options'
    : !same(state.data, { lattice: [...run.lattice.sizes], configurations: n })
      ? 'other training data'
      : state.weights.length !== size ||
          state.order.length !== n ||
          state.slotRngs.length !== 4 * slots ||
          (o.persistent && state.chains?.length !== slots * V) ||
          state.epoch >= o.epochs ||
          state.first >= n
        ? 'a state of another shape'
        : undefined;
  if (why) throw new UsageError(`cannot resume the RBM training: its checkpoint holds ${why}`);
}

/**
 * A training run after its setup, shared by `trainRbm` and `trainRbmParallel`: the resolved
 * options, the checked data, the layout, the initial filter (drawn from stream 0, or the given
 * one), the CD kernel and the minibatch geometry.
 */
export interface PreparedTraining {
  readonly started: number;
  readonly o: ResolvedTrainOptions;
  readonly data: TrainingData;
  readonly lattice: Lattice;
  readonly configs: Int8Array;
  /** Sites per configuration. */
  readonly V: number;
  /** Configurations trained on. */
  readonly n: number;
  readonly layout: RbmLayout;
  /** Weights in the filter (w^d). */
  readonly size: number;
  readonly orbits: readonly Int32Array[] | undefined;
  /** Stream 0: the initial filter, then each epoch's shuffle. */
  readonly master: Rng;
  readonly filter: RbmFilter;
  /** The filter's weights, updated in place. */
  readonly W: Float64Array;
  readonly cd: GradientEstimator;
  readonly kernel: RbmKernelId;
  /** Configurations per minibatch (the last one of an epoch may be short). */
  readonly slots: number;
  readonly stepsPerEpoch: number;
  readonly every: number;
  /** The minibatch's gradient buckets, summed in slot order: the driver fills them. */
  readonly buckets: Float64Array;
}

/** Checks the data and the options and sets a run up (see `PreparedTraining`). */
export function prepareTraining(
  data: TrainingData,
  options: TrainOptions,
  hooks: TrainHooks,
): PreparedTraining {
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
  const every = hooks.everySteps ?? 1;
  if (!Number.isInteger(every) || every < 1) {
    throw new UsageError(`everySteps must be a positive integer, got ${every}`);
  }
  return {
    started,
    o,
    data,
    lattice,
    configs,
    V,
    n,
    layout,
    size,
    orbits,
    master,
    filter,
    W,
    cd,
    kernel: kernel.id,
    slots,
    stepsPerEpoch: Math.ceil(n / slots),
    every,
    buckets: new Float64Array(cd.bucketSize),
  };
}

/** A minibatch the driver computes: configurations order[first], …, order[first + batch − 1]. */
export interface Minibatch {
  readonly first: number;
  readonly batch: number;
  readonly order: Int32Array;
}

/**
 * The trainer's loop, without the per-configuration work: epochs, shuffles, the schedule,
 * Adam, hooks, history and snapshots. It yields each minibatch; the driver fills
 * `run.buckets` with its slots' buckets summed in slot order and resumes it with the number of
 * sites where negative samples differ from the data. Returns the result.
 */
export function* trainingLoop(
  run: PreparedTraining,
  hooks: TrainHooks,
  slotState?: SlotState,
): Generator<Minibatch, TrainResult, number> {
  const { o, n, V, size, orbits, master, filter, W, cd, slots, stepsPerEpoch, every, buckets } = run;
  const grad = new Float64Array(size);
  const adam = new Adam(size, o.adam);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const pll = o.evaluationSize > 0 ? new PseudoLikelihood(run.layout) : undefined;
  const evalOffsets = Int32Array.from({ length: Math.min(n, o.evaluationSize) }, (_, i) => i * V);
  const history: EpochInfo[] = [];
  const snapshots: { epoch: number; filter: RbmFilter }[] = [];
  const checkpoints = hooks.checkpoints;
  const resume = checkpoints?.resumeFrom;
  if (checkpoints && !slotState) throw new UsageError('internal: checkpoints need the slots’ state');
  // Wall times go on from where the resumed training left them.
  const started = run.started - (resume?.elapsed ?? 0) * 1000;
  let step = 0;
  if (resume) {
    checkResumable(run, resume);
    W.set(resume.weights);
    adam.m.set(resume.adam.m);
    adam.v.set(resume.adam.v);
    adam.t = resume.adam.t;
    master.s.set(resume.master);
    order.set(resume.order);
    slotState!.restore(resume.slotRngs, resume.chains);
    history.push(...resume.history);
    for (const s of resume.snapshots) {
      snapshots.push({ epoch: s.epoch, filter: rbmFilter({ ...filter, weights: s.weights }) });
    }
    step = resume.step;
  } else {
    hooks.onStep?.(0, orientFilter(filter));
  }
  const state = (epoch: number, first: number, differ: number, absGrad: number): RbmTrainingState => {
    const slotsNow = slotState!.save();
    return {
      options: o,
      data: { lattice: [...run.lattice.sizes], configurations: n },
      step,
      epoch,
      first,
      differ,
      absGrad,
      elapsed: (performance.now() - started) / 1000,
      weights: W.slice(),
      adam: { m: adam.m.slice(), v: adam.v.slice(), t: adam.t },
      master: master.s.slice(),
      order: order.slice(),
      slotRngs: slotsNow.rngs,
      ...(slotsNow.chains && { chains: slotsNow.chains }),
      history: history.slice(),
      snapshots: snapshots.map((s) => ({ epoch: s.epoch, weights: s.filter.weights.slice() })),
    };
  };
  for (let epoch = resume?.epoch ?? 0; epoch < o.epochs; epoch++) {
    // A resumed epoch has its order already: the checkpoint came after its shuffle.
    const resumed = resume !== undefined && epoch === resume.epoch;
    if (!resumed) {
      for (let i = n - 1; i > 0; i--) {
        const j = master.nextInt(i + 1);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    let differ = resumed ? resume.differ : 0;
    let absGrad = resumed ? resume.absGrad : 0;
    let eta = 0;
    for (let first = resumed ? resume.first : 0; first < n; first += slots) {
      // The request word only: reading it draws nothing, so a checkpoint changes no number.
      const request = checkpoints?.requests.take();
      if (request) {
        checkpoints!.onCheckpoint(state(epoch, first, differ, absGrad));
        if (request === 'stop') throw new TrainingStopped();
      }
      const batch = Math.min(slots, n - first);
      eta = learningRate(o.schedule, epoch + first / slots / stepsPerEpoch);
      differ += yield { first, batch, order };
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
      pseudoLogLikelihood: pll ? pll.mean(W, run.configs, evalOffsets) : null,
      seconds: (performance.now() - started) / 1000,
    };
    history.push(info);
    if (o.snapshotEpochs.includes(epoch + 1)) {
      snapshots.push({ epoch: epoch + 1, filter: orientFilter(filter) });
    }
    hooks.onEpoch?.(info);
  }
  return {
    filter: orientFilter(filter),
    snapshots,
    history,
    metadata: {
      options: o,
      data: {
        lattice: [...run.lattice.sizes],
        configurations: n,
        ...(run.data.description === undefined ? {} : { description: run.data.description }),
      },
      versions: { trainer: RBM_TRAINER_VERSION, rng: RNG_ALGORITHM, node: process.version },
      steps: step,
      seconds: (performance.now() - started) / 1000,
      history,
    },
  };
}

/**
 * Single-configuration CD-k gradient estimates G(data) − G(negative sample), one row of w^d
 * per configuration of `data`, chains run in order with `rng`. Their mean estimates the
 * log-likelihood gradient (exactly so as k → ∞); used to check the estimator.
 */
export function cdGradientSamples(
  filter: RbmFilter,
  data: TrainingData,
  cdSteps: number,
  rng: Rng,
  kernel?: RbmKernelId,
): Float64Array {
  const layout = new RbmLayout(data.lattice, filter);
  const cd = rbmKernel(kernel).contrastiveDivergence(layout, cdSteps);
  cd.setWeights(filter.weights);
  const V = data.lattice.volume;
  const n = Math.floor(data.configs.length / V);
  const size = filter.weights.length;
  const out = new Float64Array(n * size);
  const buckets = new Float64Array(cd.bucketSize);
  for (let c = 0; c < n; c++) {
    buckets.fill(0);
    cd.accumulate(data.configs, c * V, undefined, rng, buckets);
    cd.resolve(buckets, out.subarray(c * size, (c + 1) * size));
  }
  return out;
}
