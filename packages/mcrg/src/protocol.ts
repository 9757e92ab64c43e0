/**
 * What crosses the worker boundary, as types only: the task of one chain, its progress
 * messages and what it hands back. A chain run in this thread speaks the same language, so
 * the drivers do not care where it ran.
 */
import type { MessagePort } from 'node:worker_threads';
import type { PlainError } from '@rsrg/core';
import type { Accumulator } from './accumulator.js';
import type { ResolvedMcrgConfig, ResolvedSamplingConfig } from './config/types.js';

/** The phase a chain is in: before the first kept configuration, or keeping them. */
export type ChainPhase = 'thermalize' | 'measure';

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

/**
 * One chain of a resumable run for a worker thread (`runChains`): like a `ChainTask`, started
 * from `resume` when given, and answering the request bits in `requests[chain]` (see
 * `ChainRequests`). It posts `ChainMessage`s on `port` and returns a `ChainOutcome`.
 */
export interface DriveTask {
  readonly kind: 'drive';
  readonly sources: readonly string[];
  readonly config: ResolvedMcrgConfig;
  readonly chain: number;
  readonly resume?: ChainSnapshot;
  /** One request word per chain of the run, on a SharedArrayBuffer. */
  readonly requests: Int32Array;
  readonly port: MessagePort;
}

/**
 * One sampling chain of a resumable run for a worker thread (`runSamplingChains`): like a
 * `SampleTask`, started from `resume` when given, answering the request bits in
 * `requests[chain]`. It posts `ChainMessage`s on `port` and returns an `EnsembleOutcome`.
 */
