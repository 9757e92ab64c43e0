import { type PluginOptions, readOptions, UsageError } from '@rsrg/core';
import { rbmKernels } from '../kernel/index.js';
import type { RbmKernelId } from '../kernel/types.js';
import { type RbmPresetId, rbmPresets, type TrainOptions } from '../options.js';
import type { LearningRateSchedule } from '../schedule.js';

/** The preset of trainer `rbm` when none is named: the authors' public code, which converges. */
export const DEFAULT_RBM_PRESET: RbmPresetId = 'nmcrg';

const OWNER = "trainer 'rbm'";

/**
 * The options of trainer `rbm`, as `readOptions` reads them (numbers and booleans may come as
 * strings, from `rsrg train --trainer-option key=value`):
 *
 * - `preset`: 'nmcrg' (default) or 'chung-kao-2019'; everything else overrides it;
 * - `epochs`, `batchSize`, `cdSteps`, `persistent`, `width`, `blockSize`, `symmetrize`,
 *   `initScale`: as in `TrainOptions`;
 * - `schedule`: 'constant' (η = learningRate throughout) or 'sqrt' (η decays as a square root
 *   from learningRate to finalLearningRate at epoch decayEpochs, then stays there);
 *   `learningRate`, `finalLearningRate`, `decayEpochs`: the schedule's numbers; whatever is not
 *   given comes from the preset's schedule (a constant preset switched to 'sqrt' decays to a
 *   tenth of its rate over half the epochs);
 * - `snapshotEpochs`: epochs whose filter is kept, comma-separated (default 1,3,5 and the
 *   last); an epoch past the last one keeps the last one;
 * - `configurations`: train on the first n configurations (default: all of them);
 * - `kernel`: 'wasm' (default) or 'js', the implementation of the hot loops (same bits).
 */
export const RBM_TRAINER_OPTIONS = {
  /** The settings to start from; every other option overrides one of them. */
  preset: {
    /** A preset name. */
    kind: 'string',
    /** 'nmcrg' (`DEFAULT_RBM_PRESET`). */
    default: DEFAULT_RBM_PRESET,
    /** The presets of `rbmPresets`. */
    choices: Object.keys(rbmPresets),
  },
  /** Passes over the training configurations. */
  epochs: {
    /** A whole number of epochs. */
    kind: 'integer',
    /** At least one. */
    min: 1,
  },
  /** Configurations per minibatch, i.e. per gradient update. */
  batchSize: {
    /** A whole number of configurations. */
    kind: 'integer',
    /** At least one. */
    min: 1,
  },
  /** Gibbs steps k of CD-k. */
  cdSteps: {
    /** A whole number of steps. */
    kind: 'integer',
    /** At least one. */
    min: 1,
  },
  /** Persistent CD: the Gibbs chains carried over between updates. */
  persistent: {
    /** true or false. */
    kind: 'boolean',
  },
  /** The learning-rate schedule: 'constant' or 'sqrt' (a square-root decay). */
  schedule: {
    /** A schedule name. */
    kind: 'string',
    /** 'constant' or 'sqrt'. */
    choices: ['constant', 'sqrt'],
  },
  /** Learning rate η (with 'sqrt': at the start); positive. */
  learningRate: {
    /** A real number. */
    kind: 'number',
  },
  /** With 'sqrt': the rate η reaches at epoch `decayEpochs`; positive. */
  finalLearningRate: {
    /** A real number. */
    kind: 'number',
  },
  /** With 'sqrt': the epoch at which the decay ends; positive. */
  decayEpochs: {
    /** A real number of epochs. */
    kind: 'number',
  },
  /** Filter side w. */
  width: {
    /** A whole number of sites. */
    kind: 'integer',
    /** At least one. */
    min: 1,
  },
  // b = 1 is the identity map, for which y = ln λ / ln b is undefined.
  /** Stride and scale factor b of the block-spin map. */
  blockSize: {
    /** A whole number of sites. */
    kind: 'integer',
    /** At least two. */
    min: 2,
  },
  /** Keep the filter symmetric under the lattice's point group about the window centre. */
  symmetrize: {
    /** true or false. */
    kind: 'boolean',
  },
  /** Initial weights uniform in [−initScale, initScale]. */
  initScale: {
    /** A real number. */
    kind: 'number',
    /** Not negative. */
    min: 0,
  },
  /** Epochs whose filter is kept, comma-separated, e.g. '1,3,5,100' (default 1,3,5 and the last). */
  snapshotEpochs: {
    /** A comma-separated list, parsed by `readRbmTrainerOptions`. */
    kind: 'string',
  },
  /** Train on the first n configurations (default: all of them). */
  configurations: {
    /** A whole number of configurations. */
    kind: 'integer',
    /** At least one. */
    min: 1,
  },
  /** Implementation of the hot loops: 'wasm' (default) or 'js' (same bits). */
  kernel: {
    /** A kernel name. */
    kind: 'string',
    /** The kernels of `rbmKernels`. */
    choices: Object.keys(rbmKernels),
  },
} as const;

