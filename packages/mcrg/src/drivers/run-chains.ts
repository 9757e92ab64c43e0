import { type Registry, UsageError } from '@rsrg/core';
import { driveChain, SNAPSHOT_REQUEST, STOP_REQUEST } from '../chain.js';
import { chainSamples } from '../config/partition.js';
import type { McrgConfig, McrgSetup } from '../config/types.js';
import { prepareMcrg } from '../config/validate.js';
import { allChains, runInThisThread, runInWorkers } from '../pool.js';
import type { ChainOutcome, ChainPhase, ChainSnapshot, ChainTick } from '../protocol.js';
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

/** Options of `runChains`: which chains, where they resume, and who hears about them. */
export interface RunChainsOptions extends McrgHooks {
  /** The chains to run, e.g. a shard's (see `shardChains`); default all, 0..chains−1. */
  readonly chains?: readonly number[];
  /** Snapshots to resume chains from, by chain index (`ChainOutcome`'s or `onSnapshot`'s). */
  readonly resume?: ReadonlyMap<number, ChainSnapshot>;
  /** Where requests come in; default a fresh `ChainRequests` nobody else sets. */
  readonly requests?: ChainRequests;
  /** A chain has started: it answers requests from now on. */
  readonly onStart?: (chain: number) => void;
  /** A snapshot a `SNAPSHOT_REQUEST` asked for (its arrays are the receiver's). */
  readonly onSnapshot?: (snapshot: ChainSnapshot) => void;
  /** A chain has ended, done or stopped. */
  readonly onOutcome?: (outcome: ChainOutcome) => void;
}

/** What `runChains` hands back: the validated run and every chain's outcome, in `chains` order. */
export interface ChainsRun {
  /** The validated run: configuration with defaults, model, lattice, sampler, projectors. */
  readonly setup: McrgSetup;
  /** One per chain run, in the order of `options.chains`. */
  readonly outcomes: readonly ChainOutcome[];
}

/** Sampler moves of chain `chain` still to do from `resume` (all of them without one). */
export function movesLeft(setup: McrgSetup, chain: number, resume?: ChainSnapshot): number {
  const { thermalize, interval, samples, chains } = setup.config;
  const n = chainSamples(samples, chains, chain);
  if (!resume) return thermalize + n * interval;
  return thermalize - resume.thermalized + (n - resume.measured) * interval;
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
  const { signal, onProgress, resume, onStart, onSnapshot, onOutcome } = options;
  signal?.throwIfAborted();
  if (config.ensemble)
    throw new UsageError('a resumable run samples its configurations: it takes no ensemble');
  const setup = await prepareMcrg(registry, config);
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
  const settle = (_chain: number, outcome: ChainOutcome) => onOutcome?.(outcome);
  const outcomes =
    workers === 1 || chains.length === 0
      ? await runInThisThread<ChainOutcome>(
          chains,
          (c: number, t: ChainTick) =>
            driveChain(setup, c, {
              tick: t,
              resume: resume?.get(c),
              control: {
                requests: requests.words,
                slot: c,
                onStart: () => onStart?.(c),
                onSnapshot: (s) => onSnapshot?.(s),
              },
            }),
          tick,
          { signal, onDone: settle },
        )
      : await runInWorkers<ChainOutcome>(
          Math.min(workers, chains.length),
          chains,
          (chain, port) => ({
            task: {
              kind: 'drive',
              sources: registry.sources,
              config: setup.config,
              chain,
              requests: requests.words,
              port,
              ...(resume?.has(chain) && { resume: resume.get(chain) }),
            },
          }),
          tick,
          {
            signal,
            onDone: settle,
            onMessage: (chain, m) => {
              if (m.type === 'started') onStart?.(chain);
              else if (m.type === 'snapshot') onSnapshot?.(m.snapshot);
            },
          },
        );
  if (done < total && outcomes.every((o) => o.status === 'done')) onProgress?.({ done: total, total, phase });
  return { setup, outcomes };
}
