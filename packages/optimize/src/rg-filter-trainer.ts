import {
  type PluginOptions,
  type ProjectorParameters,
  type ProjectorSnapshot,
  type ProjectorTrainer,
  readCodecFile,
  readOptions,
  type TrainedProjector,
  type TrainingData,
  type TrainingEpoch,
  type TrainingPlan,
  UsageError,
} from '@rsrg/core';
import {
  blockFilter,
  type RbmFilter,
  type RbmTrainingMetadata,
  rbmFilter,
  rbmProjector,
  rbmProjectorCodec,
} from '@rsrg/projectors';
import { rbmFilterField } from './linear-field.js';
import type { RgObjectiveValue } from './objective.js';
import { trainingObjective } from './training-setup.js';

/** The id of the RG-convergence trainer of the RBM filter. */
export const RG_FILTER_ID = 'rg-filter';

const METHODS = ['adam', 'gradient'] as const;

/** The options of trainer `rg-filter`, every default filled in. */
export interface RgFilterOptions {
  /** The sector whose L(θ) is minimized: 'even' (y_t) or 'odd' (y_h). */
  readonly sector: 'even' | 'odd';
  /** Filter side (default: the block size, a filter on its own block). */
  readonly width: number;
  /** Start: this weight on the block's own sites, 0 elsewhere (when no `init`). */
  readonly w: number;
  /** Start from this rbm-projector file instead (its width and block size win). */
  readonly init?: string;
  /** Parameter updates. */
  readonly steps: number;
  /** 'adam' or plain 'gradient' descent. */
  readonly method: (typeof METHODS)[number];
  /** Learning rate: Adam's step per weight, or the factor of plain descent. */
  readonly rate: number;
  /** Adam's decay of the first moment. */
  readonly beta1: number;
  /** Adam's decay of the second moment. */
  readonly beta2: number;
  /** Weight μ of the lattice-size term. */
  readonly mu: number;
  /** Each squared difference divided by its squared error, (d/s)². */
  readonly weighted: boolean;
  /** N_c of the exponents (default: the whole coupling set). */
  readonly nc?: number;
  /** RG steps on the training lattice (default: coarsest side ≥ 4). */
  readonly levels?: number;
  /** RG steps on the second lattice (default: coarsest side ≥ 4). */
  readonly otherLevels?: number;
  /** Jackknife bins. */
  readonly bins: number;
  /** Block size b. */
  readonly blockSize: number;
  /** Ensemble file of the same model at a second size (e.g. L/2), for the size term. */
  readonly other?: string;
  /** Model id of the configurations (default: the training data's). */
  readonly model?: string;
}

/** Reads and checks the options of trainer `rg-filter` (a UsageError names the bad one). */
export function readRgFilterOptions(options: PluginOptions): RgFilterOptions {
  const o = readOptions(`trainer '${RG_FILTER_ID}'`, options, {
    sector: { kind: 'string', choices: ['even', 'odd'], default: 'even' },
    width: { kind: 'integer', min: 1 },
    w: { kind: 'number', default: 0.5 },
    init: { kind: 'string' },
    steps: { kind: 'integer', min: 1, default: 20 },
    method: { kind: 'string', choices: METHODS, default: 'adam' },
    rate: { kind: 'number', min: 0, default: 0.02 },
    beta1: { kind: 'number', min: 0, default: 0.9 },
    beta2: { kind: 'number', min: 0, default: 0.999 },
    mu: { kind: 'number', min: 0, default: 1 },
    weighted: { kind: 'boolean', default: false },
    nc: { kind: 'integer', min: 1 },
    levels: { kind: 'integer', min: 1 },
    otherLevels: { kind: 'integer', min: 1 },
    bins: { kind: 'integer', min: 2, default: 32 },
    blockSize: { kind: 'integer', min: 2, default: 2 },
    other: { kind: 'string' },
    model: { kind: 'string' },
  });
  if (!(o.beta1 < 1) || !(o.beta2 < 1))
    throw new UsageError(`trainer '${RG_FILTER_ID}': beta1 and beta2 must be below 1`);
  if (!Number.isFinite(o.w)) throw new UsageError(`trainer '${RG_FILTER_ID}': w must be finite, got ${o.w}`);
  const width = o.width ?? o.blockSize;
  if (width < o.blockSize)
    throw new UsageError(
      `trainer '${RG_FILTER_ID}': a filter of width ${width} does not cover its block of side ${o.blockSize}`,
    );
  return {
    sector: o.sector as 'even' | 'odd',
    width,
    w: o.w,
    steps: o.steps,
    method: o.method as RgFilterOptions['method'],
    rate: o.rate,
    beta1: o.beta1,
    beta2: o.beta2,
    mu: o.mu,
    weighted: o.weighted,
    bins: o.bins,
    blockSize: o.blockSize,
    ...(o.init !== undefined && { init: o.init }),
    ...(o.nc !== undefined && { nc: o.nc }),
    ...(o.levels !== undefined && { levels: o.levels }),
    ...(o.otherLevels !== undefined && { otherLevels: o.otherLevels }),
    ...(o.other !== undefined && { other: o.other }),
    ...(o.model !== undefined && { model: o.model }),
  };
}

