import { Worker } from 'node:worker_threads';
import { builtWorkerFile, type Projector, RsrgError, UsageError } from '@rsrg/core';
import { type Accumulator, mergeAccumulators } from '@rsrg/mcrg';
import type { LinearFieldRule } from './linear-field.js';
import type {
  ObjectiveSector,
  RgConvergenceObjective,
  RgObjectiveValue,
  SectorLossWithGradient,
} from './objective.js';
import type {
  ObjectiveReply,
  ObjectiveRequest,
  ObjectiveWorkerSetup,
  SharedConfigurations,
} from './objective-protocol.js';
import type { StoredConfigurations } from './reblocking.js';
import { type BlockRuleData, projectorData } from './rule-data.js';

/**
 * The RG-convergence objective as a trainer evaluates it: on this thread, or with its bins on
 * worker threads; the values are the same bit for bit. `close` ends the threads.
 */
export interface ObjectiveEvaluator {
  /** The objective (its options, and the analysis of the summed bins). */
  readonly objective: RgConvergenceObjective;
  /** Worker threads summing the bins (0: this thread does). */
  readonly threads: number;
  /** `RgConvergenceObjective.evaluate`. */
  evaluate(projector: Projector): Promise<RgObjectiveValue>;
  /** `RgConvergenceObjective.evaluateWithGradient`. */
  evaluateWithGradient(rule: LinearFieldRule, sector: ObjectiveSector): Promise<SectorLossWithGradient>;
  /** Ends the worker threads (nothing to do on this thread); evaluations still pending reject. */
  close(): Promise<void>;
}

/**
 * The evaluator of `objective` on `workers` threads: with 1 (or fewer) the objective itself on
 * this thread, as without threads; with more, `ObjectiveThreads` on min(workers, bins) threads.
 * `signal` makes a pending evaluation reject with its reason.
 */
export function objectiveEvaluator(
  objective: RgConvergenceObjective,
  workers: number,
  signal?: AbortSignal,
): ObjectiveEvaluator {
  if (!Number.isInteger(workers) || workers < 1)
    throw new UsageError(`workers must be a positive integer, got ${workers}`);
  if (workers === 1) {
    return {
      objective,
      threads: 0,
      evaluate: async (projector) => {
        signal?.throwIfAborted();
        return objective.evaluate(projector);
      },
      evaluateWithGradient: async (rule, sector) => {
        signal?.throwIfAborted();
        return objective.evaluateWithGradient(rule, sector);
      },
      close: async () => {},
    };
  }
  return new ObjectiveThreads(objective, workers, signal);
}

/** Configurations whose spins lie in a SharedArrayBuffer: `data` itself when they already do, else a copy made once. */
export function sharedConfigurations(data: StoredConfigurations): StoredConfigurations {
  if (data.configurations.buffer instanceof SharedArrayBuffer) return data;
  const configurations = new Int8Array(new SharedArrayBuffer(data.configurations.length));
  configurations.set(data.configurations);
  return { lattice: data.lattice, configurations, count: data.count };
}

function crossing(data: StoredConfigurations): SharedConfigurations {
  const { lattice, configurations, count } = sharedConfigurations(data);
  return { sizes: lattice.sizes, configurations, count };
}

/** One evaluation in flight: the replies so far, in worker order. */
interface Pending {
  readonly replies: (ObjectiveReply & { kind: 'sums' })[];
  left: number;
  readonly resolve: (replies: (ObjectiveReply & { kind: 'sums' })[]) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * The bins of an RG-convergence objective on worker threads (dist/objective-worker.js). Worker
 * w owns the consecutive bins ⌊w·bins/W⌋ … ⌊(w+1)·bins/W⌋ − 1 for good: it sums each of them
 * whole, in configuration order with the bin's own projecting stream, and keeps their level-0
 * sums. The configurations are shared (SharedArrayBuffer, copied once if they are not already);
 * an evaluation sends only the rule's data (`BlockRuleData`). This thread merges the bins'
 * sums in bin order and analyzes them as `RgConvergenceObjective` does, so every loss,
 * exponent, gradient and error is that of one thread bit for bit. A projector that is neither
 * stochastic majority nor RBM is evaluated on this thread.
 */
export class ObjectiveThreads implements ObjectiveEvaluator {
  /** The objective (its options, and the analysis of the summed bins). */
  readonly objective: RgConvergenceObjective;
  /** Worker threads. */
  readonly threads: number;
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort = () => this.fail(this.signal?.reason);

