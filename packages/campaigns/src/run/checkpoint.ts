/**
 * Run checkpoints: the state of every chain of a shard, written atomically with a checksum to
 * `<run-dir>/checkpoints/`, the newest and the previous one kept.
 */
import { join } from 'node:path';
import {
  type CheckpointFileStoreOptions,
  type Codec,
  checkpointFileList,
  checkpointFileStore,
  defineCodec,
  type CheckpointFile as GenericCheckpointFile,
  type CheckpointStore as GenericCheckpointStore,
} from '@rsrg/core';
import {
  type ChainResult,
  type ChainSnapshot,
  chainSamples,
  chainSnapshotFromData,
  chainSnapshotToData,
  type EnsembleChain,
  type EnsembleSnapshot,
  ensembleSnapshotFromData,
  ensembleSnapshotToData,
} from '@rsrg/mcrg';
import type { Plan } from './plan.js';
import {
  chainResultFromData,
  chainResultToData,
  finishedChain,
  numberField,
  partialChain,
  type ShardChain,
  type ShardResult,
  type ShardSpec,
} from './shards.js';

/**
 * Where one chain of a shard stands in a checkpoint. `S` and `R` are the chain's snapshot and
 * result: a measuring chain's by default, a sampling chain's in a `SampleCheckpoint`.
 */
export type ChainEntry<S = ChainSnapshot, R = ChainResult> =
  | {
      /** The chain's index in the run. */
      readonly chain: number;
      /** Not started yet. */
      readonly status: 'pending';
    }
  | {
      /** The chain's index in the run. */
      readonly chain: number;
      /** Started, not finished. */
      readonly status: 'running';
      /** Its latest snapshot: where it resumes. */
      readonly snapshot: S;
    }
  | {
      /** The chain's index in the run. */
      readonly chain: number;
      /** Finished. */
      readonly status: 'done';
      /** Its bins and numbers (of a sampling chain: its configurations). */
      readonly result: R;
    };

/**
 * The state of a shard's run (the whole run is shard 0/1): every chain pending, running
 * (with its latest snapshot) or done (with its result). Resuming from it continues every
 * chain where its entry left it, so the finished run equals the uninterrupted one bit for bit.
 */
export interface RunCheckpoint<S = ChainSnapshot, R = ChainResult> {
  /** The plan's hash: a checkpoint resumes only its own plan. */
  readonly planHash: string;
  /** Which shard's chains. */
  readonly shard: ShardSpec;
  /** When it was written (ISO 8601). */
  readonly writtenAt: string;
  /** Seconds of running so far, over every session. */
  readonly elapsed: number;
  /** One entry per chain of the shard, in chain order. */
  readonly chains: readonly ChainEntry<S, R>[];
}

/** The checkpoint of a sampling run (`rsrg sample --run-dir`): its chains' configurations so far. */
export type SampleCheckpoint = RunCheckpoint<EnsembleSnapshot, EnsembleChain>;

/** Measurements a checkpoint holds, and the plan's for its chains. */
export function checkpointProgress(
  plan: Plan,
  checkpoint: RunCheckpoint,
): {
  /** Measurements done over the checkpoint's chains. */
  measured: number;
  /** Measurements the plan gives those chains. */
  planned: number;
  /** Chains finished. */
  done: number;
  /** Chains started, not finished. */
  running: number;
  /** Chains not started. */
  pending: number;
} {
  let measured = 0;
  let planned = 0;
  const count = { done: 0, running: 0, pending: 0 };
  for (const e of checkpoint.chains) {
    const n = chainSamples(plan.config.samples, plan.config.chains, e.chain);
    planned += n;
    measured += e.status === 'done' ? n : e.status === 'running' ? e.snapshot.measured : 0;
    count[e.status]++;
  }
  return { measured, planned, ...count };
}

/**
 * A checkpoint as a shard result, for a partial merge: finished chains whole, running ones
 * with their bins so far, pending ones left out.
 */
export function checkpointShard(plan: Plan, checkpoint: RunCheckpoint): ShardResult {
  const chains: ShardChain[] = [];
  for (const e of checkpoint.chains) {
    if (e.status === 'done') chains.push(finishedChain(plan, e.result));
    else if (e.status === 'running') chains.push(partialChain(plan, e.snapshot));
  }
  return {
    planHash: checkpoint.planHash,
    plan,
    shard: checkpoint.shard,
    complete: checkpoint.chains.every((e) => e.status === 'done'),
    elapsed: checkpoint.elapsed,
    chains,
  };
}

function isMap(d: unknown): d is Record<string, unknown> {
  return typeof d === 'object' && d !== null && !Array.isArray(d) && !ArrayBuffer.isView(d);
}

/** How the snapshots and results of a checkpoint's chains become data, and back. */
interface EntryCodec<S, R> {
  readonly snapshotToData: (s: S) => unknown;
  readonly snapshotFromData: (d: unknown) => S;
  readonly resultToData: (r: R) => unknown;
  readonly resultFromData: (d: unknown) => R;
}

