import { Worker } from 'node:worker_threads';
import { builtWorkerFile, type ProjectorSnapshot, RsrgError } from '@rsrg/core';
import type { Ensemble } from '@rsrg/mcrg';
import type { EvaluationPoint } from './evaluation.js';

/** What the evaluation worker is started with. */
export interface EvaluateTask {
  /** Plugin modules of the registry, which the worker rebuilds. */
  readonly sources: readonly string[];
  /** Id of the trainer whose `load` reads the snapshots' files. */
  readonly trainer: string;
  /** The fresh configurations (their header names the model, whose even couplings are used). */
  readonly ensemble: Ensemble;
  /** Seed of the projector's random streams. */
  readonly seed: number;
  readonly bins?: number;
}

/** A snapshot to evaluate. */
export interface EvaluateRequest {
  /** The training step of the snapshot. */
  readonly step: number;
  /** That step in epochs. */
  readonly epoch: number;
  /** The snapshot's projector file (the trainer's `load` reads it). */
  readonly file: Uint8Array;
}

export type EvaluateMessage =
  | { readonly kind: 'point'; readonly point: EvaluationPoint }
  | { readonly kind: 'error'; readonly error: ReturnType<typeof RsrgError.toPlain> };

/** Where the evaluations stand: the points done, and the snapshots submitted but not yet evaluated. */
export interface EvaluatorState {
  /** The points, in step order. */
  readonly points: readonly EvaluationPoint[];
  /** The snapshots still to evaluate, in order. */
  readonly pending: readonly EvaluateRequest[];
}

/** The built evaluation worker: dist/evaluate-worker.js, also when this module runs from its TypeScript source. */
function evaluateWorkerFile(): string {
  return builtWorkerFile(import.meta.url, 'evaluate-worker', '../dist/');
}

/**
 * The evaluation thread seen from the training: `submit` hands it a snapshot and returns at
 * once; points come back in the order submitted and are passed to `onPoint` as they come;
 * `finish` waits for the last. A failed evaluation fails the training at its next `submit`,
 * or at `finish`.
 */
export class Evaluator {
  private readonly worker: Worker;
  private readonly points: EvaluationPoint[] = [];
  /** Every request submitted, in order; the first `points.length` are answered. */
  private readonly requests: EvaluateRequest[] = [];
  private failure: Error | undefined;
  private settle: (() => void) | undefined;

  /**
   * Starts the evaluation thread. `resumed` (a checkpoint's `state()`) gives the points done
   * before, passed to `onPoint` at once, and the requests they left unanswered, submitted again.
   */
  constructor(task: EvaluateTask, onPoint?: (point: EvaluationPoint) => void, resumed?: EvaluatorState) {
    this.worker = new Worker(evaluateWorkerFile(), { workerData: task });
    this.worker.on('message', (m: EvaluateMessage) => {
      if (m.kind === 'point') {
        this.points.push(m.point);
        onPoint?.(m.point);
      } else {
        this.failure ??= RsrgError.revive(m.error, m.error.exitCode === 2 ? '' : 'y_t evaluation failed: ');
      }
      this.check();
    });
    this.worker.on('error', (err) => {
      this.failure ??= new RsrgError(`evaluation worker failed: ${err.message}`);
      this.check();
    });
    this.worker.on('exit', (code) => {
      this.failure ??= new RsrgError(`evaluation worker exited with code ${code}`);
      this.check();
    });
    if (resumed) {
      for (const p of resumed.points) {
        this.points.push(p);
        this.requests.push({ step: p.step, epoch: p.epoch, file: new Uint8Array(0) });
        onPoint?.(p);
      }
      for (const r of resumed.pending) this.post(r);
    }
  }

  /** Hands a snapshot to the thread and returns at once. */
  submit(snapshot: ProjectorSnapshot): void {
    if (this.failure) throw this.failure;
    this.post({ step: snapshot.step, epoch: snapshot.epoch, file: snapshot.file });
  }

  private post(request: EvaluateRequest): void {
    this.worker.postMessage(request);
    this.requests.push(request);
  }

  /** The points so far and the snapshots not yet evaluated: what a checkpoint keeps. */
  state(): EvaluatorState {
    return { points: this.points.slice(), pending: this.requests.slice(this.points.length) };
  }

  /** Every point, once the last one submitted is in. */
  finish(): Promise<EvaluationPoint[]> {
    return new Promise((resolve, reject) => {
      this.settle = () => (this.failure ? reject(this.failure) : resolve(this.points));
      this.check();
    });
  }

  async close(): Promise<void> {
    this.failure ??= new RsrgError('evaluation worker closed');
    await this.worker.terminate();
  }

  private check(): void {
    if (this.settle && (this.failure || this.points.length === this.requests.length)) this.settle();
  }
}
