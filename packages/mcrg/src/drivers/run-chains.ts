import type { MessagePort } from 'node:worker_threads';
import { type Registry, UsageError } from '@rsrg/core';
import {
  type ChainControl,
  driveChain,
  driveEnsembleChain,
  SNAPSHOT_REQUEST,
  STOP_REQUEST,
} from '../chain.js';
import { chainSamples } from '../config/partition.js';
import type { McrgConfig, McrgSetup, SamplingConfig, SamplingSetup } from '../config/types.js';
import { prepareMcrg, prepareSampling } from '../config/validate.js';
import { allChains, runInThisThread, runInWorkers } from '../pool.js';
import type {
  ChainOutcome,
  ChainPhase,
  ChainResult,
  ChainSnapshot,
  ChainTick,
  EnsembleChain,
  EnsembleOutcome,
  EnsembleSnapshot,
  WorkerTask,
} from '../protocol.js';
import type { McrgHooks } from './hooks.js';

/**
 * The request words of a run's chains, one per chain index, on a SharedArrayBuffer: the
 * thread that runs the chains (or any other) asks them for snapshots, or to stop, and each
 * chain answers at its next check point (the next measurement, or within ~1% of its
 * thermalization), from whichever thread runs it.
 */
export class ChainRequests {
  /** One word per chain of the run (`SNAPSHOT_REQUEST`, `STOP_REQUEST` bits). */
  readonly words: Int32Array;
  private stopped = false;

  constructor(chains: number) {
    this.words = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, chains)));
  }

  /** Asks `chains` (default all) for a snapshot each; running ones answer through `onSnapshot`. */
  snapshot(chains?: Iterable<number>): void {
    for (const c of chains ?? allChains(this.words.length)) Atomics.or(this.words, c, SNAPSHOT_REQUEST);
  }

  /** Asks every chain to stop at its next check point; chains not started yet do not start. */
  stop(): void {
    this.stopped = true;
    for (let c = 0; c < this.words.length; c++) Atomics.or(this.words, c, STOP_REQUEST);
  }

  /** Whether `stop` was called. */
  get stopping(): boolean {
    return this.stopped;
  }
}

/**
 * Options of `runChains` (and, with `R` = `EnsembleChain` and `S` = `EnsembleSnapshot`, of
 * `runSamplingChains`): which chains, where they resume, and who hears about them.
 */
export interface RunChainsOptions<R = ChainResult, S = ChainSnapshot> extends McrgHooks {
  /** The chains to run, e.g. a shard's (see `shardChains`); default all, 0..chains−1. */
  readonly chains?: readonly number[];
  /** Snapshots to resume chains from, by chain index (`ChainOutcome`'s or `onSnapshot`'s). */
  readonly resume?: ReadonlyMap<number, S>;
  /** Where requests come in; default a fresh `ChainRequests` nobody else sets. */
  readonly requests?: ChainRequests;
  /** A chain has started: it answers requests from now on. */
  readonly onStart?: (chain: number) => void;
  /** A snapshot a `SNAPSHOT_REQUEST` asked for (its arrays are the receiver's). */
  readonly onSnapshot?: (snapshot: S) => void;
  /** A chain has ended, done or stopped. */
  readonly onOutcome?: (outcome: ChainOutcome<R, S>) => void;
}

/** What `runChains` hands back: the validated run and every chain's outcome, in `chains` order. */
export interface ChainsRun {
  /** The validated run: configuration with defaults, model, lattice, sampler, projectors. */
  readonly setup: McrgSetup;
  /** One per chain run, in the order of `options.chains`. */
  readonly outcomes: readonly ChainOutcome[];
}

/** What `runSamplingChains` hands back: the validated run and every chain's outcome. */
export interface SamplingChainsRun {
  /** The validated run: configuration with defaults, model, lattice, sampler. */
  readonly setup: SamplingSetup;
  /** One per chain run, in the order of `options.chains`. */
  readonly outcomes: readonly EnsembleOutcome[];
}

/**
 * Sampler moves of chain `chain` still to do from `resume` (all of them without one): a
 * measuring chain's snapshot or a sampling chain's.
 */
export function movesLeft(
  setup: SamplingSetup,
  chain: number,
  resume?: ChainSnapshot | EnsembleSnapshot,
): number {
  const { thermalize, interval, samples, chains } = setup.config;
  const n = chainSamples(samples, chains, chain);
  if (!resume) return thermalize + n * interval;
  const visited = 'kept' in resume ? resume.kept : resume.measured;
  return thermalize - resume.thermalized + (n - visited) * interval;
}

/**
 * The loop of `runChains` and `runSamplingChains`, for any kind of chain: checks the chains
 * and the request words, counts progress, and runs each chain here (`here`) or in a worker
 * (`task`), passing on its messages and outcome.
 */
