import {
  type Lattice,
  type PluginOptions,
  type ProjectorParameters,
  type ProjectorSnapshot,
  type ProjectorTrainer,
  readOptions,
  type TrainedProjector,
  type TrainingEpoch,
  type TrainingPlan,
  UnsupportedError,
  UsageError,
} from '@rsrg/core';
import type { RbmFilter } from '../filter.js';
import { layoutUnsupported } from '../layout.js';
import { rbmPresets } from '../options.js';
import { RBM_TRAINER_OPTIONS, type RbmTrainerSettings, rbmTrainOptions } from '../trainer/settings.js';
import type { EpochInfo, TrainHooks } from '../training.js';
import { pottsRbmProjectorCodec } from './codec.js';
import { type PottsRbmKernelId, pottsRbmKernels } from './kernel/index.js';
import {
  type PottsTrainOptions,
  type ResolvedPottsTrainOptions,
  resolvePottsTrainOptions,
} from './options.js';
import { pottsRbmProjector } from './projector.js';
import { type PottsRbmTrainingMetadata, type PottsTrainResult, pottsTrainingSteps } from './training.js';

const OWNER = "trainer 'potts-rbm'";

/**
 * The options of trainer `potts-rbm`: those of trainer `rbm` (`RBM_TRAINER_OPTIONS`: preset,
 * epochs, batchSize, cdSteps, persistent, schedule, learning rates, width, blockSize,
 * symmetrize, initScale, snapshotEpochs, configurations) with the same meaning and defaults
 * (preset `nmcrg`), plus `q` (required: states per site of the data) and `kernel` (the
 * implementations of `pottsRbmKernels`).
 */
export const POTTS_RBM_TRAINER_OPTIONS = {
  ...RBM_TRAINER_OPTIONS,
  /** Number of states per site of the training data and of the hidden units. */
  q: {
    /** A whole number of states. */
    kind: 'integer',
    /** At least two. */
    min: 2,
    /** States are stored as unsigned bytes. */
    max: 256,
  },
  /** Implementation of the hot loops (same bits from every one). */
  kernel: {
    /** A kernel name. */
    kind: 'string',
    /** The kernels of `pottsRbmKernels`. */
    choices: Object.keys(pottsRbmKernels),
  },
} as const;

function epochList(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((p) => p.trim());
  const epochs = parts.map(Number);
  if (parts.some((p) => p === '') || epochs.some((e) => !Number.isInteger(e) || e < 1)) {
    throw new UsageError(
      `${OWNER}: snapshotEpochs must be 1-based epochs separated by commas (e.g. 1,3,5,100), got '${text}'`,
    );
  }
  return epochs;
}

/**
 * `PottsTrainOptions` of the trainer's options for `count` configurations: the options of
 * trainer `rbm` mapped as that trainer maps them (`rbmTrainOptions`), plus q and the kernel.
 * UsageError naming this trainer and the key on a bad option.
 */
export function pottsRbmTrainOptions(options: PluginOptions, seed: number, count: number): PottsTrainOptions {
  const { q, kernel, ...s } = readOptions(OWNER, options, POTTS_RBM_TRAINER_OPTIONS);
  if (q === undefined) {
    throw new UsageError(`${OWNER} needs option 'q': the number of states per site of the training data`);
  }
  for (const key of ['learningRate', 'finalLearningRate', 'decayEpochs'] as const) {
    const v = s[key];
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) {
      throw new UsageError(`${OWNER}: ${key} must be a positive number, got ${v}`);
    }
  }
  const preset = s.preset as RbmTrainerSettings['preset'];
  const base = rbmPresets[preset].schedule;
  const kind = s.schedule ?? (base.kind === 'constant' ? 'constant' : 'sqrt');
  if (kind === 'constant' && (s.finalLearningRate !== undefined || s.decayEpochs !== undefined)) {
    throw new UsageError(`${OWNER}: a final learning rate or decay epochs need the sqrt schedule`);
  }
  const settings: RbmTrainerSettings = {
    ...s,
    preset,
    snapshotEpochs: epochList(s.snapshotEpochs),
    kernel: undefined,
  };
  const { kernel: _, ...mapped } = rbmTrainOptions(settings, seed, count);
  return {
    ...mapped,
    q,
    ...(kernel !== undefined && { kernel: kernel as PottsRbmKernelId }),
  };
}

