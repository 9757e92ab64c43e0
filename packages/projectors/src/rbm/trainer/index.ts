import { Worker } from 'node:worker_threads';
import {
  builtWorkerFile,
  type Lattice,
  type ProjectorParameters,
  type ProjectorSnapshot,
  type ProjectorTrainer,
  RsrgError,
  type TrainedProjector,
  type TrainerHooks,
  type TrainingCheckpoint,
  type TrainingEpoch,
  type TrainingPlan,
  TrainingStopped,
  UnsupportedError,
  UsageError,
} from '@rsrg/core';
import { rbmProjectorCodec } from '../codec.js';
import type { RbmFilter } from '../filter.js';
import { layoutUnsupported } from '../layout.js';
import { type ResolvedTrainOptions, resolveTrainOptions, type TrainOptions } from '../options.js';
import { rbmProjector } from '../projector.js';
import type { EpochInfo, RbmTrainingMetadata, TrainResult } from '../training.js';
import type { RbmTrainingMessage, RbmTrainingTask } from './protocol.js';
import { rbmTrainOptions, readRbmTrainerOptions } from './settings.js';

/** The built training thread: dist/rbm-trainer.js, also when this module runs from its TypeScript source. */
function trainingThreadFile(): string {
  return builtWorkerFile(import.meta.url, 'rbm-trainer', '../../../dist/');
}

/** The plan of resolved options on `count` configurations of `lattice` (the seed left out). */
function planOf(o: ResolvedTrainOptions, lattice: Lattice, count: number): TrainingPlan {
  if (!Number.isInteger(count) || count < 1) {
    throw new UsageError(`trainer 'rbm' needs at least one configuration, got ${count}`);
  }
  const reason = layoutUnsupported(lattice, {
    dimension: lattice.dimension,
    width: o.width,
    blockSize: o.blockSize,
  });
  if (reason) throw new UnsupportedError(`trainer 'rbm': ${reason}`);
  // A wider filter would wrap onto itself: its weights could not be told apart by the data.
  const side = Math.min(...lattice.sizes);
  if (o.width > side) {
    throw new UsageError(
      `trainer 'rbm': a filter of width ${o.width} is wider than the ${lattice.label} lattice it learns from (at most ${side})`,
    );
  }
  const n = Math.min(count, o.configurations ?? Number.POSITIVE_INFINITY);
  if (o.batchSize > n) {
    throw new UsageError(
      `trainer 'rbm': a minibatch of ${o.batchSize} is larger than the ${n} training configurations`,
    );
  }
  const stepsPerEpoch = Math.ceil(n / Math.min(o.batchSize, n));
  const { seed: _, ...options } = o;
  return { steps: stepsPerEpoch * o.epochs, stepsPerEpoch, epochs: o.epochs, options };
}

/** A filter as trainer parameters: the w^d weights, shape [w, …, w]. */
function parametersOf(filter: RbmFilter): ProjectorParameters {
  return {
    shape: Array.from({ length: filter.dimension }, () => filter.width),
    values: Array.from(filter.weights),
    attributes: { dimension: filter.dimension, width: filter.width, blockSize: filter.blockSize },
  };
}

function snapshotOf(filter: RbmFilter, step: number, stepsPerEpoch: number): ProjectorSnapshot {
  return {
    ...parametersOf(filter),
    step,
    epoch: step / stepsPerEpoch,
    file: rbmProjectorCodec.encode({ filter }),
  };
}

function epochOf(info: EpochInfo): TrainingEpoch {
  const { epoch, steps, seconds, ...metrics } = info;
  return { epoch, steps, seconds, metrics };
}

/**
 * Runs `trainRbmParallel` in a thread of its own (thread.ts), which spreads each minibatch over
 * itself and `workers − 1` more: the result is that of `trainRbm` on this thread, for any
 * number of workers. This thread only relays epochs and snapshots, so it stays free for
 * progress and Ctrl-C; stopping terminates the training thread, and with it its workers.
 */
function trainInThread(
  task: RbmTrainingTask,
  hooks: TrainerHooks,
  stepsPerEpoch: number,
): Promise<TrainResult> {
  const { signal } = hooks;
  signal?.throwIfAborted();
  return new Promise<TrainResult>((resolve, reject) => {
    const worker = new Worker(trainingThreadFile(), { workerData: task });
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      f();
    };
    const onAbort = () => finish(() => reject(signal?.reason));
    let last: TrainingCheckpoint | undefined;
    signal?.addEventListener('abort', onAbort, { once: true });
    const guard = (f: () => void) => {
      try {
        f();
      } catch (err) {
        finish(() => reject(err));
      }
    };
    worker.on('message', (m: RbmTrainingMessage) => {
      if (settled) return;
      switch (m.kind) {
        case 'epoch':
          guard(() => hooks.onEpoch?.(epochOf(m.info)));
          break;
        case 'snapshot':
          guard(() => hooks.onSnapshot?.(snapshotOf(m.filter, m.step, stepsPerEpoch)));
          break;
        case 'checkpoint':
          last = { trainer: 'rbm', step: m.step, state: m.state };
          guard(() => hooks.checkpoints?.onCheckpoint(last!));
          break;
        case 'stopped':
          finish(() => reject(new TrainingStopped(last)));
          break;
        case 'done':
          finish(() => resolve(m.result));
          break;
        case 'error':
          finish(() =>
            reject(RsrgError.revive(m.error, m.error.exitCode === 2 ? '' : 'RBM training failed: ')),
          );
          break;
      }
    });
    worker.on('error', (err) =>
      finish(() => reject(new RsrgError(`RBM training thread failed: ${err.message}`))),
    );
    worker.on('exit', (code) =>
      finish(() => reject(new RsrgError(`RBM training thread exited with code ${code} before finishing`))),
    );
  });
}

