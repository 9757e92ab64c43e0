/**
 * The piscina entry of the chain pool (built to dist/worker.js): rebuilds the registry and the
 * setup from a task, runs one chain and moves its typed arrays back.
 */
import { Registry, RsrgError } from '@rsrg/core';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { accumulatorBuffers } from './accumulator.js';
import { measureConfigurations, runChain, sampleEnsembleChain } from './chain.js';
import type { McrgSetup, SamplingSetup } from './config/types.js';
import { prepareMcrg, prepareSampling } from './config/validate.js';
import type {
  ChainFailure,
  ChainPhase,
  ChainProgress,
  ChainResult,
  EnsembleChain,
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
        task.kind === 'measure'
          ? registry.then((r) => prepareMcrg(r, task.config))
          : registry.then((r) => prepareSampling(r, task.config)),
    };
  }
  return cached.setup;
}

async function runTask(task: WorkerTask): Promise<ChainResult | EnsembleChain> {
  const setup = await setupFor(task);
  const tick = (moves: number, phase: ChainPhase) => {
    task.port.postMessage({ moves, phase } satisfies ChainProgress);
  };
  if (task.kind === 'sample') {
    const result = await sampleEnsembleChain(setup, task.chain, tick);
    return move({
      get [transferableSymbol]() {
        return [result.packed.buffer];
      },
      get [valueSymbol]() {
        return result;
      },
    }) as unknown as EnsembleChain;
  }
  const mcrg = setup as McrgSetup;
  const result = task.configurations
    ? await measureConfigurations(mcrg, task.chain, task.configurations, tick)
    : await runChain(mcrg, task.chain, tick);
  return move({
    get [transferableSymbol]() {
      return result.accumulators.flatMap(accumulatorBuffers);
    },
    get [valueSymbol]() {
      return result;
    },
  }) as unknown as ChainResult;
}

/**
 * Piscina entry: runs one chain. A failure is thrown as plain data (`ChainFailure`), since a
 * structured clone drops an error's class, name and exit code.
 */
export default async function runWorkerTask(task: WorkerTask): Promise<ChainResult | EnsembleChain> {
  try {
    return await runTask(task);
  } catch (err) {
    throw RsrgError.toPlain(err) satisfies ChainFailure;
  } finally {
    task.port.close();
  }
}
