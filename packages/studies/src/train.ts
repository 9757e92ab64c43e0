import {
  type CheckpointRequests,
  type PluginOptions,
  type ProjectorTrainer,
  type Registry,
  type TrainedProjector,
  type TrainingCheckpoint,
  type TrainingEpoch,
  type TrainingPlan,
  TrainingStopped,
  UsageError,
} from '@rsrg/core';
import type { Ensemble } from '@rsrg/mcrg';
import { trainingData } from './data.js';
import type { EvaluationPoint } from './evaluation.js';
import { Evaluator, type EvaluatorState } from './evaluator.js';

/** A training's checkpoint: the trainer's own state, and where the y_t evaluations stand. */
export interface TrainingRunCheckpoint {
  /** The trainer's checkpoint (`TrainerHooks.checkpoints`). */
  readonly trainer: TrainingCheckpoint;
  /** The evaluations done, and the snapshots handed out but not yet evaluated (evaluated on resume). */
  readonly evaluation: EvaluatorState;
}

/**
 * `trainProjector` stopped on a stop request after its last checkpoint: a resumable outcome,
 * not a failure.
 */
export class TrainingRunStopped extends TrainingStopped {
  constructor(
    /** The last checkpoint, where a resumed training continues. */
    readonly run: TrainingRunCheckpoint | undefined,
  ) {
    super(run?.trainer);
  }
}

/** What to train, on what, and where to follow y_t. */
export interface TrainProjectorOptions {
  /** Id of a registered trainer. */
  readonly trainer: string;
  /** The trainer's options (e.g. `{ epochs: 50, width: 4 }`); the trainer checks them. */
  readonly options?: PluginOptions;
  /** The training configurations. */
  readonly data: Ensemble;
  /** How the data were made, for the projector file (default: from the ensemble's header). */
  readonly description?: string;
  /** The trainer's master seed. */
  readonly seed: number;
  /** Threads the trainer may use (the result does not depend on it). */
  readonly workers: number;
  /**
   * y_t (N_r = 1, every N_c) of the projector every `every` training steps and after the last,
   * on the fresh configurations `ensemble`, with projector streams of `seed`.
   */
  readonly evaluation?: {
    /** The fresh configurations, independent of the training data. */
    readonly ensemble: Ensemble;
    /** Training steps between two evaluations. */
    readonly every: number;
    /** Seed of the projector's random streams (e.g. a stochastic projector's). */
    readonly seed: number;
    /** Jackknife bins per chain (default: the analyzer's). */
    readonly bins?: number;
  };
  /**
   * Checkpoints of a resumable trainer (`ProjectorTrainer.resumable`; others are refused):
   * asked for through `requests`, each handed to `onCheckpoint` with the evaluations so far.
   * With `resumeFrom` the training continues from that checkpoint; the outcome equals the
   * uninterrupted one's (wall times aside). A stop request ends in a `TrainingRunStopped`.
   */
  readonly checkpoints?: {
    /** The request word the trainer reads between updates. */
    readonly requests: CheckpointRequests;
    /** Receives each checkpoint, with the evaluations so far. */
    onCheckpoint(checkpoint: TrainingRunCheckpoint): void;
    /** The checkpoint to continue from. */
    readonly resumeFrom?: TrainingRunCheckpoint;
  };
}

/** Observers of a training. */
export interface TrainProjectorHooks {
  /** Called once before the first step, with the trainer's plan. */
  onStart?(plan: TrainingPlan): void;
  /** Called after every epoch with its diagnostics. */
  onEpoch?(epoch: TrainingEpoch): void;
  /** Called with each y_t evaluation as it is done, in step order. */
  onEvaluation?(point: EvaluationPoint): void;
  /** Stops the run: the training and evaluation threads end and the promise rejects with the reason. */
  readonly signal?: AbortSignal;
}