/** The plan of resolved options on `count` configurations of `lattice` (the seed left out). */
function planOf(o: ResolvedPottsTrainOptions, lattice: Lattice, count: number): TrainingPlan {
  if (!Number.isInteger(count) || count < 1) {
    throw new UsageError(`${OWNER} needs at least one configuration, got ${count}`);
  }
  const reason = layoutUnsupported(lattice, {
    dimension: lattice.dimension,
    width: o.width,
    blockSize: o.blockSize,
  });
  if (reason) throw new UnsupportedError(`${OWNER}: ${reason}`);
  // A wider filter would wrap onto itself: its weights could not be told apart by the data.
  const side = Math.min(...lattice.sizes);
  if (o.width > side) {
    throw new UsageError(
      `${OWNER}: a filter of width ${o.width} is wider than the ${lattice.label} lattice it learns from (at most ${side})`,
    );
  }
  const n = Math.min(count, o.configurations ?? Number.POSITIVE_INFINITY);
  if (o.batchSize > n) {
    throw new UsageError(
      `${OWNER}: a minibatch of ${o.batchSize} is larger than the ${n} training configurations`,
    );
  }
  const stepsPerEpoch = Math.ceil(n / Math.min(o.batchSize, n));
  const { seed: _, ...options } = o;
  return { steps: stepsPerEpoch * o.epochs, stepsPerEpoch, epochs: o.epochs, options };
}

function prepare(options: PluginOptions, lattice: Lattice, count: number, seed: number) {
  const trainOptions = pottsRbmTrainOptions(options, seed, count);
  return { trainOptions, plan: planOf(resolvePottsTrainOptions(trainOptions), lattice, count) };
}

/** A filter as trainer parameters: the w^d weights, shape [w, …, w], q among the attributes. */
function parametersOf(q: number, filter: RbmFilter): ProjectorParameters {
  return {
    shape: Array.from({ length: filter.dimension }, () => filter.width),
    values: Array.from(filter.weights),
    attributes: { q, dimension: filter.dimension, width: filter.width, blockSize: filter.blockSize },
  };
}

function snapshotOf(q: number, filter: RbmFilter, step: number, stepsPerEpoch: number): ProjectorSnapshot {
  return {
    ...parametersOf(q, filter),
    step,
    epoch: step / stepsPerEpoch,
    file: pottsRbmProjectorCodec.encode({ q, filter }),
  };
}

function epochOf(info: EpochInfo): TrainingEpoch {
  const { epoch, steps, seconds, ...metrics } = info;
  return { epoch, steps, seconds, metrics };
}

/** Milliseconds of training between two turns of the event loop. */
const SLICE_MS = 25;

const schedule = (o: ResolvedPottsTrainOptions['schedule']) =>
  o.kind === 'constant'
    ? `constant η = ${o.rate}`
    : `η = ${o.initial} decaying as a square root to ${o.final} at epoch ${o.decayEpochs}, then constant`;

/**
 * Trainer `potts-rbm`: the q-state RBM weight factor trained by CD-k with categorical units and
 * Adam (`pottsTrainingSteps`), from the presets and options of trainer `rbm` plus `q`. A trainer
 * of its own rather than a q option of `rbm`: its files are another kind
 * (`potts-rbm-projector`, read by projector `potts-rbm`), its filter has no sign gauge, and
 * trainer `rbm` stays as it is, bit for bit. It trains on the calling thread in slices of
 * ~25 ms, giving the event loop a turn between minibatches (progress, `signal`); the result does
 * not depend on `run.workers` (it uses one thread).
 */
