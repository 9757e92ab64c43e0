import { UsageError } from '@rsrg/core';
import type { RbmFilter } from './filter.js';
import type { RbmKernelId } from './kernel/types.js';
import { type AdamOptions, DEFAULT_ADAM, type LearningRateSchedule, validateSchedule } from './schedule.js';

/** Training settings; anything left out comes from the preset (default `chung-kao-2019`). */
export interface TrainOptions {
  /** Master seed: initial filter and shuffles use stream 0, batch slot s uses stream 1 + s. */
  readonly seed: number;
  /** The settings to start from (default 'chung-kao-2019'); every other field overrides one. */
  readonly preset?: RbmPresetId;
  /** Filter side w. */
  readonly width?: number;
  /** Stride and scale factor b. */
  readonly blockSize?: number;
  /** Passes over the training configurations. */
  readonly epochs?: number;
  /** Configurations per minibatch, i.e. per gradient update. */
  readonly batchSize?: number;
  /** Gibbs steps k of CD-k (visible updates per chain per update). */
  readonly cdSteps?: number;
  /** Persistent CD: one chain per batch slot, carried over between updates. */
  readonly persistent?: boolean;
  /** Learning rate η as a function of the epoch. */
  readonly schedule?: LearningRateSchedule;
  /** Adam's constants, each defaulting to the preset's. */
  readonly adam?: Partial<AdamOptions>;
  /** Initial weights uniform in [−initScale, initScale]. */
  readonly initScale?: number;
  /** Start from this filter instead (its geometry must match width/blockSize). */
  readonly initialFilter?: RbmFilter;
  /** Keep the filter symmetric under the point group about the window centre (see `symmetryOrbits`). */
  readonly symmetrize?: boolean;
  /** Use at most this many configurations of the data (the first ones). */
  readonly configurations?: number;
  /** Epochs (1-based, after the epoch) at which to keep a copy of the filter; default [1, 3, 5, last]. */
  readonly snapshotEpochs?: readonly number[];
  /** Configurations (the first ones) over which the per-epoch pseudo-log-likelihood is evaluated; 0 skips it. */
  readonly evaluationSize?: number;
  /**
   * Implementation of the hot loops (`rbmKernels`): 'wasm' (default) or 'js'. Not recorded:
   * both give the same result, bit for bit.
   */
  readonly kernel?: RbmKernelId;
}

/** A named set of training settings (see `rbmPresets`): the paper's, or its authors' public code's. */
export type RbmPresetId = 'chung-kao-2019' | 'nmcrg';

/** A fully specified, plain-data copy of the settings a training ran with (stored in projector files). */
export interface ResolvedTrainOptions {
  /** The preset the settings started from (overrides are in the other fields). */
  readonly preset: RbmPresetId;
  /** Master seed: initial filter and shuffles use stream 0, batch slot s uses stream 1 + s. */
  readonly seed: number;
  /** Filter side w. */
  readonly width: number;
  /** Stride and scale factor b. */
  readonly blockSize: number;
  /** Passes over the training configurations. */
  readonly epochs: number;
  /** Configurations per minibatch. */
  readonly batchSize: number;
  /** Gibbs steps k of CD-k. */
  readonly cdSteps: number;
  /** Whether the CD chains persisted between updates (PCD). */
  readonly persistent: boolean;
  /** The learning-rate schedule. */
  readonly schedule: LearningRateSchedule;
  /** Adam's constants. */
  readonly adam: AdamOptions;
  /** Initial weights were uniform in [−initScale, initScale] (unless `initialFilter` is 'given'). */
  readonly initScale: number;
  /** Whether training started from random weights or from a given filter. */
  readonly initialFilter: 'uniform' | 'given';
  /** Whether the filter was kept symmetric under the point group. */
  readonly symmetrize: boolean;
  /** The cap on training configurations; null: all of the data. */
  readonly configurations: number | null;
  /** Epochs after which a copy of the filter was kept (1-based, within 1..epochs). */
  readonly snapshotEpochs: readonly number[];
  /** Configurations the per-epoch pseudo-log-likelihood is evaluated on; 0: not evaluated. */
  readonly evaluationSize: number;
}

type PresetSettings = Omit<ResolvedTrainOptions, 'preset' | 'seed' | 'initialFilter' | 'snapshotEpochs'>;