/** A finished training and the y_t evaluations along the way. */
export interface TrainingOutcome {
  /** The registered trainer that ran. */
  readonly trainer: ProjectorTrainer;
  /** Its result: the projector file, the plan, the per-epoch history and the snapshots. */
  readonly trained: TrainedProjector;
  /** The y_t evaluations in step order (empty without `evaluation`). */
  readonly evaluation: readonly EvaluationPoint[];
  /** Wall time of the training, evaluations included. */
  readonly seconds: number;
}

/**
 * Trains the projector of a registered trainer on an ensemble and, when asked, follows y_t on
 * fresh configurations in a thread of its own: each snapshot the trainer hands out is read back
 * with the trainer's `load` in a worker that rebuilds the registry from `registry.sources`, and
 * measured at N_r = 1 by `analyzeEnsemble`. The points go into the projector file's training
 * record as `evaluation` (through the trainer's `record` hook).
 *
 * @example
 * const { value: data } = readCodecFile('train.rsrg', ensembleCodec);
 * const { value: fresh } = readCodecFile('eval.rsrg', ensembleCodec);
 * const { trained, evaluation } = await trainProjector(registry, {
 *   trainer: 'rbm', options: { epochs: 50 }, data, seed: 1, workers: 4,
 *   evaluation: { ensemble: fresh, every: 500, seed: 2 },
 * });
 * writeFileAtomic('projector.rsrg', trained.file); // for the projector's `weights` option
 * for (const p of evaluation) console.log(p.step, p.y, p.error); // y_t at N_r = 1
 */
export async function trainProjector(
  registry: Registry,
  options: TrainProjectorOptions,
  hooks: TrainProjectorHooks = {},
): Promise<TrainingOutcome> {
  const started = performance.now();
  const trainer = registry.trainers.get(options.trainer);
  const data = trainingData(options.data, options.description, options.workers > 1);
  const trainerOptions = options.options ?? {};
  // A bad option fails here, before any thread starts.
  trainer.plan(trainerOptions, data);
  const checkpoints = options.checkpoints;
  if (checkpoints && !trainer.resumable) {
    throw new UsageError(`trainer '${trainer.id}' cannot checkpoint and resume its training`);
  }
  const ev = options.evaluation;
  let points: EvaluationPoint[] | undefined;
  const evaluations = async () => {
    points ??= evaluator ? await untilAborted(evaluator.finish(), hooks.signal) : [];
    return points;
  };
  const evaluator =
    ev &&
    new Evaluator(
      {
        sources: registry.sources,
        trainer: trainer.id,
        ensemble: ev.ensemble,
        seed: ev.seed,
        ...(ev.bins !== undefined && { bins: ev.bins }),
      },
      hooks.onEvaluation,
      checkpoints?.resumeFrom?.evaluation,
    );
  let last = checkpoints?.resumeFrom;
  try {
    const trained = await trainer
      .train(
        data,
        trainerOptions,
        { seed: options.seed, workers: options.workers, sources: registry.sources },
        {
          ...(hooks.onStart && { onStart: hooks.onStart }),
          ...(hooks.onEpoch && { onEpoch: hooks.onEpoch }),
          ...(evaluator &&
            ev && {
              snapshotEvery: ev.every,
              onSnapshot: (snapshot) => evaluator.submit(snapshot),
            }),
          record: async () => ({ evaluation: await evaluations() }),
          ...(hooks.signal && { signal: hooks.signal }),
          ...(checkpoints && {
            checkpoints: {
              requests: checkpoints.requests,
              ...(checkpoints.resumeFrom && { resumeFrom: checkpoints.resumeFrom.trainer }),
              onCheckpoint: (c) => {
                last = { trainer: c, evaluation: evaluator?.state() ?? { points: [], pending: [] } };
                checkpoints.onCheckpoint(last);
              },
            },
          }),
        },
      )
      .catch((err: unknown) => {
        throw err instanceof TrainingStopped ? new TrainingRunStopped(last) : err;
      });
    // A trainer that keeps no record has not asked for the points yet.
    const evaluation = await evaluations();
    return { trainer, trained, evaluation, seconds: (performance.now() - started) / 1000 };
  } finally {
    await evaluator?.close();
  }
}

/** `promise`, or a rejection with the signal's reason once it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