export const pottsRbmTrainer: ProjectorTrainer = {
  id: 'potts-rbm',
  projector: 'potts-rbm',
  description:
    'q-state RBM weight factor: CD-k with categorical units and Adam, presets as trainer rbm, option q',
  metrics: [
    { key: 'learningRate', label: 'η', notation: 'exponential', digits: 2 },
    {
      key: 'reconstructionError',
      label: 'reconstruction error',
      symbol: 'recon',
      notation: 'fixed',
      digits: 4,
    },
    { key: 'meanAbsGradient', label: 'mean abs gradient', symbol: '|∇|', notation: 'exponential', digits: 2 },
    {
      key: 'pseudoLogLikelihood',
      label: 'pseudo-log-likelihood / site',
      symbol: 'PLL',
      notation: 'fixed',
      digits: 4,
    },
  ],
  plan(options, data) {
    return prepare(options, data.lattice, data.count, 0).plan;
  },
  async train(data, options, run, hooks = {}): Promise<TrainedProjector> {
    const { trainOptions, plan } = prepare(options, data.lattice, data.count, run.seed);
    const { q } = trainOptions;
    hooks.signal?.throwIfAborted();
    hooks.onStart?.(plan);
    const every = hooks.snapshotEvery ?? plan.stepsPerEpoch;
    if (hooks.onSnapshot && (!Number.isInteger(every) || every < 1)) {
      throw new UsageError(`snapshotEvery must be a positive integer, got ${every}`);
    }
    const onSnapshot = hooks.onSnapshot;
    const trainHooks: TrainHooks = {
      onEpoch: (info) => hooks.onEpoch?.(epochOf(info)),
      ...(onSnapshot && {
        everySteps: 1,
        onStep(step, filter) {
          if (step > 0 && (step % every === 0 || step === plan.steps)) {
            onSnapshot(snapshotOf(q, filter, step, plan.stepsPerEpoch));
          }
        },
      }),
    };
    const steps = pottsTrainingSteps(
      { lattice: data.lattice, configs: data.configurations, description: data.description },
      trainOptions,
      trainHooks,
    );
    let result: PottsTrainResult;
    let slice = performance.now();
    for (;;) {
      const next = steps.next();
      if (next.done) {
        result = next.value;
        break;
      }
      if (performance.now() - slice > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        hooks.signal?.throwIfAborted();
        slice = performance.now();
      }
    }
    const metadata: PottsRbmTrainingMetadata & Readonly<Record<string, unknown>> = {
      ...result.metadata,
      ...(await hooks.record?.()),
    };
    return {
      file: pottsRbmProjectorCodec.encode({ q, filter: result.filter, training: metadata }),
      plan,
      history: result.history.map(epochOf),
      snapshots: result.snapshots.map((s) =>
        snapshotOf(q, s.filter, s.epoch * plan.stepsPerEpoch, plan.stepsPerEpoch),
      ),
      parameters: parametersOf(q, result.filter),
      metadata,
    };
  },
  load(file) {
    return pottsRbmProjector(pottsRbmProjectorCodec.decode(file));
  },
  describe(trained) {
    const o = trained.plan.options as unknown as ResolvedPottsTrainOptions;
    const d = trained.parameters.shape.length;
    return [
      [
        'training',
        `preset \`${o.preset}\`: ${o.epochs} epochs × ${trained.plan.stepsPerEpoch} steps (minibatch ${o.batchSize}), CD-${o.cdSteps}${o.persistent ? ' (persistent)' : ''} with ${o.q}-state units, Adam, ${schedule(o.schedule)}`,
      ],
      [
        'filter',
        `${o.width}^${d} weights, stride b = ${o.blockSize}, q = ${o.q}, initial weights uniform in [0, ${o.initScale}]${o.symmetrize ? ', symmetrized' : ''}`,
      ],
    ];
  },
};
