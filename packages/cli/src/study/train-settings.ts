import { UsageError } from '@rsrg/core';
import type { LearningRateSchedule, RbmPresetId, TrainOptions } from '@rsrg/projectors';
import { rbmPresets } from '@rsrg/projectors';

/**
 * Overrides of an RBM training preset, as plain data: what `rsrg train` flags set and what a
 * study scale's `training` record holds (e.g. `{ epochs: 10, decayEpochs: 5 }`).
 *
 * - `schedule`: 'constant' (η = learningRate throughout) or 'sqrt' (η decays as a square root
 *   from learningRate to finalLearningRate at epoch decayEpochs, then stays there);
 * - `learningRate`, `finalLearningRate`, `decayEpochs`: the schedule's numbers; whatever is not
 *   given comes from the preset's schedule (a constant preset switched to 'sqrt' decays to a
 *   tenth of its rate over half the epochs);
 * - the rest map one to one onto `TrainOptions`.
 */
export interface TrainingSettings {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly cdSteps?: number;
  readonly persistent?: boolean;
  readonly schedule?: 'constant' | 'sqrt';
  readonly learningRate?: number;
  readonly finalLearningRate?: number;
  readonly decayEpochs?: number;
  readonly width?: number;
  readonly blockSize?: number;
  readonly symmetrize?: boolean;
  readonly initScale?: number;
}

const NUMBER_KEYS = [
  'epochs',
  'batchSize',
  'cdSteps',
  'learningRate',
  'finalLearningRate',
  'decayEpochs',
  'width',
  'blockSize',
  'initScale',
] as const;
const BOOLEAN_KEYS = ['persistent', 'symmetrize'] as const;
const KNOWN = [...NUMBER_KEYS, ...BOOLEAN_KEYS, 'schedule'];

/** The preset ids `rsrg train --preset` accepts. */
export function presetIds(): string[] {
  return Object.keys(rbmPresets);
}

/** Checks a preset id (UsageError listing the known ones). */
export function presetId(id: string): RbmPresetId {
  if (!Object.hasOwn(rbmPresets, id)) {
    throw new UsageError(`unknown RBM training preset '${id}' (known: ${presetIds().join(', ')})`);
  }
  return id as RbmPresetId;
}

/**
 * Settings from a loosely typed record (a study scale's `training`), checking each key and the
 * type of its value; `source` names the record in error messages.
 */
export function trainingSettings(
  record: Readonly<Record<string, number | string | boolean>> | undefined,
  source: string,
): TrainingSettings {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record ?? {})) {
    if (!KNOWN.includes(key)) {
      throw new UsageError(`${source}: unknown training setting '${key}' (known: ${KNOWN.join(', ')})`);
    }
    const wanted =
      key === 'schedule'
        ? 'string'
        : (BOOLEAN_KEYS as readonly string[]).includes(key)
          ? 'boolean'
          : 'number';
    if (typeof value !== wanted) {
      throw new UsageError(
        `${source}: training setting '${key}' must be a ${wanted}, got ${JSON.stringify(value)}`,
      );
    }
    if (key === 'schedule' && value !== 'constant' && value !== 'sqrt') {
      throw new UsageError(`${source}: schedule must be 'constant' or 'sqrt', got '${value}'`);
    }
    out[key] = value;
  }
  return out as TrainingSettings;
}

/** The learning-rate schedule of the preset with the settings' overrides. */
function schedule(preset: RbmPresetId, s: TrainingSettings, epochs: number): LearningRateSchedule {
  const base = rbmPresets[preset].schedule;
  const kind = s.schedule ?? (base.kind === 'constant' ? 'constant' : 'sqrt');
  const baseRate = base.kind === 'constant' ? base.rate : base.initial;
  if (kind === 'constant') {
    if (s.finalLearningRate !== undefined || s.decayEpochs !== undefined) {
      throw new UsageError('a final learning rate or decay epochs need the sqrt schedule');
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
 * `TrainOptions` for `trainRbm`: the preset, then the settings. Values are checked by
 * `trainRbm` itself (UsageError on a bad one).
 */
export function trainOptions(
  preset: RbmPresetId,
  settings: TrainingSettings,
  extra: { seed: number; snapshotEpochs?: readonly number[]; configurations?: number },
): TrainOptions {
  const epochs = settings.epochs ?? rbmPresets[preset].epochs;
  const touchesSchedule =
    settings.schedule !== undefined ||
    settings.learningRate !== undefined ||
    settings.finalLearningRate !== undefined ||
    settings.decayEpochs !== undefined;
  return {
    preset,
    seed: extra.seed,
    ...(settings.epochs !== undefined && { epochs: settings.epochs }),
    ...(settings.batchSize !== undefined && { batchSize: settings.batchSize }),
    ...(settings.cdSteps !== undefined && { cdSteps: settings.cdSteps }),
    ...(settings.persistent !== undefined && { persistent: settings.persistent }),
    ...(settings.width !== undefined && { width: settings.width }),
    ...(settings.blockSize !== undefined && { blockSize: settings.blockSize }),
    ...(settings.symmetrize !== undefined && { symmetrize: settings.symmetrize }),
    ...(settings.initScale !== undefined && { initScale: settings.initScale }),
    ...(touchesSchedule && { schedule: schedule(preset, settings, epochs) }),
    ...(extra.snapshotEpochs !== undefined && { snapshotEpochs: extra.snapshotEpochs }),
    ...(extra.configurations !== undefined && { configurations: extra.configurations }),
  };
}
