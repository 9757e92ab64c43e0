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
  preset: { kind: 'string', default: DEFAULT_RBM_PRESET, choices: Object.keys(rbmPresets) },
  epochs: { kind: 'integer', min: 1 },
  batchSize: { kind: 'integer', min: 1 },
  cdSteps: { kind: 'integer', min: 1 },
  persistent: { kind: 'boolean' },
  schedule: { kind: 'string', choices: ['constant', 'sqrt'] },
  learningRate: { kind: 'number' },
  finalLearningRate: { kind: 'number' },
  decayEpochs: { kind: 'number' },
  width: { kind: 'integer', min: 1 },
  // b = 1 is the identity map, for which y = ln λ / ln b is undefined.
  blockSize: { kind: 'integer', min: 2 },
  symmetrize: { kind: 'boolean' },
  initScale: { kind: 'number', min: 0 },
  snapshotEpochs: { kind: 'string' },
  configurations: { kind: 'integer', min: 1 },
  kernel: { kind: 'string', choices: Object.keys(rbmKernels) },
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
  return { ...s, preset: s.preset as RbmPresetId, snapshotEpochs: epochList(s.snapshotEpochs) };
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
