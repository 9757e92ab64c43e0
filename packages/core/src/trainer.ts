import type { Lattice } from './lattice.js';
import type { PluginOptions } from './options.js';
import type { Projector } from './projector.js';

/**
 * The trainable-projector interface: options → `train(data, hooks)` → a projector file, with a
 * history and snapshots. A study runner drives any registered trainer the same way, so a new
 * learned or tuned projector (an RBM, a tunable majority tuned by a grid search, an RSMI filter)
 * enters studies, `rsrg train` and `rsrg reproduce` by registering a `ProjectorTrainer`.
 */

/** The configurations a trainer learns from. */
export interface TrainingData {
  readonly lattice: Lattice;
  /** `count` configurations of `lattice.volume` spins each, one after the other. */
  readonly configurations: Int8Array;
  readonly count: number;
  /** How the data were made (model, coupling, sampler, seed…), recorded in the projector file. */
  readonly description: string;
}

/** What a trainer will do with its options on data of a given size, known before any sampling. */
export interface TrainingPlan {
  /** Parameter updates in all (minibatch steps, tuning iterations). */
  readonly steps: number;
  readonly stepsPerEpoch: number;
  readonly epochs: number;
  /** The options with every default filled in, as recorded in the projector file. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** The diagnostics of one epoch: `epoch` (1-based), `steps` done, and the trainer's own metrics. */
export interface TrainingEpoch {
  readonly epoch: number;
  readonly steps: number;
  readonly seconds: number;
  readonly metrics: Readonly<Record<string, number | null>>;
}

/**
 * The trainable parameters at one moment, as a tensor (e.g. a w×w filter, or [w] for a tunable
 * majority), for figures; `file` is a complete projector file of those parameters.
 */
export interface ProjectorSnapshot {
  readonly step: number;
  readonly epoch: number;
  readonly shape: readonly number[];
  readonly values: readonly number[];
  readonly file: Uint8Array;
}

/** Observers of a training run. */
export interface TrainerHooks {
  onStart?(plan: TrainingPlan): void;
  onEpoch?(epoch: TrainingEpoch): void;
  /**
   * Called with the projector after every `snapshotEvery` steps and after the last one, e.g. to
   * measure y_t as training goes on; the trainer does not wait for what the observer does.
   */
  onSnapshot?(snapshot: ProjectorSnapshot): void;
  readonly snapshotEvery?: number;
  /** Stops the run: `train` rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** A finished training. */
export interface TrainedProjector {
  /** The projector file: what the factory of `trainer.projector` reads as its `weights` option. */
  readonly file: Uint8Array;
  readonly plan: TrainingPlan;
  readonly history: readonly TrainingEpoch[];
  /** Snapshots at the epochs the options asked for (e.g. 1, 3, 5 and the last). */
  readonly snapshots: readonly ProjectorSnapshot[];
  /** The final parameters, as in a snapshot. */
  readonly parameters: { readonly shape: readonly number[]; readonly values: readonly number[] };
  /** The trainer's own record of the run (resolved options, data, steps), for reports and JSON. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Run-level settings every trainer receives beside its own options. */
export interface TrainingRun {
  /** Master seed of the training's random streams. */
  readonly seed: number;
  /** Threads a trainer may use; the result must not depend on it. */
  readonly workers: number;
  /** Module URLs of the registry's plugins, for trainers that rebuild it in a worker thread. */
  readonly sources: readonly string[];
}

/**
 * A projector that learns its parameters from configurations.
 *
 * @example
 * registry.trainers.add({
 *   id: 'tunable-majority-grid',
 *   projector: 'tunable-majority',
 *   description: 'tunable majority, w chosen on a grid',
 *   plan: (options, data) => ({ steps: 10, stepsPerEpoch: 10, epochs: 1, options }),
 *   train: async (data, options, run, hooks) => …,
 *   load: (bytes) => …,
 * });
 */
export interface ProjectorTrainer {
  readonly id: string;
  /** Id of the projector factory that reads the trained files (`{ weights: <path> }`). */
  readonly projector: string;
  readonly description: string;
  /** Checks the options (UsageError on a bad one) for `count` configurations of `lattice`. */
  plan(options: PluginOptions, data: { readonly lattice: Lattice; readonly count: number }): TrainingPlan;
  train(
    data: TrainingData,
    options: PluginOptions,
    run: TrainingRun,
    hooks?: TrainerHooks,
  ): Promise<TrainedProjector>;
  /** The projector of a file's bytes (a snapshot's or the final one), without the filesystem. */
  load(file: Uint8Array): Projector | Promise<Projector>;
}