async function driveChains<R, S extends ChainSnapshot | EnsembleSnapshot>(
  setup: SamplingSetup,
  options: RunChainsOptions<R, S>,
  here: (chain: number, tick: ChainTick, control: ChainControl<S>) => Promise<ChainOutcome<R, S>>,
  task: (chain: number, requests: Int32Array, port: MessagePort) => WorkerTask,
): Promise<ChainOutcome<R, S>[]> {
  const { signal, onProgress, resume, onStart, onSnapshot, onOutcome } = options;
  const { workers } = setup.config;
  const chains = options.chains ?? allChains(setup.config.chains);
  const seen = new Set<number>();
  for (const c of chains) {
    if (!Number.isInteger(c) || c < 0 || c >= setup.config.chains)
      throw new UsageError(`chain ${c} is not a chain of this run (0..${setup.config.chains - 1})`);
    if (seen.has(c)) throw new UsageError(`chain ${c} is listed twice`);
    seen.add(c);
  }
  const requests = options.requests ?? new ChainRequests(setup.config.chains);
  if (requests.words.length < setup.config.chains)
    throw new UsageError(
      `the requests have ${requests.words.length} words for ${setup.config.chains} chains`,
    );
  const total = chains.reduce((s, c) => s + movesLeft(setup, c, resume?.get(c)), 0);
  let done = 0;
  let phase: ChainPhase = 'thermalize';
  const tick = (moves: number, p: ChainPhase) => {
    done += moves;
    phase = p;
    onProgress?.({ done, total, phase });
  };
  const settle = (_chain: number, outcome: ChainOutcome<R, S>) => onOutcome?.(outcome);
  const outcomes =
    workers === 1 || chains.length === 0
      ? await runInThisThread<ChainOutcome<R, S>>(
          chains,
          (c: number, t: ChainTick) =>
            here(c, t, {
              requests: requests.words,
              slot: c,
              onStart: () => onStart?.(c),
              onSnapshot: (s) => onSnapshot?.(s),
            }),
          tick,
          { signal, onDone: settle },
        )
      : await runInWorkers<ChainOutcome<R, S>>(
          Math.min(workers, chains.length),
          chains,
          (chain, port) => ({ task: task(chain, requests.words, port) }),
          tick,
          {
            signal,
            onDone: settle,
            onMessage: (chain, m) => {
              if (m.type === 'started') onStart?.(chain);
              else if (m.type === 'snapshot') onSnapshot?.(m.snapshot as S);
            },
          },
        );
  if (done < total && outcomes.every((o) => o.status === 'done')) onProgress?.({ done: total, total, phase });
  return outcomes;
}

/**
 * The chains of an MCRG run that can stop and go on (the measuring half of `sampleMcrg`):
 * runs `options.chains` (default all), each from its snapshot in `resume` when there is one,
 * on worker threads when `workers` > 1 (else in this thread), and answers the snapshot and
 * stop requests of `options.requests`. A chain that ends hands back its `ChainResult`; one
 * stopped hands back its snapshot. Results depend on (config, chain) only: neither on the
 * workers, nor on when and how often a chain snapshots, stops and resumes.
 *
 * Refuses an ensemble (stored configurations are measured by `sampleMcrg`, not resumed).
 *
 * @example
 * const requests = new ChainRequests(8);
 * const timer = setInterval(() => requests.snapshot(), 60_000);
 * const { outcomes } = await runChains(registry, config, { requests, onSnapshot: save });
 */
export async function runChains(
  registry: Registry,
  config: McrgConfig,
  options: RunChainsOptions = {},
): Promise<ChainsRun> {
  options.signal?.throwIfAborted();
  if (config.ensemble)
    throw new UsageError('a resumable run samples its configurations: it takes no ensemble');
  const setup = await prepareMcrg(registry, config);
  const outcomes = await driveChains<ChainResult, ChainSnapshot>(
    setup,
    options,
    (c, tick, control) => driveChain(setup, c, { tick, resume: options.resume?.get(c), control }),
    (chain, requests, port) => ({
      kind: 'drive',
      sources: registry.sources,
      config: setup.config,
      chain,
      requests,
      port,
      ...(options.resume?.has(chain) && { resume: options.resume.get(chain) }),
    }),
  );
  return { setup, outcomes };
}

/**
 * The chains of a sampling run (`sampleEnsemble`'s) that can stop and go on: as `runChains`,
 * but each chain keeps its configurations (`EnsembleChain`) and its snapshots hold the
 * configurations kept so far (`EnsembleSnapshot`). The configurations depend on (config,
 * chain) only: neither on the workers, nor on when a chain snapshots, stops and resumes.
 *
 * @example
 * const { outcomes } = await runSamplingChains(registry, config, { requests, onSnapshot: save });
 */
export async function runSamplingChains(
  registry: Registry,
  config: SamplingConfig,
  options: RunChainsOptions<EnsembleChain, EnsembleSnapshot> = {},
): Promise<SamplingChainsRun> {
  options.signal?.throwIfAborted();
  const setup = prepareSampling(registry, config);
  const outcomes = await driveChains<EnsembleChain, EnsembleSnapshot>(
    setup,
    options,
    (c, tick, control) => driveEnsembleChain(setup, c, { tick, resume: options.resume?.get(c), control }),
    (chain, requests, port) => ({
      kind: 'drive-sample',
      sources: registry.sources,
      config: setup.config,
      chain,
      requests,
      port,
      ...(options.resume?.has(chain) && { resume: options.resume.get(chain) }),
    }),
  );
  return { setup, outcomes };
}
