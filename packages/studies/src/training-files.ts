/**
 * The files of a resumable training: its checkpoints (the trainer's state and the y_t
 * evaluations so far) and its finished outcome, which a resumed study reads instead of
 * training again.
 */
import {
  type Codec,
  defineCodec,
  type ProjectorTrainer,
  type Registry,
  type TrainedProjector,
} from '@rsrg/core';
import type { EvaluationPoint } from './evaluation.js';
import type { EvaluateRequest } from './evaluator.js';
import type { TrainingOutcome, TrainingRunCheckpoint } from './train.js';

function isMap(d: unknown): d is Record<string, unknown> {
  return typeof d === 'object' && d !== null && !Array.isArray(d) && !ArrayBuffer.isView(d);
}

/** A copy without `undefined` fields (msgpack would write them as nil, JSON leaves them out). */
function plain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(plain) as T;
  if (!isMap(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v);
  return out as T;
}

function bytes(d: unknown, what: string): Uint8Array {
  if (!(d instanceof Uint8Array)) throw new Error(`${what} is not bytes`);
  return d.slice();
}

function request(d: unknown): EvaluateRequest {
  if (!isMap(d) || typeof d.step !== 'number' || typeof d.epoch !== 'number') {
    throw new Error('a pending evaluation is not a map with step and epoch');
  }
  return { step: d.step, epoch: d.epoch, file: bytes(d.file, 'a pending evaluation file') };
}

/** Checkpoint files of a training (kind `training-checkpoint`). */
export const trainingCheckpointCodec: Codec<TrainingRunCheckpoint> = defineCodec<TrainingRunCheckpoint>({
  kind: 'training-checkpoint',
  version: 1,
  toData: (c) => ({
    trainer: { trainer: c.trainer.trainer, step: c.trainer.step, state: c.trainer.state },
    evaluation: {
      points: plain(c.evaluation.points),
      pending: c.evaluation.pending.map((r) => ({ step: r.step, epoch: r.epoch, file: r.file })),
    },
  }),
  fromData: (d) => {
    if (!isMap(d) || !isMap(d.trainer) || !isMap(d.evaluation)) throw new Error('data is not a map');
    const t = d.trainer;
    if (typeof t.trainer !== 'string' || typeof t.step !== 'number') {
      throw new Error("field 'trainer' has no trainer id or step");
    }
    const { points, pending } = d.evaluation;
    if (!Array.isArray(points) || !Array.isArray(pending)) throw new Error("field 'evaluation' is malformed");
    return {
      trainer: { trainer: t.trainer, step: t.step, state: bytes(t.state, "the trainer's state") },
      evaluation: { points: points as EvaluationPoint[], pending: pending.map(request) },
    };
  },
});

/** A finished training as a study keeps it: the trainer's result and the y_t evaluations. */
export interface StoredTraining {
  /** The trainer's result. */
  readonly trained: TrainedProjector;
  /** The y_t evaluations, in step order. */
  readonly evaluation: readonly EvaluationPoint[];
  /** Wall time of the training, over every session. */
  readonly seconds: number;
}

/** Finished-training files (kind `trained-projector`): what a resumed study reads instead of training. */
export const storedTrainingCodec: Codec<StoredTraining> = defineCodec<StoredTraining>({
  kind: 'trained-projector',
  version: 1,
  toData: ({ trained, evaluation, seconds }) => ({
    trained: {
      file: trained.file,
      plan: plain(trained.plan),
      history: plain(trained.history),
      snapshots: trained.snapshots.map((s) => ({ ...plain({ ...s, file: undefined }), file: s.file })),
      parameters: plain(trained.parameters),
      metadata: plain(trained.metadata),
    },
    evaluation: plain(evaluation),
    seconds,
  }),
  fromData: (d) => {
    if (!isMap(d) || !isMap(d.trained)) throw new Error('data is not a map');
    const t = d.trained;
    if (!isMap(t.plan) || !Array.isArray(t.history) || !Array.isArray(t.snapshots)) {
      throw new Error("field 'trained' is malformed");
    }
    if (!isMap(t.parameters) || !isMap(t.metadata) || !Array.isArray(d.evaluation)) {
      throw new Error("field 'trained' is malformed");
    }
    if (typeof d.seconds !== 'number') throw new Error("field 'seconds' is not a number");
    return {
      trained: {
        file: bytes(t.file, 'the projector file'),
        plan: t.plan as unknown as TrainedProjector['plan'],
        history: t.history as TrainedProjector['history'],
        snapshots: t.snapshots.map((s: unknown) => {
          if (!isMap(s)) throw new Error('a snapshot is not a map');
          return {
            ...(s as object),
            file: bytes(s.file, 'a snapshot file'),
          } as TrainedProjector['snapshots'][number];
        }),
        parameters: t.parameters as unknown as TrainedProjector['parameters'],
        metadata: t.metadata,
      },
      evaluation: d.evaluation as EvaluationPoint[],
      seconds: d.seconds,
    };
  },
});

/** A stored training as the outcome `trainProjector` returns (the trainer looked up in `registry`). */
export function storedOutcome(registry: Registry, trainer: string, stored: StoredTraining): TrainingOutcome {
  const t: ProjectorTrainer = registry.trainers.get(trainer);
  return { trainer: t, trained: stored.trained, evaluation: stored.evaluation, seconds: stored.seconds };
}
