import {
  type PluginOptions,
  type ProjectorParameters,
  type ProjectorSnapshot,
  type ProjectorTrainer,
  RNG_ALGORITHM,
  readOptions,
  type TrainedProjector,
  type TrainingData,
  type TrainingEpoch,
  type TrainingPlan,
  UsageError,
} from '@rsrg/core';
import { type RbmTrainingMetadata, rbmFilter, rbmProjector, rbmProjectorCodec } from '@rsrg/projectors';
import { breathe } from '../training-setup.js';
import { combineGroups, configurationGroups, type RsmiGroupResult, rsmiGroup } from './estimate.js';
import { blockEnvironmentPairs, checkRsmiGeometry } from './pairs.js';

/** The id of the RSMI trainer. */
export const RSMI_ID = 'rsmi';

/** Version of the algorithm, recorded in the file. */
const RSMI_VERSION = '1';

/** The trainer's options, every default filled in. */
export interface RsmiOptions {
  /** b, the block side: V is b^d spins (≤ 8). */
  readonly blockSize: number;
  /** L_B, the buffer shell dropped around the block. */
  readonly buffer: number;
  /** L_E, the environment shell beyond the buffer. */
  readonly shell: number;
  /** K, independent groups of configurations for the error bars. */
  readonly groups: number;
  /** Blocks used per configuration (a seeded subsample when below all of them). */
  readonly blocks: number;
  /** The most (V, E) pairs in all; `blocks` defaults to what fits. */
  readonly maxPairs: number;
  /** |λ|₂, the fixed norm of the filter (default √(b^d): equal weights come out as 1). */
  readonly norm: number;
  /** Ridge weight of the classifier fit. */
  readonly l2: number;
  /** L-BFGS iterations of the classifier fit. */
  readonly classifierIterations: number;
  /** L-BFGS iterations of the filter direction. */
  readonly filterIterations: number;
}

/**
 * Reads and checks the options of trainer `rsmi` for data on `lattice` with `count`
 * configurations (a UsageError names the bad one).
 */
export function readRsmiOptions(
  options: PluginOptions,
  data: {
    readonly lattice: { readonly dimension: number; readonly sizes: readonly number[] };
    readonly count: number;
  },
): RsmiOptions {
  const o = readOptions(`trainer '${RSMI_ID}'`, options, {
    blockSize: { kind: 'integer', min: 2, default: 2 },
    buffer: { kind: 'integer', min: 0, default: 1 },
    shell: { kind: 'integer', min: 1, default: 1 },
    groups: { kind: 'integer', min: 2, default: 8 },
    blocks: { kind: 'integer', min: 1 },
    maxPairs: { kind: 'integer', min: 1, default: 200_000 },
    norm: { kind: 'number', min: 0 },
    l2: { kind: 'number', min: 0, default: 1e-4 },
    classifierIterations: { kind: 'integer', min: 1, default: 200 },
    filterIterations: { kind: 'integer', min: 1, default: 100 },
  });
  const d = data.lattice.dimension;
  const n = o.blockSize ** d;
  const all = data.lattice.sizes.reduce((p, L) => p * Math.floor(L / o.blockSize), 1);
  if (2 * o.groups > data.count)
    throw new UsageError(
      `trainer '${RSMI_ID}' needs at least 2 configurations per group (${o.groups} groups), got ${data.count}`,
    );
  const blocks = Math.min(o.blocks ?? Math.max(1, Math.floor(o.maxPairs / data.count)), all);
  const norm = o.norm ?? Math.sqrt(n);
  if (!(norm > 0 && Number.isFinite(norm)))
    throw new UsageError(`trainer '${RSMI_ID}': norm must be positive and finite`);
  return {
    blockSize: o.blockSize,
    buffer: o.buffer,
    shell: o.shell,
    groups: o.groups,
    blocks,
    maxPairs: o.maxPairs,
    norm,
    l2: o.l2,
    classifierIterations: o.classifierIterations,
    filterIterations: o.filterIterations,
  };
}

function planOf(o: RsmiOptions): TrainingPlan {
  return { steps: o.groups, stepsPerEpoch: 1, epochs: o.groups, options: { ...o } };
}

/** The mean λ of the groups so far. */
function meanLambda(results: readonly RsmiGroupResult[], n: number): number[] {
  const out = new Array<number>(n).fill(0);
  for (const r of results) for (let i = 0; i < n; i++) out[i] += r.lambda[i] / results.length;
  return out;
}

/**
 * Trainer `rsmi`: real-space mutual information (Koch-Janusz & Ringel 2018), exact route. For
 * each of K groups of the stored configurations it fits q_φ(v|e) on half the group's (V, E)
 * pairs, finds the filter direction that maximizes I(H:E) at the fixed norm, and evaluates
 * I(H:E) and I(V:E) on the other half. The file is an ordinary `rbm-projector` file of width b
 * (the filter on one block, the mean λ of the groups), so `rsrg mcrg --weights` measures it;
 * its training record holds the options, I(H:E), I(V:E), their ratio and λ with standard
 * errors over the groups, and every group's result.
 */
