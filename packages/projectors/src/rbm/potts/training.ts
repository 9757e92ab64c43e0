import { type Lattice, RNG_ALGORITHM, Rng, UsageError } from '@rsrg/core';
import { cloneFilter, type RbmFilter, rbmFilter, symmetrizeInPlace, symmetryOrbits } from '../filter.js';
import { Adam, learningRate } from '../schedule.js';
import type { EpochInfo, TrainHooks } from '../training.js';
import { type PottsRbmKernelId, pottsRbmKernel } from './kernel/index.js';
import { PottsRbmLayout } from './layout.js';
import {
  type PottsTrainOptions,
  type ResolvedPottsTrainOptions,
  resolvePottsTrainOptions,
} from './options.js';
import { PottsPseudoLikelihood } from './pseudo-likelihood.js';

/** Version of the q-state training algorithm (RNG use, update order), recorded in projector files. */
export const POTTS_RBM_TRAINER_VERSION = '1';

/** Training data: n configurations of `lattice` back to back, states 0..q−1 as unsigned bytes. */
export interface PottsTrainingData {
  /** The lattice the configurations live on (the fine lattice the filter will block). */
  readonly lattice: Lattice;
  /** The configurations σ back to back, `lattice.volume` sites each. */
  readonly configs: Int8Array;
  /** How the data were made (model, q, coupling, sampler, seed...), recorded in the metadata. */
  readonly description?: string;
}

