import {
  type PluginOptions,
  type ProjectorParameters,
  type ProjectorSnapshot,
  type ProjectorTrainer,
  readOptions,
  type TrainedProjector,
  type TrainerHooks,
  type TrainingData,
  type TrainingEpoch,
  type TrainingPlan,
  type TrainingRun,
  UsageError,
} from '@rsrg/core';
import {
  STOCHASTIC_MAJORITY_ID,
  type StochasticMajorityParameters,
  stochasticMajorityCodec,
  stochasticMajorityFromFile,
  stochasticMajorityProjector,
} from '@rsrg/projectors';
import type { RgObjectiveValue } from './objective.js';
import { OBJECTIVE_OPTION_SPECS, type ObjectiveOptions, objectiveOptions } from './objective-options.js';
import { goldenSection, gridSearch, type Interval, type Minimum, nelderMead } from './optimizers.js';
import { breathe, type TrainingObjective, trainingObjective } from './training-setup.js';

/** The id of the RG-convergence trainer. */
export const RG_CONVERGENCE_ID = 'rg-convergence';

const TUNED = ['w', 'w1', 'w,w1'] as const;
const METHODS = ['grid', 'golden', 'nelder-mead'] as const;
const OBJECTIVES = ['convergence', 'fixed-point'] as const;

/** The trainer's options, every default filled in. */
export interface RgConvergenceOptions extends ObjectiveOptions {
  /** The parameters tuned; the others stay at `w` and `w1`. */
  readonly tune: (typeof TUNED)[number];
  /** The minimizer. */
  readonly method: (typeof METHODS)[number];
  /** Objective evaluations (golden section, Nelder–Mead) or grid points per parameter (grid). */
  readonly evaluations: number;
  /** Search interval of w. */
  readonly wMin: number;
  /** Upper end of w's interval. */
  readonly wMax: number;
  /** Search interval of w₁. */
  readonly w1Min: number;
  /** Upper end of w₁'s interval. */
  readonly w1Max: number;
  /** w where it is not tuned, and the start of Nelder–Mead. */
  readonly w: number;
  /** w₁ where it is not tuned, and the start of Nelder–Mead. */
  readonly w1: number;
  /**
   * The loss minimized: 'convergence' (L(θ) of the exponents, the default when absent) or
   * 'fixed-point' (Swendsen's proxy, `fixedPointLoss`, which needs `other` of side L/b).
   */
  readonly objective?: (typeof OBJECTIVES)[number];
}

/** Reads and checks the options of trainer `rg-convergence` (a UsageError names the bad one). */
export function readRgConvergenceOptions(options: PluginOptions): RgConvergenceOptions {
  const o = readOptions(`trainer '${RG_CONVERGENCE_ID}'`, options, {
    ...OBJECTIVE_OPTION_SPECS,
    tune: { kind: 'string', choices: TUNED, default: 'w' },
    method: { kind: 'string', choices: METHODS },
    evaluations: { kind: 'integer', min: 2 },
    wMin: { kind: 'number', min: 0, default: 0.1 },
    wMax: { kind: 'number', min: 0, default: 3 },
    w1Min: { kind: 'number', default: -0.5 },
    w1Max: { kind: 'number', default: 0.5 },
    w: { kind: 'number', min: 0, default: 1 },
    w1: { kind: 'number', default: 0 },
    objective: { kind: 'string', choices: OBJECTIVES },
  });
  const tune = o.tune as RgConvergenceOptions['tune'];
  const method = (o.method ?? (tune === 'w,w1' ? 'nelder-mead' : 'golden')) as RgConvergenceOptions['method'];
  if (method === 'golden' && tune === 'w,w1')
    throw new UsageError(
      `trainer '${RG_CONVERGENCE_ID}': golden-section search tunes one parameter; use method=nelder-mead or grid for w,w1`,
    );
  if (!(o.wMin < o.wMax)) throw new UsageError(`trainer '${RG_CONVERGENCE_ID}': wMin must be below wMax`);
  if (!(o.w1Min < o.w1Max)) throw new UsageError(`trainer '${RG_CONVERGENCE_ID}': w1Min must be below w1Max`);
  const evaluations = o.evaluations ?? (method === 'grid' ? 13 : method === 'golden' ? 20 : 30);
  if (o.objective === 'fixed-point' && o.other === undefined)
    throw new UsageError(
      `trainer '${RG_CONVERGENCE_ID}': objective=fixed-point compares L with L/b: give the option other`,
    );
  if (method === 'nelder-mead' && evaluations < 3)
    throw new UsageError(`trainer '${RG_CONVERGENCE_ID}': Nelder–Mead needs at least 3 evaluations`);
  return {
    ...objectiveOptions(o),
    tune,
    method,
    evaluations,
    wMin: o.wMin,
    wMax: o.wMax,
    w1Min: o.w1Min,
    w1Max: o.w1Max,
    w: o.w,
    w1: o.w1,
    // Absent unless given, so that the default run's record is what it was.
    ...(o.objective !== undefined && { objective: o.objective as RgConvergenceOptions['objective'] }),
  };
}

