import { RsrgError } from './errors/index.js';
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
  /** The lattice of every configuration (the training size, which may be smaller than the measured one). */
  readonly lattice: Lattice;
  /** `count` configurations of `lattice.volume` spins each, one after the other. */
  readonly configurations: Int8Array;
  /** Number of configurations. */
  readonly count: number;
  /** How the data were made (model, coupling, sampler, seed…), recorded in the projector file. */
  readonly description: string;
  /** The registry id of the model the configurations come from, when known (e.g. for its coupling sets). */
  readonly model?: string;
}

/** What a trainer will do with its options on data of a given size, known before any sampling. */
export interface TrainingPlan {
  /** Parameter updates in all (minibatch steps, tuning iterations). */
  readonly steps: number;
  /** Updates per epoch (one pass over the data): the minibatches of an epoch. */
  readonly stepsPerEpoch: number;
  /** Passes over the training data. */
  readonly epochs: number;
  /** The options with every default filled in (the run's seed aside), as recorded in the projector file. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** The diagnostics of one epoch: `epoch` (1-based), `steps` done, and the trainer's own metrics. */
export interface TrainingEpoch {
  /** The epoch just finished, from 1. */
  readonly epoch: number;
  /** Updates done since the start, this epoch's included. */
  readonly steps: number;
  /** Wall time since the start of training. */
  readonly seconds: number;
  /** The trainer's diagnostics by key (see `ProjectorTrainer.metrics`); null where not computed. */
  readonly metrics: Readonly<Record<string, number | null>>;
}

/**
 * Trainable parameters as a tensor: `values` in row-major order of `shape` (e.g. a w×w filter,
 * or [1] for a tunable majority's weight), for figures and JSON.
 */
export interface ProjectorParameters {
  /** The tensor's shape, e.g. [w, w] for a w×w filter. */
  readonly shape: readonly number[];
  /** The parameters, row-major in `shape`. */
  readonly values: readonly number[];
  /**
   * Plain facts that give the values their meaning (e.g. an RBM filter's dimension, width and
   * block size), written beside them in JSON output.
   */
  readonly attributes?: Readonly<Record<string, number | string | boolean>>;
}

/** The parameters at one moment of a training; `file` is a complete projector file of them. */
export interface ProjectorSnapshot extends ProjectorParameters {
  /** Updates done. */
  readonly step: number;
  /** `step / stepsPerEpoch`: an integer at the end of an epoch, a fraction within one. */
  readonly epoch: number;
  /** A projector file of these parameters, which `ProjectorTrainer.load` reads (e.g. to measure y_t). */
  readonly file: Uint8Array;
}

/** Observers of a training run. */
export interface TrainerHooks {
  /** Called once before the first step, with the plan (steps, epochs, resolved options). */
  onStart?(plan: TrainingPlan): void;
  /** Called after every epoch with its diagnostics (e.g. for a progress line or a training curve). */
  onEpoch?(epoch: TrainingEpoch): void;
  /**
   * Called with the projector after every `snapshotEvery` steps and after the last one, e.g. to
   * measure y_t as training goes on; the trainer does not wait for what the observer does.
   */
  onSnapshot?(snapshot: ProjectorSnapshot): void;
  /** Steps between two `onSnapshot` calls (absent: the trainer's choice, e.g. once per epoch). */
  readonly snapshotEvery?: number;
  /**
   * Called once after the last step: what it returns is added to the training record that the
   * projector file keeps (e.g. the observer's y_t along the way). The trainer awaits it before
   * it writes the file.
   */
  record?(): Readonly<Record<string, unknown>> | Promise<Readonly<Record<string, unknown>>>;
  /** Stops the run: `train` rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Checkpoints of a resumable trainer (`ProjectorTrainer.resumable`); a trainer that is not
   * resumable refuses them. With them the trainer reads `requests` between two updates, hands
   * its state to `onCheckpoint` when asked, and continues from `resumeFrom` when given.
   */
  readonly checkpoints?: TrainingCheckpoints;
}

/**
 * A resumable trainer's state between two updates: everything `train` needs to continue as if
 * it had never stopped (e.g. the weights, the optimizer's moments, the RNG states, the
 * position in the epoch, the history and snapshots so far).
 */
export interface TrainingCheckpoint {
  /** The trainer that wrote it (its registry id). */
  readonly trainer: string;
  /** Updates done. */
  readonly step: number;
  /** The state in the trainer's own format; callers store it and hand it back unchanged. */
  readonly state: Uint8Array;
}

/** How a caller asks a resumable trainer for checkpoints, and where it resumes. */
export interface TrainingCheckpoints {
  /** Continue from this checkpoint (written with the same data, options and seed), not from the start. */
  readonly resumeFrom?: TrainingCheckpoint;
  /** The request word the trainer reads between updates (it may read it from another thread). */
  readonly requests: CheckpointRequests;
  /**
   * Receives each checkpoint asked for, in step order, after every `onEpoch` and `onSnapshot`
   * of the steps it holds; the trainer does not wait for what it does.
   */
  onCheckpoint(checkpoint: TrainingCheckpoint): void;
}

const NO_REQUEST = 0;
const CHECKPOINT = 1;
const STOP = 2;

/**
 * A request word in shared memory, so that a trainer in a worker thread reads it between two
 * updates without a message: `checkpoint()` asks for one checkpoint, `stop()` for a last one
 * and a stop (`train` then rejects with `TrainingStopped`). The trainer calls `take()`.
 *
 * @example
 * const requests = new CheckpointRequests();
 * setInterval(() => requests.checkpoint(), 60_000);
 * process.on('SIGTERM', () => requests.stop());
 */
export class CheckpointRequests {
  private readonly word: Int32Array;

