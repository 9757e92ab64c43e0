import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RsrgError, UsageError } from '@rsrg/core';
import type { Ensemble } from '@rsrg/mcrg';
import {
  type EpochInfo,
  type RbmTrainingMetadata,
  rbmProjectorCodec,
  type TrainOptions,
  type TrainResult,
  trainedProjectorFile,
} from '@rsrg/projectors';
import type { EvaluationPoint } from './evaluation.js';

/** What the training worker is given (structured-cloned). */
export interface TrainTask {
  /** Plugin modules of the registry (the worker rebuilds it to find the model's couplings). */
  readonly sources: readonly string[];
  /** The training configurations. */
  readonly data: Ensemble;
  /** How the data were made, recorded in the projector file. */
  readonly description: string;
  readonly options: TrainOptions;
  /**
   * Threads that run the CD chains of a minibatch, the training thread included
   * (`trainRbmParallel`; default: the available cores). The result does not depend on it.
   */
  readonly workers?: number;
  /** y_t every `every` steps (and after the last) on fresh configurations, with projector streams of `seed`. */
  readonly evaluation?: {
    readonly ensemble: Ensemble;
    readonly every: number;
    readonly seed: number;
    readonly bins?: number;
  };
}

/** Messages from the training worker. */
export type TrainMessage =
  | {
      readonly kind: 'start';
      readonly stepsPerEpoch: number;
      readonly totalSteps: number;
      readonly epochs: number;
    }
  | { readonly kind: 'epoch'; readonly info: EpochInfo }
  | { readonly kind: 'evaluation'; readonly point: EvaluationPoint }
  | { readonly kind: 'done'; readonly result: TrainResult; readonly evaluation: readonly EvaluationPoint[] }
  | {
      readonly kind: 'error';
      readonly message: string;
      readonly name: string;
      readonly exitCode: 1 | 2;
      readonly stack?: string;
    };

/** Observers of a training run. */
export interface TrainingHooks {
  onStart?(plan: { stepsPerEpoch: number; totalSteps: number; epochs: number }): void;
  onEpoch?(info: EpochInfo): void;
  onEvaluation?(point: EvaluationPoint): void;
  /** Stops the run: the worker is terminated and the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** A finished training: the trainer's result and the y_t evaluations along the way. */
export interface TrainingRun {
  readonly result: TrainResult;
  readonly evaluation: readonly EvaluationPoint[];
  readonly stepsPerEpoch: number;
  readonly seconds: number;
}

/** The built worker: dist/train-worker.js, also when this module runs from its TypeScript source. */
function workerFile(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(
    new URL(fromSource ? '../../dist/train-worker.js' : './train-worker.js', import.meta.url),
  );
  if (!existsSync(file)) {
    throw new RsrgError(`training needs the built @rsrg/cli (${file} is missing): run the build first`);
  }
  return file;
}

/**
 * Trains in a worker thread (see train-worker.ts), which spreads each minibatch over itself and
 * `task.workers − 1` more. The result is the same as `trainRbm` on this thread would give, for any
 * number of workers: the threads only move the computation. Stopping terminates the training
 * thread, and with it its workers.
 */
export function trainInWorker(task: TrainTask, hooks: TrainingHooks = {}): Promise<TrainingRun> {
  const { signal } = hooks;
  signal?.throwIfAborted();
  const started = performance.now();
  return new Promise<TrainingRun>((resolve, reject) => {
    const worker = new Worker(workerFile(), { workerData: task });
    let stepsPerEpoch = 1;
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      f();
    };
    const onAbort = () => finish(() => reject(signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: TrainMessage) => {
      if (settled) return;
      switch (m.kind) {
        case 'start':
          stepsPerEpoch = m.stepsPerEpoch;
          hooks.onStart?.(m);
          break;
        case 'epoch':
          hooks.onEpoch?.(m.info);
          break;
        case 'evaluation':
          hooks.onEvaluation?.(m.point);
          break;
        case 'done':
          finish(() =>
            resolve({
              result: m.result,
              evaluation: m.evaluation,
              stepsPerEpoch,
              seconds: (performance.now() - started) / 1000,
            }),
          );
          break;
        case 'error': {
          // Errors lose their class between threads: keep the message and the exit code.
          const err =
            m.exitCode === 2 ? new UsageError(m.message) : new RsrgError(`training failed: ${m.message}`);
          if (m.stack) err.stack = m.stack;
          finish(() => reject(err));
          break;
        }
      }
    });
    worker.on('error', (err) =>
      finish(() => reject(new RsrgError(`training worker failed: ${err.message}`))),
    );
    worker.on('exit', (code) =>
      finish(() => reject(new RsrgError(`training worker exited with code ${code} before finishing`))),
    );
  });
}

/** Training metadata of a projector file written by the CLI: the trainer's, plus the y_t evaluations. */
export type CliTrainingMetadata = RbmTrainingMetadata & { readonly evaluation: readonly EvaluationPoint[] };

/**
 * The projector file of a finished run (`rbmProjectorCodec`): the filter, the trainer's
 * metadata (options, data, per-epoch history) and, under `training.evaluation`, y_t along the way.
 */
export function trainedFileBytes(run: TrainingRun): Uint8Array {
  const file = trainedProjectorFile(run.result);
  const training: CliTrainingMetadata = { ...run.result.metadata, evaluation: run.evaluation };
  return rbmProjectorCodec.encode({ ...file, training });
}

/** How an ensemble was made, in one line (recorded as the training data's description). */
export function ensembleDescription(e: Ensemble): string {
  const h = e.header;
  return `${h.model} ${h.sizes.join('×')} at K = ${h.coupling}, sampler ${h.sampler}, interval ${h.interval}, thermalize ${h.thermalize}, seed ${h.seed}, ${e.count} configurations`;
}