export const rsmiTrainer: ProjectorTrainer = {
  id: RSMI_ID,
  projector: 'rbm',
  description:
    'RSMI block filter: maximizes the mutual information I(H:E) of the block spin and its environment beyond a buffer (exact route, softmax classifier q(v|e), errors over K groups)',
  metrics: [
    { key: 'informationHE', label: 'I(H:E)', notation: 'fixed', digits: 4 },
    { key: 'informationVE', label: 'I(V:E)', notation: 'fixed', digits: 4 },
    { key: 'ratio', label: 'I(H:E)/I(V:E)', symbol: 'ratio', notation: 'fixed', digits: 4 },
  ],
  plan(options, data) {
    const o = readRsmiOptions(options, data);
    checkRsmiGeometry(data.lattice, { blockSize: o.blockSize, buffer: o.buffer, shell: o.shell });
    return planOf(o);
  },
  async train(data: TrainingData, options, run, hooks = {}): Promise<TrainedProjector> {
    const o = readRsmiOptions(options, data);
    const plan = planOf(o);
    const geometry = { blockSize: o.blockSize, buffer: o.buffer, shell: o.shell };
    checkRsmiGeometry(data.lattice, geometry);
    const d = data.lattice.dimension;
    const n = o.blockSize ** d;
    hooks.signal?.throwIfAborted();
    hooks.onStart?.(plan);
    const started = performance.now();
    const fitOptions = {
      norm: o.norm,
      l2: o.l2,
      classifierIterations: o.classifierIterations,
      filterIterations: o.filterIterations,
    };
    const pick = { blocksPerConfiguration: o.blocks, seed: run.seed };
    const history: TrainingEpoch[] = [];
    const snapshots: ProjectorSnapshot[] = [];
    const results: RsmiGroupResult[] = [];
    const every = hooks.snapshotEvery ?? o.groups;
    if (!Number.isInteger(every) || every < 1)
      throw new UsageError(`snapshotEvery must be a positive integer, got ${every}`);
    const filterOf = (lambda: readonly number[]) =>
      rbmFilter({ dimension: d, width: o.blockSize, blockSize: o.blockSize, weights: lambda });
    let environmentSites = 0;
    for (const g of configurationGroups(data.count, o.groups)) {
      await breathe();
      hooks.signal?.throwIfAborted();
      const group = {
        fit: blockEnvironmentPairs(data, geometry, { configurations: g.fit, ...pick }),
        evaluate: blockEnvironmentPairs(data, geometry, { configurations: g.evaluate, ...pick }),
      };
      environmentSites = group.fit.environmentSites;
      const r = rsmiGroup(group, fitOptions);
      results.push(r);
      const step = results.length;
      const epoch: TrainingEpoch = {
        epoch: step,
        steps: step,
        seconds: (performance.now() - started) / 1000,
        metrics: { informationHE: r.informationHE, informationVE: r.informationVE, ratio: r.ratio },
      };
      history.push(epoch);
      hooks.onEpoch?.(epoch);
      if (step % every === 0 || step === plan.steps) {
        const lambda = meanLambda(results, n);
        const snapshot: ProjectorSnapshot = {
          ...parametersOf(lambda, d, o.blockSize),
          step,
          epoch: step,
          file: rbmProjectorCodec.encode({ filter: filterOf(lambda) }),
        };
        snapshots.push(snapshot);
        hooks.onSnapshot?.(snapshot);
      }
    }
    const estimate = combineGroups(results);
    const lambda = estimate.lambda.map((e) => e.value);
    const seconds = (performance.now() - started) / 1000;
    const metadata: Record<string, unknown> = {
      trainer: RSMI_ID,
      options: plan.options,
      seed: run.seed,
      data: { lattice: [...data.lattice.sizes], configurations: data.count, description: data.description },
      versions: { rsmi: RSMI_VERSION, rng: RNG_ALGORITHM, node: process.version },
      steps: plan.steps,
      seconds,
      history,
      errors: `mean ± standard error over ${o.groups} independent groups of configurations (fit on half of each, evaluated on the other half)`,
      pairs: { blockSites: n, environmentSites, blocksPerConfiguration: o.blocks },
      informationHE: estimate.informationHE,
      informationVE: estimate.informationVE,
      ratio: estimate.ratio,
      lambda: estimate.lambda,
      groups: estimate.groups,
      ...(await hooks.record?.()),
    };
    // The rbm-projector file's training record is a map; this one is RSMI's, not maximum likelihood's.
    const training = metadata as unknown as RbmTrainingMetadata;
    return {
      file: rbmProjectorCodec.encode({ filter: filterOf(lambda), training }),
      plan,
      history,
      snapshots,
      parameters: parametersOf(lambda, d, o.blockSize),
      metadata,
    };
  },
  load(file) {
    return rbmProjector(rbmProjectorCodec.decode(file).filter);
  },
  describe(trained) {
    const m = trained.metadata as {
      informationHE: { value: number; error: number };
      informationVE: { value: number; error: number };
      ratio: { value: number; error: number };
      lambda: { value: number; error: number }[];
    };
    const f = (e: { value: number; error: number }) => `${e.value.toFixed(4)} ± ${e.error.toFixed(4)}`;
    return [
      [
        'information',
        `I(H:E) = ${f(m.informationHE)}, I(V:E) = ${f(m.informationVE)} nats, ratio ${f(m.ratio)}`,
      ],
      ['filter', `λ = ${m.lambda.map(f).join(', ')}`],
      // I(H:E) ≤ I(V:E) (H is a function of V and noise): a ratio beyond 1 means the held-out
      // cross-entropy of an over-fitted q(v|e) has pushed I(V:E) down.
      ...(m.ratio.value - 1 > 2 * m.ratio.error
        ? ([
            [
              'warning',
              'I(H:E)/I(V:E) is above 1 by more than 2σ, which a correct estimate cannot be: q(v|e) over-fits its pairs and I(V:E) is too low; give more pairs (maxPairs, blocks)',
            ],
          ] as [string, string][])
        : []),
    ];
  },
};

function parametersOf(lambda: readonly number[], dimension: number, b: number): ProjectorParameters {
  return {
    shape: new Array(dimension).fill(b),
    values: [...lambda],
    attributes: { dimension, width: b, blockSize: b },
  };
}