function steps(o: RgConvergenceOptions): number {
  const k = o.tune === 'w,w1' ? 2 : 1;
  return o.method === 'grid' ? o.evaluations ** k : o.evaluations;
}

function planOf(o: RgConvergenceOptions, count: number): TrainingPlan {
  if (!Number.isInteger(count) || count < o.bins)
    throw new UsageError(
      `trainer '${RG_CONVERGENCE_ID}' needs at least ${o.bins} configurations (one per bin), got ${count}`,
    );
  const n = steps(o);
  return { steps: n, stepsPerEpoch: 1, epochs: n, options: { ...o } };
}

/** θ from the tuned components and the fixed ones. */
function thetaOf(o: RgConvergenceOptions, x: readonly number[]): StochasticMajorityParameters {
  if (o.tune === 'w') return { w: x[0], w1: o.w1 };
  if (o.tune === 'w1') return { w: o.w, w1: x[0] };
  return { w: x[0], w1: x[1] };
}

function boundsOf(o: RgConvergenceOptions): Interval[] {
  const w = { min: o.wMin, max: o.wMax };
  const w1 = { min: o.w1Min, max: o.w1Max };
  return o.tune === 'w' ? [w] : o.tune === 'w1' ? [w1] : [w, w1];
}

function minimize(o: RgConvergenceOptions, f: (x: readonly number[]) => Promise<number>): Promise<Minimum> {
  const bounds = boundsOf(o);
  if (o.method === 'grid') return gridSearch(f, bounds, o.evaluations);
  if (o.method === 'golden') return goldenSection(f, bounds[0], o.evaluations);
  const start = o.tune === 'w' ? [o.w] : o.tune === 'w1' ? [o.w1] : [o.w, o.w1];
  // A tenth of each interval as the first simplex steps.
  const step = bounds.map((b) => (b.max - b.min) / 10);
  return nelderMead(f, start, step, o.evaluations, bounds);
}

function parametersOf(theta: StochasticMajorityParameters, b: number): ProjectorParameters {
  return { shape: [2], values: [theta.w, theta.w1], attributes: { blockSize: b, names: 'w, w1' } };
}

/** One evaluation as the training record keeps it (the fixed-point proxy only when it is the objective). */
function evaluationRecord(theta: StochasticMajorityParameters, v: RgObjectiveValue, o: RgConvergenceOptions) {
  return {
    w: theta.w,
    w1: theta.w1,
    even: v.even,
    odd: v.odd,
    exponents: v.exponents,
    ...(o.objective === 'fixed-point' && { fixedPoint: v.fixedPoint }),
  };
}

/** The loss minimized: the sector's convergence loss, or its fixed-point loss. */
function lossOf(o: RgConvergenceOptions, v: RgObjectiveValue): number {
  if (o.objective !== 'fixed-point') return v[o.sector].loss;
  if (v.fixedPoint === undefined) throw new UsageError('the fixed-point proxy was not evaluated');
  return v.fixedPoint[o.sector].loss;
}

/** Yields to the event loop, so that progress output and a stop request get through between evaluations. */

/**
 * Trainer `rg-convergence`: tunes θ = (w, w₁) of the stochastic majority rule to make the MCRG
 * exponents of one sector converge, minimizing L(θ) (see `RgConvergenceObjective`) over the
 * training configurations (and those of `other`, a second lattice size) by grid, golden-section
 * or Nelder–Mead search. The configurations are sampled once, by the caller; the projecting
 * streams of the run's seed are common to every θ. The model's couplings come from the
 * registry rebuilt from the run's plugin modules. Its files are `stochastic-majority` files
 * whose training record holds every evaluation, the best θ with its exponents, and majority
 * rule's objective on the same data for comparison.
 */
export const rgConvergenceTrainer: ProjectorTrainer = {
  id: RG_CONVERGENCE_ID,
  projector: STOCHASTIC_MAJORITY_ID,
  description:
    'stochastic majority rule tuned for RG convergence: minimizes Σ(y⁽ⁿ⁺¹⁾ − y⁽ⁿ⁾)² + μ Σ(y_L⁽ⁿ⁾ − y_L′⁽ⁿ⁾)² over stored configurations (grid, golden section, Nelder–Mead)',
  metrics: [
    { key: 'w', label: 'w', notation: 'fixed', digits: 4 },
    { key: 'w1', label: 'w₁', notation: 'fixed', digits: 4 },
    { key: 'loss', label: 'L(θ)', symbol: 'L', notation: 'exponential', digits: 3 },
    { key: 'best', label: 'best L', notation: 'exponential', digits: 3 },
  ],
  plan(options, data) {
    return planOf(readRgConvergenceOptions(options), data.count);
  },
  async train(data: TrainingData, options, run, hooks = {}): Promise<TrainedProjector> {
    const o = readRgConvergenceOptions(options);
    const plan = planOf(o, data.count);
    hooks.signal?.throwIfAborted();
    const training = await trainingObjective(
      RG_CONVERGENCE_ID,
      'the stochastic majority rule',
      data,
      o,
      run,
      hooks.signal,
    );
    try {
      return await tune(training, data, o, plan, run, hooks);
    } finally {
      await training.evaluator.close();
    }
  },
  load(file) {
    return stochasticMajorityFromFile(file);
  },
  describe(trained) {
    const o = trained.plan.options as unknown as RgConvergenceOptions;
    const tuned = trained.metadata.tuned as { w: number; w1: number; objective: number };
    const majority = trained.metadata.majority as RgObjectiveValue;
    const fixedPoint = o.objective === 'fixed-point';
    const majorityLoss = fixedPoint ? majority.fixedPoint?.[o.sector].loss : majority[o.sector].loss;
    return [
      [
        'objective',
        fixedPoint
          ? `fixed-point proxy of the ${o.sector === 'even' ? 'y_t (even: ⟨S_α⟩/V)' : 'y_h (odd: ⟨S_α²⟩/V²)'} sector, level n + 1 of L against level n of ${o.other}`
          : `L of the ${o.sector === 'even' ? 'y_t (even)' : 'y_h (odd)'} sector, μ = ${o.mu}${o.other ? `, second lattice ${o.other}` : ', one lattice'}`,
      ],
      ['search', `${o.method}, ${trained.plan.steps} evaluations, tuning ${o.tune}`],
      [
        'tuned',
        `w = ${tuned.w.toFixed(4)}, w1 = ${tuned.w1.toFixed(4)}: L = ${tuned.objective.toExponential(3)} (majority rule: ${(majorityLoss ?? Number.NaN).toExponential(3)})`,
      ],
    ];
  },
};