function planOf(o: RgFilterOptions, count: number): TrainingPlan {
  if (!Number.isInteger(count) || count < o.bins)
    throw new UsageError(
      `trainer '${RG_FILTER_ID}' needs at least ${o.bins} configurations (one per bin), got ${count}`,
    );
  return { steps: o.steps, stepsPerEpoch: 1, epochs: o.steps, options: { ...o } };
}

/** The starting filter: the `init` file's, or `w` on the block's own sites (the window's corner block). */
function startFilter(o: RgFilterOptions, dimension: number): RbmFilter {
  if (o.init === undefined)
    return blockFilter({ dimension, blockSize: o.blockSize, width: o.width, value: o.w });
  const { filter } = readCodecFile(o.init, rbmProjectorCodec, { option: 'trainer option init' }).value;
  if (filter.dimension !== dimension)
    throw new UsageError(
      `${o.init} holds a ${filter.dimension}-dimensional filter; the data are ${dimension}-dimensional`,
    );
  if (filter.blockSize !== o.blockSize)
    throw new UsageError(`${o.init} holds a filter of block size ${filter.blockSize}, not ${o.blockSize}`);
  return filter;
}

function parametersOf(filter: RbmFilter): ProjectorParameters {
  return {
    shape: new Array<number>(filter.dimension).fill(filter.width),
    values: Array.from(filter.weights),
    attributes: { blockSize: filter.blockSize },
  };
}

/** One evaluation as the training record keeps it. */
function evaluationRecord(
  step: number,
  weights: readonly number[],
  value: RgObjectiveValue,
  gradient?: readonly { value: number; error: number }[],
) {
  return {
    step,
    weights: [...weights],
    even: value.even,
    odd: value.odd,
    exponents: value.exponents,
    ...(gradient && { gradient: gradient.map((g) => ({ value: g.value, error: g.error })) }),
  };
}

/** Yields to the event loop, so that progress output and a stop request get through between steps. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Trainer `rg-filter`: the weights W of an RBM filter (projector `rbm`) tuned by the gradient
 * of the RG-convergence loss L(θ) of one sector (see `RgConvergenceObjective`), with the
 * score-function gradient of every exponent entering L (`ExponentGradients`), over stored
 * configurations with the run's seed as the common random numbers. A fixed number of Adam (or
 * plain gradient) steps from a uniform block filter or a given rbm-projector file; every step
 * (W, both sectors' losses and exponents, dL/dW with errors) is recorded. The file holds the
 * filter after the last step.
 */