/** What a q-state training run records beside the filter; stored in projector files. */
export interface PottsRbmTrainingMetadata {
  /** Every setting the training ran with, q and the defaults included. */
  readonly options: ResolvedPottsTrainOptions;
  /** What it was trained on. */
  readonly data: {
    /** The training lattice's sizes per axis. */
    readonly lattice: readonly number[];
    /** Configurations trained on. */
    readonly configurations: number;
    /** How the data were made, as `PottsTrainingData.description` said. */
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

/** What `trainPottsRbm` returns: q, the learned filter, its snapshots and the training record. */
export interface PottsTrainResult {
  /** Number of states per site. */
  readonly q: number;
  /** The learned filter after the last epoch. */
  readonly filter: RbmFilter;
  /** Copies of the filter after the requested epochs (default 1, 3, 5 and the last). */
  readonly snapshots: readonly {
    /** The epoch (1-based) after which the copy was taken. */
    readonly epoch: number;
    /** The filter then. */
    readonly filter: RbmFilter;
  }[];
  /** Diagnostics of every epoch, in order. */
  readonly history: readonly EpochInfo[];
  /** What a projector file stores beside the filter. */
  readonly metadata: PottsRbmTrainingMetadata;
}

/** Throws UsageError unless `configs` is a whole number of configurations of states 0..q−1. */
function checkData(data: PottsTrainingData, q: number): void {
  const { lattice, configs } = data;
  const V = lattice.volume;
  if (configs.length === 0 || configs.length % V !== 0) {
    throw new UsageError(
      `training data hold ${configs.length} sites, not a whole number of ${lattice.label} configurations`,
    );
  }
  for (let i = 0; i < configs.length; i++) {
    if ((configs[i] & 255) >= q) {
      throw new UsageError(`training data entry ${i} is ${configs[i] & 255}, not a state 0..${q - 1}`);
    }
  }
}

/**
 * Maximum-likelihood training of the q-state RBM whose marginal is Y(σ)/ΣY (minimisation of
 * D(p ‖ Y/ΣY) over the data) by minibatch CD-k (or PCD) with categorical units and Adam. The
 * same loop as the Ising `trainRbm`: stream 0 draws the initial filter (uniform in [−a, a], in
 * weight order) and each epoch's shuffle (Fisher–Yates, from the top); the chain of the s-th
 * configuration of a minibatch uses stream 1 + s; per-configuration gradients are summed in
 * minibatch order.
 *
 * Unlike the Ising filter, W and −W are different weight factors (δ is not odd), and the
 * likelihood has two basins. W = 0 is a stationary point (there G_k = hidden/q for every σ),
 * and along W ∝ (1, …, 1) the likelihood rises both ways: W > 0 gives the plurality-like
 * weight factor (μ follows the states that dominate the window), W < 0 an "anti-plurality" one
 * (μ avoids them), a worse local optimum that forgets which state ordered a block. So the
 * initial weights are uniform in [0, initScale] (not [−initScale, initScale] as for Ising),
 * which starts training in the plurality basin (test/potts-rbm-training.test.ts shows both).
 *
 * @example
 * const result = trainPottsRbm({ lattice: new Lattice([16, 16]), configs }, { q: 3, seed: 1, preset: 'nmcrg' });
 * writeFileAtomic('filter.rsrg', pottsRbmProjectorCodec.encode(trainedPottsProjectorFile(result)));
 */
export function trainPottsRbm(
  data: PottsTrainingData,
  options: PottsTrainOptions,
  hooks: TrainHooks = {},
): PottsTrainResult {
  const steps = pottsTrainingSteps(data, options, hooks);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * `trainPottsRbm` as a generator that yields after every minibatch update, so that a caller can
 * give the event loop a turn (progress, cancellation) without changing the result.
 */
export function* pottsTrainingSteps(
  data: PottsTrainingData,
  options: PottsTrainOptions,
  hooks: TrainHooks = {},
): Generator<void, PottsTrainResult, void> {
  const started = performance.now();
  const o = resolvePottsTrainOptions(options);
  const { q } = o;
  checkData(data, q);
  const { lattice, configs } = data;
  const V = lattice.volume;
  const n = Math.min(configs.length / V, o.configurations ?? Number.POSITIVE_INFINITY);
  const d = lattice.dimension;
  const layout = new PottsRbmLayout(lattice, { dimension: d, width: o.width, blockSize: o.blockSize });
  const size = layout.windowSize;
  const orbits = o.symmetrize ? symmetryOrbits(d, o.width) : undefined;
  const every = hooks.everySteps ?? 1;
  if (!Number.isInteger(every) || every < 1) {
    throw new UsageError(`everySteps must be a positive integer, got ${every}`);
  }

  const master = Rng.stream(o.seed, 0);
  const filter = rbmFilter({ dimension: d, width: o.width, blockSize: o.blockSize });
  const W = filter.weights;
  if (options.initialFilter) {
    const f = options.initialFilter;
    if (f.dimension !== d || f.width !== o.width || f.blockSize !== o.blockSize) {
      throw new UsageError(
        `initial filter is ${f.width}^${f.dimension} with b = ${f.blockSize}; training wants ${o.width}^${d} with b = ${o.blockSize}`,
      );
    }
    W.set(f.weights);
  } else {
    // Uniform in [0, a], not [−a, a]: see `trainPottsRbm`.
    for (let k = 0; k < size; k++) W[k] = master.nextFloat() * o.initScale;
  }
  if (orbits) symmetrizeInPlace(W, orbits);

  const kernel = pottsRbmKernel(options.kernel);
  const cd = kernel.contrastiveDivergence(layout, q, o.cdSteps);
  const slots = Math.min(o.batchSize, n);
  const stepsPerEpoch = Math.ceil(n / slots);
  const rngs = Array.from({ length: slots }, (_, s) => Rng.stream(o.seed, 1 + s));
  const chains = o.persistent
    ? Array.from({ length: slots }, (_, s) => configs.slice(s * V, (s + 1) * V))
    : undefined;
  const grad = new Float64Array(size);
  const adam = new Adam(size, o.adam);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const pll = o.evaluationSize > 0 ? new PottsPseudoLikelihood(kernel.units(layout, q, W)) : undefined;
  const evalOffsets = Int32Array.from({ length: Math.min(n, o.evaluationSize) }, (_, i) => i * V);
  const history: EpochInfo[] = [];
  const snapshots: { epoch: number; filter: RbmFilter }[] = [];
  let step = 0;
  hooks.onStep?.(0, cloneFilter(filter));
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
      cd.setWeights(W);
      grad.fill(0);
      for (let s = 0; s < batch; s++) {
        differ += cd.accumulate(configs, order[first + s] * V, chains?.[s], rngs[s], grad);
      }
      for (let k = 0; k < size; k++) grad[k] /= batch;
      if (orbits) symmetrizeInPlace(grad, orbits);
      let a = 0;
      for (let k = 0; k < size; k++) a += Math.abs(grad[k]);
      absGrad += a / size;
      adam.step(W, grad, eta);
      step++;
      if (hooks.onStep && step % every === 0) hooks.onStep(step, cloneFilter(filter));
      yield;
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
    if (o.snapshotEpochs.includes(epoch + 1))
      snapshots.push({ epoch: epoch + 1, filter: cloneFilter(filter) });
    hooks.onEpoch?.(info);
  }
  return {
    q,
    filter: cloneFilter(filter),
    snapshots,
    history,
    metadata: {
      options: o,
      data: {
        lattice: [...lattice.sizes],
        configurations: n,
        ...(data.description === undefined ? {} : { description: data.description }),
      },
      versions: { trainer: POTTS_RBM_TRAINER_VERSION, rng: RNG_ALGORITHM, node: process.version },
      steps: step,
      seconds: (performance.now() - started) / 1000,
      history,
    },
  };
}

/**
 * Single-configuration CD-k gradient estimates G(data) − G(negative sample), one row of w^d per
 * configuration of `data`, chains run in order with `rng`. Their mean estimates the
 * log-likelihood gradient ⟨G⟩_data − ⟨G⟩_Y (exactly so as k → ∞); used to check the estimator.
 */
export function pottsCdGradientSamples(
  q: number,
  filter: RbmFilter,
  data: PottsTrainingData,
  cdSteps: number,
  rng: Rng,
  kernel?: PottsRbmKernelId,
): Float64Array {
  const layout = new PottsRbmLayout(data.lattice, filter);
  const cd = pottsRbmKernel(kernel).contrastiveDivergence(layout, q, cdSteps);
  cd.setWeights(filter.weights);
  const V = data.lattice.volume;
  const n = Math.floor(data.configs.length / V);
  const size = filter.weights.length;
  const out = new Float64Array(n * size);
  for (let c = 0; c < n; c++)
    cd.accumulate(data.configs, c * V, undefined, rng, out.subarray(c * size, (c + 1) * size));
  return out;
}
