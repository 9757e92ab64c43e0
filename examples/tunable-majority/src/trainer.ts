import {
  type Lattice,
  type PluginOptions,
  type ProjectorParameters,
  type ProjectorSnapshot,
  type ProjectorTrainer,
  readOptions,
  type TrainedProjector,
  type TrainingData,
  type TrainingPlan,
  UnsupportedError,
  UsageError,
} from '@rsrg/core';
import { tunableMajorityCodec } from './file.js';
import { DEFAULT_BLOCK_SIZE, TUNABLE_MAJORITY_ID, tunableMajorityProjector } from './tunable-majority.js';

const OWNER = `trainer '${TUNABLE_MAJORITY_ID}'`;

/**
 * The options of trainer `tunable-majority`: the grid w = wMax·i/(points − 1), i = 0…points − 1
 * (defaults 3 and 61), and the block side b (default 2).
 */
export function tunableMajorityTrainerOptions(options: PluginOptions) {
  return readOptions(OWNER, options, {
    wMax: { kind: 'number', default: 3, min: 0 },
    points: { kind: 'integer', default: 61, min: 2, max: 100_000 },
    blockSize: { kind: 'integer', default: DEFAULT_BLOCK_SIZE, min: 2 },
  });
}

/** log cosh x, without overflow: |x| + log(1 + e^{−2|x|}) − log 2. */
function logCosh(x: number): number {
  const a = Math.abs(x);
  return a + Math.log1p(Math.exp(-2 * a)) - Math.LN2;
}

/** Binomial coefficients C(v, k), k = 0…v, as floating-point numbers. */
function binomials(v: number): Float64Array {
  const c = new Float64Array(v + 1);
  c[0] = 1;
  for (let k = 1; k <= v; k++) c[k] = (c[k - 1] * (v - k + 1)) / k;
  return c;
}

/**
 * The block sums of the data as a histogram: `counts[k]` blocks with Σ_block σ = 2k − v, over
 * every block of every configuration (v = b^d spins a block).
 */
export function blockSumCounts(data: TrainingData, b: number): Float64Array {
  const { lattice } = data;
  const blocks = lattice.window(b, b);
  const v = b ** lattice.dimension;
  const n = blocks.length / v;
  const V = lattice.volume;
  const counts = new Float64Array(v + 1);
  for (let c = 0; c < data.count; c++) {
    const sigma = data.configurations.subarray(c * V, (c + 1) * V);
    for (let J = 0; J < n; J++) {
      let sum = 0;
      for (let k = J * v; k < (J + 1) * v; k++) sum += sigma[blocks[k]];
      counts[(sum + v) >> 1]++;
    }
  }
  return counts;
}

/**
 * The log-likelihood per block, relative to w = 0, of data with block-sum histogram `counts`
 * under the marginal of the tunable majority read as an RBM:
 *
 *   Y_w(σ) = Σ_μ Π_J e^{w μ_J s_J} = Π_J 2 cosh(w s_J),   p_w(σ) = Y_w(σ) / Σ_σ' Y_w(σ').
 *
 * Blocks are disjoint, so Σ_σ' Y_w(σ') = [Σ_k C(v, k) 2 cosh(w (2k − v))]^{blocks} and
 *
 *   ℓ(w) = Σ_k f_k log cosh(w s_k) − log(2^{−v} Σ_k C(v, k) cosh(w s_k)),   s_k = 2k − v,
 *
 * with f_k the fraction of blocks with sum s_k. This is the objective Chung & Kao train the RBM
 * by (minimal KL divergence from the data to Y/ΣY), exact for this one-parameter family; ℓ(0) = 0.
 */
export function blockLogLikelihood(counts: Float64Array, w: number): number {
  const v = counts.length - 1;
  const c = binomials(v);
  let total = 0;
  for (let k = 0; k <= v; k++) total += counts[k];
  // log(2^{−v} Σ_k C(v,k) cosh(w s_k)), summed stably around its largest term.
  const terms = Array.from(
    { length: v + 1 },
    (_, k) => Math.log(c[k]) + logCosh(w * (2 * k - v)) - v * Math.LN2,
  );
  const top = Math.max(...terms);
  const logZ = top + Math.log(terms.reduce((s, t) => s + Math.exp(t - top), 0));
  let data = 0;
  for (let k = 0; k <= v; k++) if (counts[k] > 0) data += (counts[k] / total) * logCosh(w * (2 * k - v));
  return data - logZ;
}