export const rgFilterTrainer: ProjectorTrainer = {
  id: RG_FILTER_ID,
  projector: 'rbm',
  description:
    'RBM filter tuned for RG convergence: gradient steps (Adam) on Σ(y⁽ⁿ⁺¹⁾ − y⁽ⁿ⁾)² + μ Σ(y_L⁽ⁿ⁾ − y_L′⁽ⁿ⁾)² over stored configurations, by the score function',
  metrics: [
    { key: 'loss', label: 'L(θ)', symbol: 'L', notation: 'exponential', digits: 3 },
    { key: 'best', label: 'best L', notation: 'exponential', digits: 3 },
    { key: 'gradient', label: '|dL/dθ|', symbol: '|g|', notation: 'exponential', digits: 2 },
    { key: 'sum', label: 'Σ W', notation: 'fixed', digits: 4 },
  ],
  plan(options, data) {
    return planOf(readRgFilterOptions(options), data.count);
  },
  async train(data: TrainingData, options, run, hooks = {}): Promise<TrainedProjector> {
    const o = readRgFilterOptions(options);
    const plan = planOf(o, data.count);
    const start = startFilter(o, data.lattice.dimension);
    hooks.signal?.throwIfAborted();
    const { objective, model, couplings, other } = await trainingObjective(
      RG_FILTER_ID,
      'an RBM filter',
      data,
      o,
      run,
    );
    hooks.signal?.throwIfAborted();
    hooks.onStart?.(plan);
    const started = performance.now();
    const every = hooks.snapshotEvery ?? 1;
    if (!Number.isInteger(every) || every < 1)
      throw new UsageError(`snapshotEvery must be a positive integer, got ${every}`);
    const { dimension, width, blockSize } = start;
    const filterOf = (weights: readonly number[]) => rbmFilter({ dimension, width, blockSize, weights });
    const P = start.weights.length;
    const theta = Array.from(start.weights);
    const m = new Float64Array(P);
    const v = new Float64Array(P);
    const history: TrainingEpoch[] = [];
    const snapshots: ProjectorSnapshot[] = [];
    const evaluations: ReturnType<typeof evaluationRecord>[] = [];
    let best = { loss: Number.NaN, weights: [...theta], step: 0 };
    const keep = (step: number, loss: number) => {
      if (Number.isNaN(best.loss) || loss < best.loss) best = { loss, weights: [...theta], step };
    };
    for (let step = 1; step <= o.steps; step++) {
      await breathe();
      hooks.signal?.throwIfAborted();
      const rule = rbmFilterField(filterOf(theta));
      const at = objective.evaluateWithGradient(rule, o.sector);
      const loss = at.value[o.sector].loss;
      evaluations.push(evaluationRecord(step - 1, theta, at.value, at.gradient));
      keep(step - 1, loss);
      if (at.gradient.some((g) => !Number.isFinite(g.value)))
        throw new UsageError(
          `trainer '${RG_FILTER_ID}': the gradient is undefined at step ${step} (an exponent is NaN); try a smaller rate or another start`,
        );
      let norm = 0;
      for (let p = 0; p < P; p++) {
        const g = at.gradient[p].value;
        norm += g * g;
        if (o.method === 'gradient') theta[p] -= o.rate * g;
        else {
          m[p] = o.beta1 * m[p] + (1 - o.beta1) * g;
          v[p] = o.beta2 * v[p] + (1 - o.beta2) * g * g;
          const mHat = m[p] / (1 - o.beta1 ** step);
          const vHat = v[p] / (1 - o.beta2 ** step);
          theta[p] -= (o.rate * mHat) / (Math.sqrt(vHat) + 1e-12);
        }
      }
      const epoch: TrainingEpoch = {
        epoch: step,
        steps: step,
        seconds: (performance.now() - started) / 1000,
        metrics: {
          loss: Number.isNaN(loss) ? null : loss,
          best: Number.isNaN(best.loss) ? null : best.loss,
          gradient: Math.sqrt(norm),
          sum: theta.reduce((s, x) => s + x, 0),
        },
      };
      history.push(epoch);
      hooks.onEpoch?.(epoch);
      if (step % every === 0 || step === plan.steps) {
        const filter = filterOf(theta);
        const snapshot = {
          ...parametersOf(filter),
          step,
          epoch: step,
          file: rbmProjectorCodec.encode({ filter }),
        };
        snapshots.push(snapshot);
        hooks.onSnapshot?.(snapshot);
      }
    }
    await breathe();
    hooks.signal?.throwIfAborted();
    const final = objective.evaluate(rbmProjector(filterOf(theta)));
    evaluations.push(evaluationRecord(o.steps, theta, final));
    keep(o.steps, final[o.sector].loss);
    const seconds = (performance.now() - started) / 1000;
    const metadata: Record<string, unknown> = {
      trainer: RG_FILTER_ID,
      options: plan.options,
      seed: run.seed,
      data: { lattice: data.lattice.sizes, configurations: data.count, description: data.description },
      model,
      couplings,
      ...(other && { other }),
      start: { weights: Array.from(start.weights), ...(o.init !== undefined && { file: o.init }) },
      steps: o.steps,
      evaluations,
      final: { weights: [...theta], loss: final[o.sector].loss },
      best,
      seconds,
      secondsPerStep: seconds / o.steps,
      ...(await hooks.record?.()),
    };
    const filter = filterOf(theta);
    return {
      // The record is rg-filter's own, not the maximum-likelihood trainer's; the codec keeps it as given.
      file: rbmProjectorCodec.encode({ filter, training: metadata as unknown as RbmTrainingMetadata }),
      plan,
      history,
      snapshots,
      parameters: parametersOf(filter),
      metadata,
    };
  },
  load(file) {
    return rbmProjector(rbmProjectorCodec.decode(file).filter);
  },
  describe(trained) {
    const o = trained.plan.options as unknown as RgFilterOptions;
    const start = trained.metadata.evaluations as readonly {
      even: { loss: number };
      odd: { loss: number };
    }[];
    const final = trained.metadata.final as { loss: number };
    return [
      [
        'objective',
        `L of the ${o.sector === 'even' ? 'y_t (even)' : 'y_h (odd)'} sector${o.weighted ? ', error-weighted' : ''}, μ = ${o.mu}${o.other ? `, second lattice ${o.other}` : ', one lattice'}`,
      ],
      ['descent', `${o.method}, ${o.steps} steps, rate ${o.rate}, ${o.width}-wide filter`],
      ['loss', `${start[0][o.sector].loss.toExponential(3)} → ${final.loss.toExponential(3)}`],
    ];
  },
};
