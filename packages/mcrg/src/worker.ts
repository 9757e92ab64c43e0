import type { MessagePort } from 'node:worker_threads';
import { Registry } from '@rsrg/core';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { accumulatorBuffers } from './accumulator.js';
import { type ChainResult, measureConfigurations, runChain } from './chain.js';
import {
  type McrgSetup,
  prepareMcrg,
  prepareSampling,
  type ResolvedMcrgConfig,
  type ResolvedSamplingConfig,
  reconfigure,
  type SamplingSetup,
} from './config.js';
import { type EnsembleChain, sampleEnsembleChain } from './ensemble.js';

/**
 * One chain of an MCRG run for a worker thread: the registry's plugin modules, the resolved
 * config, the chain index; with `configurations`, the chain's chunk of stored configurations
 * (bit-packed) is measured instead of sampled.
 */
export interface ChainTask {
  readonly kind: 'measure';
  readonly sources: readonly string[];
  readonly config: ResolvedMcrgConfig;
  readonly chain: number;
  readonly configurations?: Uint8Array;
  /** Receives `ChainProgress` messages about every 1% of the chain. */
  readonly port: MessagePort;
}

/** One chain of `sampleEnsemble` for a worker thread. */
export interface SampleTask {
  readonly kind: 'sample';
  readonly sources: readonly string[];
  readonly config: ResolvedSamplingConfig;
  readonly chain: number;
  readonly port: MessagePort;
}

export type WorkerTask = ChainTask | SampleTask;

/** A progress message: `moves` more sampler moves done in `phase`. */
export interface ChainProgress {
  readonly moves: number;
  readonly phase: 'thermalize' | 'measure';
}

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
          ? registry.then((r) => prepareMcrg(r, reconfigure(task.config)))
          : registry.then((r) => prepareSampling(r, task.config)),
    };
  }
  return cached.setup;
}

/** Piscina entry: runs one chain and moves its typed arrays back to the main thread. */
export default async function runWorkerTask(task: WorkerTask): Promise<ChainResult | EnsembleChain> {
  try {
    const setup = await setupFor(task);
    const tick = (moves: number, phase: 'thermalize' | 'measure') => {
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
  } finally {
    task.port.close();
  }
}
