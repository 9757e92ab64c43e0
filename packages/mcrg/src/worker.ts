/**
 * The piscina entry of the chain pool (built to dist/worker.js): rebuilds the registry and the
 * setup from a task, runs one chain and moves its typed arrays back.
 */
import { Registry, RsrgError } from '@rsrg/core';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { accumulatorBuffers } from './accumulator.js';
import {
  driveChain,
  driveEnsembleChain,
  measureConfigurations,
  runChain,
  sampleEnsembleChain,
} from './chain.js';
import type { McrgSetup, SamplingSetup } from './config/types.js';
import { prepareMcrg, prepareSampling } from './config/validate.js';
import type {
  ChainFailure,
  ChainMessage,
  ChainOutcome,
  ChainPhase,
  ChainResult,
  ChainSnapshot,
  EnsembleChain,
  EnsembleOutcome,
  EnsembleSnapshot,
  WorkerTask,
} from './protocol.js';

// A worker runs several chains of one run: rebuild the registry and projectors once.
let cached: { key: string; setup: Promise<McrgSetup | SamplingSetup> } | undefined;

function setupFor(task: WorkerTask): Promise<McrgSetup | SamplingSetup> {
  const { kind, sources, config } = task;
  const key = JSON.stringify({ kind, sources, config });
  if (cached?.key !== key) {
    const registry = Registry.fromSources(sources);
    cached = {
      key,
      setup:
        task.kind !== 'sample' && task.kind !== 'drive-sample'
          ? registry.then((r) => prepareMcrg(r, task.config))
          : registry.then((r) => prepareSampling(r, task.config)),
    };
  }
  return cached.setup;
}

/** The typed arrays of a snapshot (its own copies), for a transfer list. */
function snapshotBuffers(s: ChainSnapshot): ArrayBuffer[] {
  return [
    s.spins.buffer,
    s.rng.buffer,
    s.streams.buffer,
    s.energy.buffer,
    ...s.accumulators.flatMap(accumulatorBuffers),
  ] as ArrayBuffer[];
}

/** The typed arrays of a sampling chain's snapshot (its own copies), for a transfer list. */
function ensembleSnapshotBuffers(s: EnsembleSnapshot): ArrayBuffer[] {
  return [s.spins.buffer, s.rng.buffer, s.packed.buffer] as ArrayBuffer[];
}

/** A value handed back with `buffers` moved, not copied. */
function moved<T extends object>(value: T, buffers: ArrayBuffer[]): T {
  return move({
    get [transferableSymbol]() {
      return buffers;
    },
    get [valueSymbol]() {
      return value;
    },
  }) as unknown as T;
}

async function runTask(
  task: WorkerTask,
): Promise<ChainResult | ChainOutcome | EnsembleChain | EnsembleOutcome> {
  const setup = await setupFor(task);
  const post = (message: ChainMessage, transfer: ArrayBuffer[] = []) =>
    task.port.postMessage(message, transfer);
  const tick = (moves: number, phase: ChainPhase) => post({ type: 'progress', moves, phase });
  if (task.kind === 'drive') {
    const outcome = await driveChain(setup as McrgSetup, task.chain, {
      tick,
      resume: task.resume,
      control: {
        requests: task.requests,
        slot: task.chain,
        onStart: () => post({ type: 'started' }),
        onSnapshot: (snapshot) => post({ type: 'snapshot', snapshot }, snapshotBuffers(snapshot)),
      },
    });
    const buffers =
      outcome.status === 'done'
        ? outcome.result.accumulators.flatMap(accumulatorBuffers)
        : outcome.snapshot && outcome.snapshot !== task.resume
          ? snapshotBuffers(outcome.snapshot)
          : [];
    return moved(outcome, buffers);
  }
  if (task.kind === 'drive-sample') {
    const outcome = await driveEnsembleChain(setup, task.chain, {
      tick,
      resume: task.resume,
      control: {
        requests: task.requests,
        slot: task.chain,
        onStart: () => post({ type: 'started' }),
        onSnapshot: (snapshot) => post({ type: 'snapshot', snapshot }, ensembleSnapshotBuffers(snapshot)),
      },
    });
    const buffers =
      outcome.status === 'done'
        ? [outcome.result.packed.buffer as ArrayBuffer]
        : outcome.snapshot && outcome.snapshot !== task.resume
          ? ensembleSnapshotBuffers(outcome.snapshot)
          : [];
    return moved(outcome, buffers);
  }
  if (task.kind === 'sample') {
    const result = await sampleEnsembleChain(setup, task.chain, tick);
    return moved(result, [result.packed.buffer as ArrayBuffer]);
  }
  const mcrg = setup as McrgSetup;
  const result = task.configurations
    ? await measureConfigurations(mcrg, task.chain, task.configurations, tick)
    : await runChain(mcrg, task.chain, tick);
  return moved(result, result.accumulators.flatMap(accumulatorBuffers));
}

/**
 * Piscina entry: runs one chain. A failure is thrown as plain data (`ChainFailure`), since a
 * structured clone drops an error's class, name and exit code.
 */
export default async function runWorkerTask(
  task: WorkerTask,
): Promise<ChainResult | ChainOutcome | EnsembleChain | EnsembleOutcome> {
  try {
    return await runTask(task);
  } catch (err) {
    throw RsrgError.toPlain(err) satisfies ChainFailure;
  } finally {
    task.port.close();
  }
}
