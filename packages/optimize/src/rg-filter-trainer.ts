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
  symmetryOrbits,
} from '@rsrg/projectors';
import {
  type LinearFieldRule,
  orbitFilter,
  orbitWeights,
  rbmFilterField,
  symmetricFilterField,
} from './linear-field.js';
import type { RgObjectiveValue } from './objective.js';
import { OBJECTIVE_OPTION_SPECS, type ObjectiveOptions, objectiveOptions } from './objective-options.js';
import { breathe, trainingObjective } from './training-setup.js';

/** The id of the RG-convergence trainer of the RBM filter. */
export const RG_FILTER_ID = 'rg-filter';

const METHODS = ['adam', 'gradient'] as const;

/** The options of trainer `rg-filter`, every default filled in. */
export interface RgFilterOptions extends ObjectiveOptions {
  /** Filter side (default: the block size, a filter on its own block). */
  readonly width: number;
  /** Tie the weights by the point group about the window centre: one parameter per orbit. */
  readonly symmetric: boolean;
  /**
   * Start: this weight on a block's b^d sites, 0 elsewhere (when no `init`): the central block
   * of the window when `symmetric`, the corner block otherwise.
   */
  readonly w: number;
  /** Start from this rbm-projector file instead (its width and block size win). */
  readonly init?: string;
  /** Parameter updates, at most. */
  readonly steps: number;
  /** Stop when every |dL/dθ_j| ≤ tolerance · σ_j (its jackknife error); 0: never stop early. */
  readonly tolerance: number;
  /** 'adam' or plain 'gradient' descent. */
  readonly method: (typeof METHODS)[number];
  /** Learning rate: Adam's step per weight, or the factor of plain descent. */
  readonly rate: number;
  /** Adam's decay of the first moment. */
  readonly beta1: number;
  /** Adam's decay of the second moment. */
  readonly beta2: number;
}

/** Reads and checks the options of trainer `rg-filter` (a UsageError names the bad one). */
export function readRgFilterOptions(options: PluginOptions): RgFilterOptions {
  const o = readOptions(`trainer '${RG_FILTER_ID}'`, options, {
    ...OBJECTIVE_OPTION_SPECS,
    width: { kind: 'integer', min: 1 },
    symmetric: { kind: 'boolean', default: true },
    w: { kind: 'number', default: 0.5 },
    init: { kind: 'string' },
    steps: { kind: 'integer', min: 1, default: 20 },
    tolerance: { kind: 'number', min: 0, default: 2 },
    method: { kind: 'string', choices: METHODS, default: 'adam' },
    rate: { kind: 'number', min: 0, default: 0.02 },
    beta1: { kind: 'number', min: 0, default: 0.9 },
    beta2: { kind: 'number', min: 0, default: 0.999 },
  });
  if (!(o.beta1 < 1) || !(o.beta2 < 1))
    throw new UsageError(`trainer '${RG_FILTER_ID}': beta1 and beta2 must be below 1`);
  if (!Number.isFinite(o.w)) throw new UsageError(`trainer '${RG_FILTER_ID}': w must be finite, got ${o.w}`);
  const width = o.width ?? o.blockSize;
  if (width < o.blockSize)
    throw new UsageError(
      `trainer '${RG_FILTER_ID}': a filter of width ${width} does not cover its block of side ${o.blockSize}`,
    );
  if (!Number.isFinite(o.tolerance))
    throw new UsageError(`trainer '${RG_FILTER_ID}': tolerance must be finite, got ${o.tolerance}`);
  if (o.symmetric && o.init === undefined && (width - o.blockSize) % 2 !== 0)
    throw new UsageError(
      `trainer '${RG_FILTER_ID}': a symmetric start needs a block at the window's centre, so width − blockSize must be even (width ${width}, blockSize ${o.blockSize}); give init= or symmetric=false`,
    );
  return {
    ...objectiveOptions(o),
    width,
    symmetric: o.symmetric,
    w: o.w,
    steps: o.steps,
    tolerance: o.tolerance,
    method: o.method as RgFilterOptions['method'],
    rate: o.rate,
    beta1: o.beta1,
    beta2: o.beta2,
    ...(o.init !== undefined && { init: o.init }),
  };
}

function planOf(o: RgFilterOptions, count: number): TrainingPlan {
  if (!Number.isInteger(count) || count < o.bins)
    throw new UsageError(
      `trainer '${RG_FILTER_ID}' needs at least ${o.bins} configurations (one per bin), got ${count}`,
    );
  return { steps: o.steps, stepsPerEpoch: 1, epochs: o.steps, options: { ...o } };
}