/** The options of trainer `rbm`, read (see `RBM_TRAINER_OPTIONS`). */
export type RbmTrainerSettings = ReturnType<typeof readRbmTrainerOptions>;

/** Reads the options of trainer `rbm` (UsageError naming the trainer and the key on a bad one). */
export function readRbmTrainerOptions(options: PluginOptions) {
  const s = readOptions(OWNER, options, RBM_TRAINER_OPTIONS);
  for (const key of ['learningRate', 'finalLearningRate', 'decayEpochs'] as const) {
    const v = s[key];
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) {
      throw new UsageError(`${OWNER}: ${key} must be a positive number, got ${v}`);
    }
  }
  return {
    ...s,
    /** The preset to start from. */
    preset: s.preset as RbmPresetId,
    /** Epochs whose filter is kept, 1-based, as given (undefined: 1, 3, 5 and the last). */
    snapshotEpochs: epochList(s.snapshotEpochs),
  };
}

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

/** The learning-rate schedule of the preset with the settings' overrides. */
function schedule(preset: RbmPresetId, s: RbmTrainerSettings, epochs: number): LearningRateSchedule {
  const base = rbmPresets[preset].schedule;
  const kind = s.schedule ?? (base.kind === 'constant' ? 'constant' : 'sqrt');
  const baseRate = base.kind === 'constant' ? base.rate : base.initial;
  if (kind === 'constant') {
    if (s.finalLearningRate !== undefined || s.decayEpochs !== undefined) {
      throw new UsageError(`${OWNER}: a final learning rate or decay epochs need the sqrt schedule`);
    }
    return { kind: 'constant', rate: s.learningRate ?? baseRate };
  }
  const initial = s.learningRate ?? baseRate;
  return {
    kind: 'sqrt-decay',
    initial,
    final: s.finalLearningRate ?? (base.kind === 'sqrt-decay' ? base.final : initial / 10),
    decayEpochs: s.decayEpochs ?? (base.kind === 'sqrt-decay' ? base.decayEpochs : epochs / 2),
  };
}

/**
 * `TrainOptions` for `trainRbm` of the trainer's options: the preset, then the overrides, for
 * `count` configurations (all of them unless `configurations` says fewer). Snapshot epochs past
 * the last one keep the last one. Values are checked by `resolveTrainOptions`.
 */
export function rbmTrainOptions(settings: RbmTrainerSettings, seed: number, count: number): TrainOptions {
  const s = settings;
  const preset = s.preset;
  const epochs = s.epochs ?? rbmPresets[preset].epochs;
  const touchesSchedule =
    s.schedule !== undefined ||
    s.learningRate !== undefined ||
    s.finalLearningRate !== undefined ||
    s.decayEpochs !== undefined;
  const snapshotEpochs = s.snapshotEpochs && [
    ...new Set(s.snapshotEpochs.map((e) => Math.min(e, epochs)).sort((a, b) => a - b)),
  ];
  return {
    preset,
    seed,
    ...(s.epochs !== undefined && { epochs: s.epochs }),
    ...(s.batchSize !== undefined && { batchSize: s.batchSize }),
    ...(s.cdSteps !== undefined && { cdSteps: s.cdSteps }),
    ...(s.persistent !== undefined && { persistent: s.persistent }),
    ...(s.width !== undefined && { width: s.width }),
    ...(s.blockSize !== undefined && { blockSize: s.blockSize }),
    ...(s.symmetrize !== undefined && { symmetrize: s.symmetrize }),
    ...(s.initScale !== undefined && { initScale: s.initScale }),
    ...(touchesSchedule && { schedule: schedule(preset, s, epochs) }),
    ...(snapshotEpochs && { snapshotEpochs }),
    configurations: s.configurations ?? count,
    ...(s.kernel !== undefined && { kernel: s.kernel as RbmKernelId }),
  };
}