  /** The shared memory of the word: hand it to another thread, which wraps it in a `CheckpointRequests`. */
  readonly buffer: SharedArrayBuffer;

  /** A new request word, or a view of `buffer` (the word of another thread's `CheckpointRequests`). */
  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.buffer = buffer;
    this.word = new Int32Array(buffer, 0, 1);
  }

  /** Asks for one checkpoint (unless a stop is asked already). */
  checkpoint(): void {
    Atomics.compareExchange(this.word, 0, NO_REQUEST, CHECKPOINT);
  }

  /** Asks for a last checkpoint, then a stop. */
  stop(): void {
    Atomics.store(this.word, 0, STOP);
  }

  /** Whether a stop was asked. */
  get stopping(): boolean {
    return Atomics.load(this.word, 0) === STOP;
  }

  /**
   * The trainer's side: what is asked now ('checkpoint' is taken, a 'stop' stays asked), or
   * undefined when nothing is.
   */
  take(): 'checkpoint' | 'stop' | undefined {
    const r = Atomics.compareExchange(this.word, 0, CHECKPOINT, NO_REQUEST);
    return r === CHECKPOINT ? 'checkpoint' : r === STOP ? 'stop' : undefined;
  }
}

/**
 * `train` stopped on `CheckpointRequests.stop()`, after handing its last checkpoint to
 * `onCheckpoint`: a resumable outcome, not a failure (a caller resumes from that checkpoint).
 */
export class TrainingStopped extends RsrgError {
  constructor(
    /** The last checkpoint, where a resumed training continues. */
    readonly checkpoint?: TrainingCheckpoint,
  ) {
    super(
      `training stopped on request${checkpoint ? ` after ${checkpoint.step} updates (checkpointed)` : ''}`,
    );
  }
}

/** A finished training. */
export interface TrainedProjector {
  /** The projector file: what the factory of `trainer.projector` reads as its `weights` option. */
  readonly file: Uint8Array;
  /** The plan the training followed, its options resolved. */
  readonly plan: TrainingPlan;
  /** The diagnostics of every epoch, in order. */
  readonly history: readonly TrainingEpoch[];
  /** Snapshots at the epochs the options asked for (e.g. 1, 3, 5 and the last). */
  readonly snapshots: readonly ProjectorSnapshot[];
  /** The final parameters. */
  readonly parameters: ProjectorParameters;
  /** The trainer's own record of the run (resolved options, data, steps), as the file keeps it. */
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

/** How reports show one per-epoch metric of a trainer. */
export interface TrainingMetric {
  /** Key in `TrainingEpoch.metrics`. */
  readonly key: string;
  /** Column title, e.g. 'reconstruction error'. */
  readonly label: string;
  /** Short name for one-line progress, e.g. 'recon' (default: the label). */
  readonly symbol?: string;
  /** How the value is written: fixed-point, or exponential for values that span decades. */
  readonly notation: 'fixed' | 'exponential';
  /** Digits after the point. */
  readonly digits: number;
}

/**
 * A projector that learns its parameters from configurations.
 *
 * @example
 * registry.trainers.add({
 *   id: 'tunable-majority',
 *   projector: 'tunable-majority',
 *   description: 'tunable majority, w chosen on a grid',
 *   plan: (options, data) => ({ steps: 10, stepsPerEpoch: 10, epochs: 1, options }),
 *   train: async (data, options, run, hooks) => …,
 *   load: (bytes) => …,
 * });
 */
export interface ProjectorTrainer {
  /** Registry id, used by `rsrg train --trainer` and a study's `training.trainer`. */
  readonly id: string;
  /** Id of the projector factory that reads the trained files (`{ weights: <path> }`). */
  readonly projector: string;
  /** One line on what it trains and how. */
  readonly description: string;
  /** The per-epoch metrics, in the order reports show them (default: none shown). */
  readonly metrics?: readonly TrainingMetric[];
  /**
   * Whether `train` honours `hooks.checkpoints`: checkpoints on request and resumes from one,
   * so that the resumed training's file equals the uninterrupted one's (wall times aside).
   * Absent: not resumable (`rsrg train --run-dir` refuses it).
   */
  readonly resumable?: boolean;
  /** Checks the options (UsageError on a bad one) for `count` configurations of `lattice`. */
  plan(options: PluginOptions, data: { readonly lattice: Lattice; readonly count: number }): TrainingPlan;
  /**
   * Learns the parameters from `data` and returns the projector file. Must depend only on the
   * data, the options and `run.seed` (not on `run.workers`); rejects when `hooks.signal` aborts.
   */
  train(
    data: TrainingData,
    options: PluginOptions,
    run: TrainingRun,
    hooks?: TrainerHooks,
  ): Promise<TrainedProjector>;
  /** The projector of a file's bytes (a snapshot's or the final one), without the filesystem. */
  load(file: Uint8Array): Projector | Promise<Projector>;
  /**
   * What a report says about a finished training, as (label, text) rows, e.g.
   * ['training', '100 epochs × 80 steps, minibatch 50, CD-3'] (default: none).
   */
  describe?(trained: TrainedProjector): readonly (readonly [string, string])[];
}