export interface DriveSampleTask {
  readonly kind: 'drive-sample';
  readonly sources: readonly string[];
  readonly config: ResolvedSamplingConfig;
  readonly chain: number;
  readonly resume?: EnsembleSnapshot;
  /** One request word per chain of the run, on a SharedArrayBuffer. */
  readonly requests: Int32Array;
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

export type WorkerTask = ChainTask | DriveTask | SampleTask | DriveSampleTask;

/** A progress message: `moves` more sampler moves done in `phase`. */
export interface ChainProgress {
  readonly type: 'progress';
  readonly moves: number;
  readonly phase: ChainPhase;
}

/**
 * What a worker posts about its chain: progress, that the chain has started (it now answers
 * requests), and the snapshots it was asked for.
 */
export type ChainMessage =
  | ChainProgress
  | { readonly type: 'started' }
  | { readonly type: 'snapshot'; readonly snapshot: ChainSnapshot | EnsembleSnapshot };

/**
 * Progress of one chain: `moves` more sampler moves are done, in `phase` (when measuring
 * stored configurations, `moves` counts configurations). In a worker it becomes a
 * `ChainProgress` message.
 */
export type ChainTick = (moves: number, phase: ChainPhase) => void | Promise<void>;

/** What one measuring chain hands back: its bins and the numbers a report needs. */
export interface ChainResult {
  /** The chain's index c, 0..chains−1. */
  readonly chain: number;
  /** The bins of every projector of the run, in the run's projector order. */
  readonly accumulators: readonly Accumulator[];
  /** τ_int of the level-0 first even coupling, in measurements (NaN without even couplings). */
  readonly tau: number;
  /** The Madras–Sokal error of `tau`. */
  readonly tauError: number;
  /** Sampler moves and spins they updated, over the measurement phase (0 for stored configurations). */
  readonly moves: number;
  /** Spins updated by those moves. */
  readonly spinsUpdated: number;
}

/**
 * The whole state of a measuring chain at a point where it can stop and go on later: at a
 * measurement boundary (`measured` measurements done, after the thermalization) or at a
 * check point of the thermalization (`thermalized` < thermalize, nothing measured). A chain
 * resumed from it (`runChain`'s `resume`) continues draw for draw and hands back the same
 * `ChainResult` as the chain that never stopped. Plain data (structured-cloneable; its typed
 * arrays are its own), stored with `chainSnapshotCodec`.
 */
export interface ChainSnapshot {
  /** The chain's index c. */
  readonly chain: number;
  /** 'thermalize' while `thermalized` < thermalize, else 'measure'. */
  readonly phase: ChainPhase;
  /** Thermalization moves done. */
  readonly thermalized: number;
  /** Measurements done, k (0 during thermalization). */
  readonly measured: number;
  /** The jackknife bin of the last measurement (0 before the first). */
  readonly bin: number;
  /** Measurements still to go into `bin` (0 at a bin boundary). */
  readonly left: number;
  /** The sampler's configuration σ (the `ChainState`'s spins). */
  readonly spins: Int8Array;
  /** The sampling stream's xoshiro128** state, 4 words. */
  readonly rng: Uint32Array;
  /** The `ChainState`'s move counter (thermalization included). */
  readonly moves: number;
  /** The projecting stream of every projector, in the run's order: 4 words each. */
  readonly streams: Uint32Array;
  /** The bins so far of every projector, in the run's order. */
  readonly accumulators: readonly Accumulator[];
  /** The τ_int energy series so far: its first min(measured, TAU_SERIES_LENGTH) values. */
  readonly energy: Float64Array;
  /** Spins updated by the measurement-phase moves so far. */
  readonly spinsUpdated: number;
}

/**
 * The whole state of a sampling chain (`sampleEnsemble`'s) at a point where it can stop and
 * go on later: at a kept-configuration boundary (`kept` configurations kept, after the
 * thermalization) or at a check point of the thermalization (`thermalized` < thermalize,
 * nothing kept), with the configurations kept so far. A chain resumed from it continues draw
 * for draw and keeps the same configurations as the chain that never stopped. Plain data
 * (structured-cloneable; its typed arrays are its own).
 */
export interface EnsembleSnapshot {
  /** The chain's index c. */
  readonly chain: number;
  /** 'thermalize' while `thermalized` < thermalize, else 'measure'. */
  readonly phase: ChainPhase;
  /** Thermalization moves done. */
  readonly thermalized: number;
  /** Configurations kept so far, k (0 during thermalization). */
  readonly kept: number;
  /** The sampler's configuration σ (the `ChainState`'s spins). */
  readonly spins: Int8Array;
  /** The sampling stream's xoshiro128** state, 4 words. */
  readonly rng: Uint32Array;
  /** The `ChainState`'s move counter (thermalization included). */
  readonly moves: number;
  /** Spins updated by the moves after thermalization so far. */
  readonly spinsUpdated: number;
  /** The `kept` configurations so far, bit-packed (`packConfiguration`). */
  readonly packed: Uint8Array;
}

/**
 * How a chain of a resumable run ended: done, with its result, or stopped on request, with
 * its snapshot (none when it was stopped before it started, with nothing to resume from).
 * `R` and `S` are a measuring chain's `ChainResult` and `ChainSnapshot` by default; a
 * sampling chain's are `EnsembleChain` and `EnsembleSnapshot` (`EnsembleOutcome`).
 */
export type ChainOutcome<R = ChainResult, S = ChainSnapshot> =
  | {
      /** The chain ran to its end. */
      readonly status: 'done';
      /** The chain's index in the run. */
      readonly chain: number;
      /** Its bins and numbers (of a sampling chain: its configurations). */
      readonly result: R;
    }
  | {
      /** The chain stopped on request before its end. */
      readonly status: 'stopped';
      /** The chain's index in the run. */
      readonly chain: number;
      /** Where it stood, to resume from (none when it stopped before its first check point). */
      readonly snapshot?: S;
    };

/** How a sampling chain of a resumable run ended (see `ChainOutcome`). */
export type EnsembleOutcome = ChainOutcome<EnsembleChain, EnsembleSnapshot>;

/** What one sampling chain of `sampleEnsemble` hands back. */
export interface EnsembleChain {
  /** The chain's index c, 0..chains−1. */
  readonly chain: number;
  /** `chainSamples(samples, chains, chain)` bit-packed configurations. */
  readonly packed: Uint8Array;
  /** Sampler moves after thermalization. */
  readonly moves: number;
  /** Spins updated by those moves. */
  readonly spinsUpdated: number;
}

/**
 * What a worker throws when its chain fails: the error as plain data (core's
 * `RsrgError.toPlain`), which the pool revives, so a usage error stays a usage error.
 */
export type ChainFailure = PlainError;