function planOf(
  o: ReturnType<typeof tunableMajorityTrainerOptions>,
  lattice: Lattice,
  count: number,
): TrainingPlan {
  if (!(o.wMax > 0)) throw new UsageError(`${OWNER}: wMax must be positive, got ${o.wMax}`);
  if (!lattice.divisibleBy(o.blockSize)) {
    throw new UnsupportedError(
      `${OWNER}: lattice ${lattice.label} is not divisible into blocks of side ${o.blockSize}`,
    );
  }
  if (!Number.isInteger(count) || count < 1)
    throw new UsageError(`${OWNER} needs at least one configuration`);
  return { steps: o.points, stepsPerEpoch: o.points, epochs: 1, options: { ...o } };
}

function parametersOf(w: number, blockSize: number): ProjectorParameters {
  return { shape: [1], values: [w], attributes: { blockSize } };
}

/**
 * Trainer `tunable-majority`: picks w of the tunable majority rule by a grid search for the
 * maximum of the exact likelihood `blockLogLikelihood` (deterministic; no seed is used). Each
 * grid point is a step; a snapshot holds the best w so far. Its files (`tunableMajorityCodec`)
 * are what the `tunable-majority` projector reads as `weights`.
 */
export const tunableMajorityTrainer: ProjectorTrainer = {
  id: TUNABLE_MAJORITY_ID,
  projector: TUNABLE_MAJORITY_ID,
  description:
    'tunable majority rule with w by exact maximum likelihood of Π_J cosh(w s_J) on a grid (options wMax, points, blockSize)',
  metrics: [
    { key: 'w', label: 'w', notation: 'fixed', digits: 4 },
    { key: 'logLikelihood', label: 'log-likelihood gain / block', symbol: 'ℓ', notation: 'fixed', digits: 5 },
  ],
  plan(options, data) {
    return planOf(tunableMajorityTrainerOptions(options), data.lattice, data.count);
  },
  async train(data, options, _run, hooks = {}): Promise<TrainedProjector> {
    const started = performance.now();
    const o = tunableMajorityTrainerOptions(options);
    const plan = planOf(o, data.lattice, data.count);
    hooks.signal?.throwIfAborted();
    hooks.onStart?.(plan);
    const every = hooks.snapshotEvery ?? plan.steps;
    const counts = blockSumCounts(data, o.blockSize);
    const grid = Array.from({ length: o.points }, (_, i) => (o.wMax * i) / (o.points - 1));
    const likelihood: number[] = [];
    let best = 0;
    const file = (w: number, training?: Record<string, unknown>) =>
      tunableMajorityCodec.encode({ w, blockSize: o.blockSize, ...(training && { training }) });
    const snapshot = (step: number): ProjectorSnapshot => ({
      ...parametersOf(grid[best], o.blockSize),
      step,
      epoch: step / plan.stepsPerEpoch,
      file: file(grid[best]),
    });
    for (let i = 0; i < grid.length; i++) {
      likelihood.push(blockLogLikelihood(counts, grid[i]));
      if (likelihood[i] > likelihood[best]) best = i;
      const step = i + 1;
      if (hooks.onSnapshot && (step % every === 0 || step === plan.steps)) hooks.onSnapshot(snapshot(step));
    }
    const w = grid[best];
    const seconds = (performance.now() - started) / 1000;
    const history = [
      { epoch: 1, steps: plan.steps, seconds, metrics: { w, logLikelihood: likelihood[best] } },
    ];
    const metadata = {
      options: o,
      data: { lattice: [...data.lattice.sizes], configurations: data.count, description: data.description },
      blockSums: Array.from(counts),
      grid: { w: grid, logLikelihood: likelihood },
      w,
      ...(await hooks.record?.()),
    };
    return {
      file: file(w, metadata),
      plan,
      history,
      snapshots: [snapshot(plan.steps)],
      parameters: parametersOf(w, o.blockSize),
      metadata,
    };
  },
  load(bytes) {
    const { w, blockSize } = tunableMajorityCodec.decode(bytes);
    return tunableMajorityProjector(w, blockSize);
  },
  describe(trained) {
    const o = trained.plan.options as ReturnType<typeof tunableMajorityTrainerOptions>;
    const [w] = trained.parameters.values;
    const last = trained.history[trained.history.length - 1];
    return [
      [
        'criterion',
        'w maximizes the exact log-likelihood of the data under p_w(σ) ∝ Π_J cosh(w s_J), the RBM marginal of the rule',
      ],
      [
        'grid',
        `${o.points} values of w in [0, ${o.wMax}], b = ${o.blockSize}: w = ${w.toFixed(4)}, ${last?.metrics.logLikelihood?.toFixed(5)} nats per block above w = 0`,
      ],
    ];
  },
};
