import type { MessagePort } from 'node:worker_threads';
import { Registry } from '@rsrg/core';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { accumulatorBuffers } from './accumulator.js';
import { type ChainResult, runChain } from './chain.js';
import { type McrgSetup, prepareMcrg, type ResolvedMcrgConfig } from './config.js';

/** One chain for a worker thread: the registry's plugin modules, the resolved config, the chain index. */
export interface ChainTask {
  readonly sources: readonly string[];
  readonly config: ResolvedMcrgConfig;
  readonly chain: number;
  /** Receives `ChainProgress` messages about every 1% of the chain. */
  readonly port: MessagePort;
}

/** A progress message: `moves` more sampler moves done in `phase`. */
export interface ChainProgress {
  readonly moves: number;
  readonly phase: 'thermalize' | 'measure';
}

// A worker runs several chains of one run: rebuild the registry and projector once.
let cached: { key: string; setup: Promise<McrgSetup> } | undefined;

function setupFor(sources: readonly string[], config: ResolvedMcrgConfig): Promise<McrgSetup> {
  const key = JSON.stringify({ sources, config });
  if (cached?.key !== key) {
    cached = { key, setup: Registry.fromSources(sources).then((registry) => prepareMcrg(registry, config)) };
  }
  return cached.setup;
}

/** Piscina entry: runs one chain and moves its accumulator arrays back to the main thread. */
export default async function runChainTask(task: ChainTask): Promise<ChainResult> {
  try {
    const setup = await setupFor(task.sources, task.config);
    const result = await runChain(setup, task.chain, (moves, phase) => {
      task.port.postMessage({ moves, phase } satisfies ChainProgress);
    });
    return move({
      get [transferableSymbol]() {
        return accumulatorBuffers(result.accumulator);
      },
      get [valueSymbol]() {
        return result;
      },
    }) as unknown as ChainResult;
  } finally {
    task.port.close();
  }
}