/** The search of `rgConvergenceTrainer.train` over its objective, and the trained file. */
async function tune(
  training: TrainingObjective,
  data: TrainingData,
  o: RgConvergenceOptions,
  plan: TrainingPlan,
  run: TrainingRun,
  hooks: TrainerHooks,
): Promise<TrainedProjector> {
  const { objective, evaluator, model, couplings, other } = training;
  if (o.objective === 'fixed-point' && objective.fixedPointUnavailable !== undefined)
    throw new UsageError(`trainer '${RG_CONVERGENCE_ID}': ${objective.fixedPointUnavailable}`);
  hooks.signal?.throwIfAborted();
  hooks.onStart?.(plan);
  const started = performance.now();
  const history: TrainingEpoch[] = [];
  const snapshots: ProjectorSnapshot[] = [];
  const evaluations: ReturnType<typeof evaluationRecord>[] = [];
  const every = hooks.snapshotEvery ?? 1;
  if (!Number.isInteger(every) || every < 1)
    throw new UsageError(`snapshotEvery must be a positive integer, got ${every}`);
  let best: { theta: StochasticMajorityParameters; loss: number } | undefined;
  const fileOf = (theta: StochasticMajorityParameters, training?: Record<string, unknown>) =>
    stochasticMajorityCodec.encode({ ...theta, blockSize: o.blockSize, ...(training && { training }) });
  const f = async (x: readonly number[]) => {
    await breathe();
    hooks.signal?.throwIfAborted();
    const theta = thetaOf(o, x);
    const value = await evaluator.evaluate(stochasticMajorityProjector(theta, o.blockSize));
    const loss = lossOf(o, value);
    evaluations.push(evaluationRecord(theta, value, o));
    if (best === undefined || loss < best.loss || (Number.isNaN(best.loss) && !Number.isNaN(loss)))
      best = { theta, loss };
    const step = evaluations.length;
    const epoch: TrainingEpoch = {
      epoch: step,
      steps: step,
      seconds: (performance.now() - started) / 1000,
      metrics: { w: theta.w, w1: theta.w1, loss: Number.isNaN(loss) ? null : loss, best: best.loss },
    };
    history.push(epoch);
    hooks.onEpoch?.(epoch);
    if (step % every === 0 || step === plan.steps) {
      const snapshot = {
        ...parametersOf(best.theta, o.blockSize),
        step,
        epoch: step,
        file: fileOf(best.theta),
      };
      snapshots.push(snapshot);
      hooks.onSnapshot?.(snapshot);
    }
    return loss;
  };
  await minimize(o, f);
  if (best === undefined) throw new UsageError('no evaluation was made');
  const tuned = best.theta;
  // Majority rule on the same configurations and draws: what the tuning is to beat.
  const majority = await evaluator.evaluate(
    stochasticMajorityProjector({ w: Number.POSITIVE_INFINITY, w1: 0 }, o.blockSize),
  );
  const final = evaluations.find((e) => e.w === tuned.w && e.w1 === tuned.w1);
  const metadata: Record<string, unknown> = {
    trainer: RG_CONVERGENCE_ID,
    options: plan.options,
    seed: run.seed,
    data: data.description,
    model,
    couplings,
    ...(other && { other }),
    tuned: { ...tuned, objective: best.loss, value: final },
    majority: evaluationRecord({ w: Number.POSITIVE_INFINITY, w1: 0 }, majority, o),
    evaluations,
    seconds: (performance.now() - started) / 1000,
    ...(await hooks.record?.()),
  };
  return {
    file: fileOf(tuned, metadata),
    plan,
    history,
    snapshots,
    parameters: parametersOf(tuned, o.blockSize),
    metadata,
  };
}