  /**
   * Starts min(`workers`, bins) threads.
   * @param objective the objective whose bins they sum
   * @param workers threads wanted
   * @param signal makes a pending evaluation reject with its reason
   */
  constructor(objective: RgConvergenceObjective, workers: number, signal?: AbortSignal) {
    signal?.throwIfAborted();
    this.objective = objective;
    this.signal = signal;
    const bins = objective.main.bins;
    const W = Math.min(workers, bins);
    this.threads = W;
    const file = builtWorkerFile(import.meta.url, 'objective-worker', '../dist/');
    const main = crossing(objective.main.data);
    const other = objective.other && crossing(objective.other.data);
    const options = objective.options;
    this.workers = [];
    for (let w = 0; w < W; w++) {
      const setup: ObjectiveWorkerSetup = {
        main,
        ...(other && { other }),
        options,
        first: Math.floor((w * bins) / W),
        end: Math.floor(((w + 1) * bins) / W),
      };
      let worker: Worker;
      try {
        worker = new Worker(file, { workerData: setup });
      } catch (err) {
        // Those already started must not keep the process alive.
        this.closing = true;
        for (const started of this.workers) void started.terminate();
        throw err;
      }
      this.workers.push(worker);
      worker.on('message', (m: ObjectiveReply) => this.receive(w, m));
      worker.on('error', (err) => this.fail(new RsrgError(`objective worker ${w} failed: ${err.message}`)));
      worker.on('exit', (code) => {
        if (!this.closing) this.fail(new RsrgError(`objective worker ${w} exited (code ${code})`));
      });
    }
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private receive(w: number, m: ObjectiveReply): void {
    const p = this.pending.get(m.id);
    if (!p) return; // an evaluation already failed or aborted
    if (m.kind === 'error') {
      this.pending.delete(m.id);
      p.reject(RsrgError.revive(m.error, m.error.exitCode === 2 ? '' : `objective worker ${w}: `));
      return;
    }
    p.replies[w] = m;
    if (--p.left === 0) {
      this.pending.delete(m.id);
      p.resolve(p.replies);
    }
  }

  /** Rejects every pending evaluation with `err`, and every later one. */
  private fail(err: unknown): void {
    this.failure ??= err instanceof Error ? err : new RsrgError(String(err));
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }

  /** The sums of every worker's bins for `rule`, in worker (so bin) order. */
  private sums(
    rule: BlockRuleData,
    gradient?: ObjectiveSector,
  ): Promise<(ObjectiveReply & { kind: 'sums' })[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { replies: [], left: this.workers.length, resolve, reject });
      const request: ObjectiveRequest = { id, rule, ...(gradient !== undefined && { gradient }) };
      for (const worker of this.workers) worker.postMessage(request);
    });
  }

  /** The value from the workers' replies: their accumulators merged in bin order, then analyzed. */
  private valueOf(replies: readonly (ObjectiveReply & { kind: 'sums' })[]): RgObjectiveValue {
    const main = mergeAccumulators(replies.map((r) => r.main));
    const other = this.objective.other && mergeAccumulators(replies.map((r) => r.other as Accumulator));
    return this.objective.valueOf(main, other);
  }

  /** `RgConvergenceObjective.evaluate`, the bins summed on the worker threads. */
  async evaluate(projector: Projector): Promise<RgObjectiveValue> {
    this.signal?.throwIfAborted();
    const data = projectorData(projector);
    if (data === undefined) return this.objective.evaluate(projector);
    return this.valueOf(await this.sums(data));
  }

  /** `RgConvergenceObjective.evaluateWithGradient`, the bins summed on the worker threads. */
  async evaluateWithGradient(
    rule: LinearFieldRule,
    sector: ObjectiveSector,
  ): Promise<SectorLossWithGradient> {
    this.signal?.throwIfAborted();
    const replies = await this.sums(rule.data, sector);
    const value = this.valueOf(replies);
    const P = rule.theta.length;
    const gradients = (which: 'main' | 'other') => {
      const rows = replies.map((r) => (which === 'main' ? r.gradients?.main : r.gradients?.other) ?? []);
      const sums = rows[0].map((_, n) => {
        const all = new Float64Array(rows.reduce((s, r) => s + r[n].length, 0));
        let at = 0;
        for (const r of rows) {
          all.set(r[n], at);
          at += r[n].length;
        }
        return all;
      });
      return this.objective.exponentGradients(which, sector).estimates(sums, P);
    };
    const main = gradients('main');
    const other = this.objective.other && gradients('other');
    return this.objective.withGradient(value, sector, main, other);
  }

  /** Ends the worker threads; evaluations still pending reject. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.fail(new RsrgError('the objective threads were closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