/**
 * The starting filter: the `init` file's, or `w` on a block's b^d sites, 0 elsewhere: the
 * window's central block when symmetric (invariant under the point group; a block elsewhere in
 * the window only translates the coarse lattice, which MCRG does not see), its corner block
 * otherwise.
 */
function startFilter(o: RgFilterOptions, dimension: number): RbmFilter {
  if (o.init === undefined)
    return blockFilter({
      dimension,
      blockSize: o.blockSize,
      width: o.width,
      value: o.w,
      at: o.symmetric ? (o.width - o.blockSize) / 2 : 0,
    });
  const { filter } = readCodecFile(o.init, rbmProjectorCodec, { option: 'trainer option init' }).value;
  if (filter.dimension !== dimension)
    throw new UsageError(
      `${o.init} holds a ${filter.dimension}-dimensional filter; the data are ${dimension}-dimensional`,
    );
  if (filter.blockSize !== o.blockSize)
    throw new UsageError(`${o.init} holds a filter of block size ${filter.blockSize}, not ${o.blockSize}`);
  if (o.symmetric)
    try {
      orbitWeights(filter);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      throw new UsageError(`${o.init}: ${err.message}; train it with symmetric=false`);
    }
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

/** The largest |dL/dθ_j| / σ_j: within `tolerance` for every j, the descent stops. */
function significanceOf(gradient: readonly { value: number; error: number }[]): number {
  let most = 0;
  for (const g of gradient) {
    const z = Math.abs(g.value) / g.error;
    // 0/0 (a gradient exactly zero in every bin) is insignificant; x/0 and NaN are not.
    most = Math.max(most, g.value === 0 ? 0 : Number.isNaN(z) ? Number.POSITIVE_INFINITY : z);
  }
  return most;
}

/** Yields to the event loop, so that progress output and a stop request get through between steps. */

/**
 * Trainer `rg-filter`: the weights W of an RBM filter (projector `rbm`) tuned by the gradient
 * of the RG-convergence loss L(θ) of one sector (see `RgConvergenceObjective`), with the
 * score-function gradient of every exponent entering L (`ExponentGradients`), over stored
 * configurations with the run's seed as the common random numbers. By default the weights are
 * tied by the point group about the window centre (one parameter per orbit,
 * `symmetricFilterField`). Adam (or plain gradient) steps from a block filter or a given
 * rbm-projector file, at most `steps`, stopping as soon as every component of dL/dθ is within
 * `tolerance` standard errors of zero; every evaluation (θ, both sectors' losses and exponents,
 * dL/dθ with errors) is recorded, and why and where the descent stopped. The file holds the
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
    { key: 'significance', label: 'max |dL/dθ_j|/σ_j', symbol: 'z', notation: 'fixed', digits: 2 },
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
    const { evaluator, model, couplings, other } = await trainingObjective(
      RG_FILTER_ID,
      'an RBM filter',
      data,
      o,
      run,
      hooks.signal,
    );
    try {
      hooks.signal?.throwIfAborted();
      hooks.onStart?.(plan);
      const started = performance.now();
      const every = hooks.snapshotEvery ?? 1;
      if (!Number.isInteger(every) || every < 1)
        throw new UsageError(`snapshotEvery must be a positive integer, got ${every}`);
      const { dimension, width, blockSize } = start;
      const geometry = { dimension, width, blockSize };
      // θ: the orbit weights when symmetric, else the w^d weights themselves.
      const filterOf = (t: readonly number[]) =>
        o.symmetric ? orbitFilter(geometry, t) : rbmFilter({ ...geometry, weights: t });
      const ruleOf = (t: readonly number[]): LinearFieldRule =>
        o.symmetric ? symmetricFilterField(geometry, t) : rbmFilterField(filterOf(t));
      const theta = o.symmetric ? orbitWeights(start) : Array.from(start.weights);
      const names = ruleOf(theta).names;
      const P = theta.length;
      const m = new Float64Array(P);
      const v = new Float64Array(P);
      const history: TrainingEpoch[] = [];
      const snapshots: ProjectorSnapshot[] = [];
      const evaluations: ReturnType<typeof evaluationRecord>[] = [];
      let best = { loss: Number.NaN, weights: [...theta], step: 0 };
      const keep = (step: number, loss: number) => {
        if (Number.isNaN(best.loss) || loss < best.loss) best = { loss, weights: [...theta], step };
      };
      const snapshot = (step: number) => {
        const filter = filterOf(theta);
        const s = { ...parametersOf(filter), step, epoch: step, file: rbmProjectorCodec.encode({ filter }) };
        snapshots.push(s);
        hooks.onSnapshot?.(s);
      };
      // Updates made, and the value at θ when the gradient stopped the descent.
      let updates = 0;
      let stoppedAt: RgObjectiveValue | undefined;
      let significance = Number.NaN;
      for (let step = 1; step <= o.steps; step++) {
        await breathe();
        hooks.signal?.throwIfAborted();
        const at = await evaluator.evaluateWithGradient(ruleOf(theta), o.sector);
        const loss = at.value[o.sector].loss;
        evaluations.push(evaluationRecord(step - 1, theta, at.value, at.gradient));
        keep(step - 1, loss);
        if (at.gradient.some((g) => !Number.isFinite(g.value)))
          throw new UsageError(
            `trainer '${RG_FILTER_ID}': the gradient is undefined at step ${step} (an exponent is NaN); try a smaller rate or another start`,
          );
        significance = significanceOf(at.gradient);
        if (o.tolerance > 0 && significance <= o.tolerance) {
          stoppedAt = at.value;
          if (updates > 0 && updates % every !== 0) snapshot(updates);
          break;
        }
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
        updates = step;
        const epoch: TrainingEpoch = {
          epoch: step,
          steps: step,
          seconds: (performance.now() - started) / 1000,
          metrics: {
            loss: Number.isNaN(loss) ? null : loss,
            best: Number.isNaN(best.loss) ? null : best.loss,
            gradient: Math.sqrt(norm),
            significance,
            sum: filterOf(theta).weights.reduce((s, x) => s + x, 0),
          },
        };
        history.push(epoch);
        hooks.onEpoch?.(epoch);
        if (step % every === 0 || step === plan.steps) snapshot(step);
      }
      let final = stoppedAt;
      if (!final) {
        await breathe();
        hooks.signal?.throwIfAborted();
        final = await evaluator.evaluate(rbmProjector(filterOf(theta)));
        evaluations.push(evaluationRecord(updates, theta, final));
        keep(updates, final[o.sector].loss);
      }
      const seconds = (performance.now() - started) / 1000;
      const filter = filterOf(theta);
      const metadata: Record<string, unknown> = {
        trainer: RG_FILTER_ID,
        options: plan.options,
        seed: run.seed,
        data: { lattice: data.lattice.sizes, configurations: data.count, description: data.description },
        model,
        couplings,
        ...(other && { other }),
        start: { weights: Array.from(start.weights), ...(o.init !== undefined && { file: o.init }) },
        // What θ (the `weights` of evaluations, best and final) is: one name per parameter, and
        // for a symmetric filter the flat indices of each orbit's sites.
        parameters: names,
        ...(o.symmetric && {
          orbits: symmetryOrbits(dimension, width).map((orbit) => Array.from(orbit)),
        }),
        steps: updates,
        stop: stoppedAt
          ? { step: updates, reason: 'gradient', significance }
          : { step: updates, reason: 'steps', significance },
        evaluations,
        final: { weights: [...theta], filter: Array.from(filter.weights), loss: final[o.sector].loss },
        best,
        seconds,
        secondsPerStep: seconds / evaluations.length,
        ...(await hooks.record?.()),
      };
      return {
        // The record is rg-filter's own, not the maximum-likelihood trainer's; the codec keeps it as given.
        file: rbmProjectorCodec.encode({ filter, training: metadata as unknown as RbmTrainingMetadata }),
        plan,
        history,
        snapshots,
        parameters: parametersOf(filter),
        metadata,
      };
    } finally {
      await evaluator.close();
    }
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
    const stop = trained.metadata.stop as { step: number; reason: string };
    return [
      [
        'objective',
        `L of the ${o.sector === 'even' ? 'y_t (even)' : 'y_h (odd)'} sector${o.weighted ? ', error-weighted' : ''}, μ = ${o.mu}${o.other ? `, second lattice ${o.other}` : ', one lattice'}`,
      ],
      [
        'descent',
        `${o.method}, rate ${o.rate}, ${o.width}-wide ${o.symmetric ? 'symmetric ' : ''}filter, ${stop.step} of at most ${o.steps} steps (${stop.reason === 'gradient' ? `stopped: every |dL/dθ| ≤ ${o.tolerance}σ` : 'no early stop'})`,
      ],
      ['loss', `${start[0][o.sector].loss.toExponential(3)} → ${final.loss.toExponential(3)}`],
    ];
  },
};