/**
 * `chung-kao-2019`: the paper's settings (10⁴ configurations, minibatch 10, 50 epochs, Adam with
 * η = 1e-3 decaying as a square root to 1e-4 at epoch 25 then constant, CD-3, 8×8 filter,
 * b = 2, init uniform near zero). `nmcrg`: the authors' public code (minibatch 50, 100 epochs,
 * constant η = 1e-3), otherwise the same.
 */
export const rbmPresets: Readonly<Record<RbmPresetId, PresetSettings>> = Object.freeze({
  'chung-kao-2019': Object.freeze({
    width: 8,
    blockSize: 2,
    epochs: 50,
    batchSize: 10,
    cdSteps: 3,
    persistent: false,
    schedule: Object.freeze({ kind: 'sqrt-decay', initial: 1e-3, final: 1e-4, decayEpochs: 25 }),
    adam: DEFAULT_ADAM,
    initScale: 0.01,
    symmetrize: false,
    configurations: 10_000,
    evaluationSize: 16,
  }),
  nmcrg: Object.freeze({
    width: 8,
    blockSize: 2,
    epochs: 100,
    batchSize: 50,
    cdSteps: 3,
    persistent: false,
    schedule: Object.freeze({ kind: 'constant', rate: 1e-3 }),
    adam: DEFAULT_ADAM,
    initScale: 0.01,
    symmetrize: false,
    configurations: 10_000,
    evaluationSize: 16,
  }),
});

function positiveInteger(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new UsageError(`${name} must be a positive integer, got ${v}`);
  return v;
}

/** b = 1 is the identity map, for which y = ln λ / ln b is undefined. */
function atLeastTwo(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 2) throw new UsageError(`${name} must be an integer ≥ 2, got ${v}`);
  return v;
}

/** Options merged over their preset and checked; throws UsageError on a bad value. */
export function resolveTrainOptions(options: TrainOptions): ResolvedTrainOptions {
  const presetId = options.preset ?? 'chung-kao-2019';
  const preset = rbmPresets[presetId];
  if (!preset) {
    throw new UsageError(
      `unknown RBM training preset '${presetId}' (known: ${Object.keys(rbmPresets).join(', ')})`,
    );
  }
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) {
    throw new UsageError(`seed must be a non-negative integer, got ${options.seed}`);
  }
  const epochs = positiveInteger('epochs', options.epochs ?? preset.epochs);
  const schedule = options.schedule ?? preset.schedule;
  validateSchedule(schedule);
  const adam = { ...preset.adam, ...options.adam };
  if (!(adam.beta1 >= 0 && adam.beta1 < 1 && adam.beta2 >= 0 && adam.beta2 < 1 && adam.epsilon > 0)) {
    throw new UsageError(`Adam needs 0 ≤ β1, β2 < 1 and ε > 0, got ${JSON.stringify(adam)}`);
  }
  const initScale = options.initScale ?? preset.initScale;
  if (!(Number.isFinite(initScale) && initScale >= 0)) {
    throw new UsageError(`initScale must be ≥ 0, got ${initScale}`);
  }
  const configurations = options.configurations ?? preset.configurations;
  if (configurations !== null) positiveInteger('configurations', configurations);
  const evaluationSize = options.evaluationSize ?? preset.evaluationSize;
  if (!Number.isInteger(evaluationSize) || evaluationSize < 0) {
    throw new UsageError(`evaluationSize must be a non-negative integer, got ${evaluationSize}`);
  }
  const snapshots = options.snapshotEpochs ?? [1, 3, 5, epochs];
  for (const e of snapshots) {
    if (!Number.isInteger(e) || e < 1) throw new UsageError(`snapshot epochs are 1-based integers, got ${e}`);
  }
  return {
    preset: presetId,
    seed: options.seed,
    width: positiveInteger('filter width', options.width ?? preset.width),
    blockSize: atLeastTwo('block size', options.blockSize ?? preset.blockSize),
    epochs,
    batchSize: positiveInteger('batch size', options.batchSize ?? preset.batchSize),
    cdSteps: positiveInteger('CD steps', options.cdSteps ?? preset.cdSteps),
    persistent: options.persistent ?? preset.persistent,
    schedule: { ...schedule },
    adam,
    initScale,
    initialFilter: options.initialFilter ? 'given' : 'uniform',
    symmetrize: options.symmetrize ?? preset.symmetrize,
    configurations,
    snapshotEpochs: [...new Set(snapshots.filter((e) => e <= epochs))].sort((a, b) => a - b),
    evaluationSize,
  };
}