/** A checkpoint file of kind `kind`, its chains' snapshots and results written by `entries`. */
function checkpointCodec<S, R>(kind: string, entries: EntryCodec<S, R>): Codec<RunCheckpoint<S, R>> {
  return defineCodec<RunCheckpoint<S, R>>({
    kind,
    version: 1,
    toData: (c) => ({
      planHash: c.planHash,
      shard: { index: c.shard.index, count: c.shard.count },
      writtenAt: c.writtenAt,
      elapsed: c.elapsed,
      chains: c.chains.map((e) =>
        e.status === 'pending'
          ? { chain: e.chain, status: e.status }
          : e.status === 'running'
            ? { chain: e.chain, status: e.status, snapshot: entries.snapshotToData(e.snapshot) }
            : { chain: e.chain, status: e.status, result: entries.resultToData(e.result) },
      ),
    }),
    fromData: (d) => {
      if (!isMap(d)) throw new Error('data is not a map');
      if (typeof d.planHash !== 'string') throw new Error("field 'planHash' is not a string");
      if (typeof d.writtenAt !== 'string') throw new Error("field 'writtenAt' is not a string");
      if (!isMap(d.shard)) throw new Error("field 'shard' is not a map");
      if (!Array.isArray(d.chains)) throw new Error("field 'chains' is not a list");
      const chains = d.chains.map((e: unknown): ChainEntry<S, R> => {
        if (!isMap(e)) throw new Error('a chain entry is not a map');
        const chain = numberField(e, 'chain', true);
        if (e.status === 'pending') return { chain, status: 'pending' };
        if (e.status === 'running')
          return { chain, status: 'running', snapshot: entries.snapshotFromData(e.snapshot) };
        if (e.status === 'done') return { chain, status: 'done', result: entries.resultFromData(e.result) };
        throw new Error(`chain ${chain} has status ${JSON.stringify(e.status)}`);
      });
      return {
        planHash: d.planHash,
        shard: { index: numberField(d.shard, 'index', true), count: numberField(d.shard, 'count', true) },
        writtenAt: d.writtenAt,
        elapsed: numberField(d, 'elapsed'),
        chains,
      };
    },
  });
}

/** The checkpoint file of an MCRG run (kind 'run-checkpoint'; snapshots and results as in their own files). */
export const runCheckpointCodec: Codec<RunCheckpoint> = checkpointCodec('run-checkpoint', {
  snapshotToData: chainSnapshotToData,
  snapshotFromData: chainSnapshotFromData,
  resultToData: chainResultToData,
  resultFromData: chainResultFromData,
});

/** A sampling chain's configurations as data: the packed bytes and the move counters. */
function ensembleChainToData(r: EnsembleChain): Record<string, unknown> {
  return { chain: r.chain, packed: r.packed, moves: r.moves, spinsUpdated: r.spinsUpdated };
}

function ensembleChainFromData(d: unknown): EnsembleChain {
  if (!isMap(d)) throw new Error('a chain result is not a map');
  if (!(d.packed instanceof Uint8Array)) throw new Error("field 'packed' is not bytes");
  return {
    chain: numberField(d, 'chain', true),
    packed: d.packed.slice(),
    moves: numberField(d, 'moves', true),
    spinsUpdated: numberField(d, 'spinsUpdated', true),
  };
}

/**
 * The checkpoint file of a sampling run (kind 'sample-checkpoint'): each running chain's
 * sampler state and configurations so far, each finished chain's configurations.
 */
export const sampleCheckpointCodec: Codec<SampleCheckpoint> = checkpointCodec('sample-checkpoint', {
  snapshotToData: ensembleSnapshotToData,
  snapshotFromData: ensembleSnapshotFromData,
  resultToData: ensembleChainToData,
  resultFromData: ensembleChainFromData,
});

/** Where a run keeps and finds its checkpoints (`runResumable`'s `checkpoint`). */
export type CheckpointStore<C = RunCheckpoint> = GenericCheckpointStore<C>;

/** A checkpoint file of a shard. */
export type CheckpointFile = GenericCheckpointFile;

/** The checkpoint directory of a run directory. */
export function checkpointsDir(runDir: string): string {
  return join(runDir, 'checkpoints');
}

/** File names of shard I/N's checkpoints: `shard-<I>-of-<N>.<sequence>.ckpt`. */
function fileStem(shard: ShardSpec): string {
  return `shard-${shard.index}-of-${shard.count}`;
}

/** The checkpoint files of a shard in a run directory, newest first. */
export function checkpointFiles(runDir: string, shard: ShardSpec): CheckpointFile[] {
  return checkpointFileList(checkpointsDir(runDir), fileStem(shard));
}

/** Options of `checkpointStore`. */
export interface CheckpointStoreOptions<C = RunCheckpoint> extends CheckpointFileStoreOptions {
  /** The checkpoint file format (default `runCheckpointCodec`; `sampleCheckpointCodec` for sampling runs). */
  readonly codec?: Codec<C>;
}

/**
 * The checkpoints of shard `shard` in `<runDir>/checkpoints/`, as files
 * `shard-<I>-of-<N>.<sequence>.ckpt` (`options.codec`, by default `runCheckpointCodec`), kept by core's
 * `checkpointFileStore`: written atomically, the newest and the previous good one kept; `load`
 * takes the newest whose checksum and contents check out (a damaged one is reported through
 * `onWarning` and the previous one used; with none left, the run starts over).
 */
export function checkpointStore<C = RunCheckpoint>(
  runDir: string,
  shard: ShardSpec,
  options: CheckpointStoreOptions<C> = {},
): CheckpointStore<C> {
  const codec = options.codec ?? (runCheckpointCodec as unknown as Codec<C>);
  const { load, write } = checkpointFileStore(checkpointsDir(runDir), fileStem(shard), codec, options);
  return { load, write };
}