/** The options of a run as `trainRbm` takes them, and its plan. */
function prepare(
  options: Parameters<ProjectorTrainer['plan']>[0],
  lattice: Lattice,
  count: number,
  seed: number,
): { trainOptions: TrainOptions; plan: TrainingPlan } {
  const trainOptions = rbmTrainOptions(readRbmTrainerOptions(options), seed, count);
  return { trainOptions, plan: planOf(resolveTrainOptions(trainOptions), lattice, count) };
}

const schedule = (o: ResolvedTrainOptions['schedule']) =>
  o.kind === 'constant'
    ? `constant η = ${o.rate}`
    : `η = ${o.initial} decaying as a square root to ${o.final} at epoch ${o.decayEpochs}, then constant`;

/**
 * Trainer `rbm`: the RBM weight factor of Chung & Kao, trained by contrastive divergence with
 * Adam (`trainRbmParallel`, in a thread of its own) from a preset and overrides (see
 * `RBM_TRAINER_OPTIONS`). Its files are `rbm-projector` files (`rbmProjectorCodec`) that the
 * `rbm` projector reads as `weights`; their `training` record holds the resolved options, the
 * data, the per-epoch history and what the caller's `record` hook adds.
 */
export const rbmTrainer: ProjectorTrainer = {
  id: 'rbm',
  projector: 'rbm',
  description:
    'RBM weight factor of Chung & Kao: CD-k with Adam from a preset (nmcrg, chung-kao-2019) and overrides',
  resumable: true,
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
    hooks.signal?.throwIfAborted();
    hooks.onStart?.(plan);
    const every = hooks.snapshotEvery;
    if (hooks.onSnapshot && every !== undefined && (!Number.isInteger(every) || every < 1)) {
      throw new UsageError(`snapshotEvery must be a positive integer, got ${every}`);
    }
    const checkpoints = hooks.checkpoints;
    const resumeFrom = checkpoints?.resumeFrom;
    if (resumeFrom && resumeFrom.trainer !== 'rbm') {
      throw new UsageError(`trainer 'rbm' cannot resume a checkpoint of trainer '${resumeFrom.trainer}'`);
    }
    const result = await trainInThread(
      {
        sizes: [...data.lattice.sizes],
        configs: data.configurations,
        description: data.description,
        options: trainOptions,
        workers: run.workers,
        ...(hooks.onSnapshot && { snapshots: { every: every ?? plan.stepsPerEpoch, total: plan.steps } }),
        ...(checkpoints && {
          checkpoints: {
            requests: checkpoints.requests.buffer,
            ...(resumeFrom && { resumeFrom: resumeFrom.state }),
          },
        }),
      },
      hooks,
      plan.stepsPerEpoch,
    );
    const metadata: RbmTrainingMetadata & Readonly<Record<string, unknown>> = {
      ...result.metadata,
      ...(await hooks.record?.()),
    };
    return {
      file: rbmProjectorCodec.encode({ filter: result.filter, training: metadata }),
      plan,
      history: result.history.map(epochOf),
      snapshots: result.snapshots.map((s) =>
        snapshotOf(s.filter, s.epoch * plan.stepsPerEpoch, plan.stepsPerEpoch),
      ),
      parameters: parametersOf(result.filter),
      metadata,
    };
  },
  load(file) {
    return rbmProjector(rbmProjectorCodec.decode(file).filter);
  },
  describe(trained) {
    const o = trained.plan.options as unknown as ResolvedTrainOptions;
    const d = trained.parameters.shape.length;
    return [
      [
        'training',
        `preset \`${o.preset}\`: ${o.epochs} epochs × ${trained.plan.stepsPerEpoch} steps (minibatch ${o.batchSize}), CD-${o.cdSteps}${o.persistent ? ' (persistent)' : ''}, Adam, ${schedule(o.schedule)}`,
      ],
      [
        'filter',
        `${o.width}^${d} weights, stride b = ${o.blockSize}, initial weights uniform in ±${o.initScale}${o.symmetrize ? ', symmetrized' : ''}`,
      ],
    ];
  },
};
