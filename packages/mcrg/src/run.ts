import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { type Registry, RNG_ALGORITHM, RsrgError } from '@rsrg/core';
import { Piscina } from 'piscina';
import { type Accumulator, mergeAccumulators } from './accumulator.js';
import { analyze, type Estimate } from './analysis.js';
import { type ChainResult, type ChainTick, runChain } from './chain.js';
import { type McrgConfig, type McrgSetup, prepareMcrg, type ResolvedMcrgConfig } from './config.js';
import { packageVersions } from './versions.js';
import type { ChainProgress, ChainTask } from './worker.js';

/** Progress over all chains, in sampler moves; `phase` is that of the chain that reported last. */
export interface McrgProgress {
  readonly done: number;
  readonly total: number;
  readonly phase: 'thermalize' | 'measure';
}

/** Optional observers of a run. */
export interface McrgHooks {
  /** Called about every 1% of each chain's moves. */
  readonly onProgress?: (progress: McrgProgress) => void;
  /** Aborts the run: the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** The merged bins of every chain, before analysis. */
export interface McrgSample {
  readonly setup: McrgSetup;
  /** Bins of all chains, concatenated in chain order. */
  readonly accumulator: Accumulator;
  /** Per-chain summaries, in chain order (their accumulators are merged above). */
  readonly chains: readonly Omit<ChainResult, 'accumulator'>[];
  readonly wallSeconds: number;
}

/** Everything a report of an MCRG run needs. */
export interface McrgResult {
  readonly config: ResolvedMcrgConfig;
  readonly model: {
    readonly id: string;
    readonly dimension: number;
    readonly exponents: { readonly yt?: number; readonly yh?: number };
  };
  readonly blockSize: number;
  /** Lattice of every level, e.g. ['32×32', '16×16', '8×8', '4×4']. */
  readonly lattices: readonly string[];
  /** Coupling names, in N_c order. */
  readonly couplings: { readonly even: readonly string[]; readonly odd: readonly string[] };
  readonly estimates: readonly Estimate[];
  /** Measurements taken over all chains. */
  readonly samples: number;
  /** Jackknife bins behind every error. */
  readonly bins: number;
  /** τ_int of the level-0 first even coupling series, averaged over chains. */
  readonly tauInt: { readonly value: number; readonly error: number; readonly unit: 'measurements' };
  readonly movesPerMeasurement: number;
  /** Mean spins updated per sampler move during measurement. */
  readonly spinsUpdatedPerMove: number;
  readonly rng: string;
  readonly wallSeconds: number;
  /** Versions of the packages behind the run. */
  readonly versions: Record<string, string>;
}

/** The built worker: dist/worker.js, also when this module runs from its TypeScript source. */
function workerFile(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(new URL(fromSource ? '../dist/worker.js' : './worker.js', import.meta.url));
  if (!existsSync(file)) {
    throw new RsrgError(`worker threads need the built @rsrg/mcrg (${file} is missing): run the build first`);
  }
  return file;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function runInThisThread(
  setup: McrgSetup,
  tick: ChainTick,
  signal?: AbortSignal,
): Promise<ChainResult[]> {
  const results: ChainResult[] = [];
  for (let c = 0; c < setup.config.chains; c++) {
    results.push(
      await runChain(setup, c, async (moves, phase) => {
        tick(moves, phase);
        // Let timers, progress rendering and abort signals through.
        await nextTurn();
        signal?.throwIfAborted();
      }),
    );
  }
  return results;
}

async function runInWorkers(
  sources: readonly string[],
  setup: McrgSetup,
  tick: ChainTick,
  signal?: AbortSignal,
): Promise<ChainResult[]> {
  const { config } = setup;
  const threads = Math.min(config.workers, config.chains);
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: threads,
    maxThreads: threads,
    atomics: 'disabled',
  });
  try {
    return await Promise.all(
      Array.from({ length: config.chains }, async (_, chain) => {
        const { port1, port2 } = new MessageChannel();
        port1.on('message', (m: ChainProgress) => tick(m.moves, m.phase));
        try {
          const task: ChainTask = { sources, config, chain, port: port2 };
          return (await pool.run(task, { transferList: [port2], signal })) as ChainResult;
        } catch (err) {
          if (signal?.aborted) throw signal.reason;
          // Errors lose their class between threads: keep the message, mark where it came from.
          throw Object.assign(
            new RsrgError(`chain ${chain} failed in a worker thread: ${(err as Error).message}`),
            { cause: err },
          );
        } finally {
          port1.close();
        }
      }),
    );
  } finally {
    await pool.destroy();
  }
}

/**
 * Validates the configuration, then runs every chain (in worker threads when
 * `workers` > 1, else in this thread) and merges their bins in chain order. The result
 * does not depend on the number of workers.
 */
export async function sampleMcrg(
  registry: Registry,
  config: McrgConfig,
  hooks: McrgHooks = {},
): Promise<McrgSample> {
  const start = performance.now();
  const { signal, onProgress } = hooks;
  signal?.throwIfAborted();
  const setup = await prepareMcrg(registry, config);
  const { chains, thermalize, interval, samples, workers } = setup.config;
  const total = chains * thermalize + samples * interval;
  let done = 0;
  const tick = (moves: number, phase: 'thermalize' | 'measure') => {
    done += moves;
    onProgress?.({ done, total, phase });
  };
  const results =
    workers === 1
      ? await runInThisThread(setup, tick, signal)
      : await runInWorkers(registry.sources, setup, tick, signal);
  if (done < total) onProgress?.({ done: total, total, phase: 'measure' });
  return {
    setup,
    accumulator: mergeAccumulators(results.map((r) => r.accumulator)),
    chains: results.map(({ accumulator: _, ...summary }) => summary),
    wallSeconds: (performance.now() - start) / 1000,
  };
}

/**
 * Swendsen's MCRG end to end: samples the model (see `sampleMcrg`), analyzes the bins
 * (`analyze`) and returns the estimates with everything needed to reproduce them.
 * Throws UsageError subclasses with one-line messages for invalid configurations.
 */
export async function runMcrg(
  registry: Registry,
  config: McrgConfig,
  hooks: McrgHooks = {},
): Promise<McrgResult> {
  const start = performance.now();
  const sample = await sampleMcrg(registry, config, hooks);
  const { setup, accumulator } = sample;
  const estimates = analyze(accumulator);
  const taus = sample.chains.map((c) => c.tau);
  const tauErrors = sample.chains.map((c) => c.tauError);
  const moves = sample.chains.reduce((s, c) => s + c.moves, 0);
  const spinsUpdated = sample.chains.reduce((s, c) => s + c.spinsUpdated, 0);
  return {
    config: setup.config,
    model: { id: setup.model.id, dimension: setup.model.dimension, exponents: { ...setup.model.exponents } },
    blockSize: setup.projector.blockSize,
    lattices: setup.lattices,
    couplings: { even: setup.couplings.even.map((c) => c.name), odd: setup.couplings.odd.map((c) => c.name) },
    estimates,
    samples: accumulator.count.reduce((s, n) => s + n, 0),
    bins: accumulator.bins,
    tauInt: {
      value: taus.reduce((s, t) => s + t, 0) / taus.length,
      error: Math.sqrt(tauErrors.reduce((s, e) => s + e * e, 0)) / taus.length,
      unit: 'measurements',
    },
    movesPerMeasurement: setup.config.interval,
    spinsUpdatedPerMove: moves > 0 ? spinsUpdated / moves : Number.NaN,
    rng: RNG_ALGORITHM,
    wallSeconds: (performance.now() - start) / 1000,
    versions: packageVersions(registry.sources),
  };
}
