/**
 * Run checkpoints: the state of every chain of a shard, written atomically with a checksum to
 * `<run-dir>/checkpoints/`, the newest and the previous one kept.
 */
import { join } from 'node:path';
import {
  type CheckpointFileStoreOptions,
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

/** Where one chain of a shard stands in a checkpoint. */
export type ChainEntry =
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
      readonly snapshot: ChainSnapshot;
    }
  | {
      /** The chain's index in the run. */
      readonly chain: number;
      /** Finished. */
      readonly status: 'done';
      /** Its bins and numbers. */
      readonly result: ChainResult;
    };

/**
 * The state of a shard's run (the whole run is shard 0/1): every chain pending, running
 * (with its latest snapshot) or done (with its result). Resuming from it continues every
 * chain where its entry left it, so the finished run equals the uninterrupted one bit for bit.
 */
export interface RunCheckpoint {
  /** The plan's hash: a checkpoint resumes only its own plan. */
  readonly planHash: string;
  /** Which shard's chains. */
  readonly shard: ShardSpec;
  /** When it was written (ISO 8601). */
  readonly writtenAt: string;
  /** Seconds of running so far, over every session. */
  readonly elapsed: number;
  /** One entry per chain of the shard, in chain order. */
  readonly chains: readonly ChainEntry[];
}

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

/** The checkpoint file (kind 'run-checkpoint'; snapshots and results as in their own files). */
export const runCheckpointCodec = defineCodec<RunCheckpoint>({
  kind: 'run-checkpoint',
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
          ? { chain: e.chain, status: e.status, snapshot: chainSnapshotToData(e.snapshot) }
          : { chain: e.chain, status: e.status, result: chainResultToData(e.result) },
    ),
  }),
  fromData: (d) => {
    if (!isMap(d)) throw new Error('data is not a map');
    if (typeof d.planHash !== 'string') throw new Error("field 'planHash' is not a string");
    if (typeof d.writtenAt !== 'string') throw new Error("field 'writtenAt' is not a string");
    if (!isMap(d.shard)) throw new Error("field 'shard' is not a map");
    if (!Array.isArray(d.chains)) throw new Error("field 'chains' is not a list");
    const chains = d.chains.map((e: unknown): ChainEntry => {
      if (!isMap(e)) throw new Error('a chain entry is not a map');
      const chain = numberField(e, 'chain', true);
      if (e.status === 'pending') return { chain, status: 'pending' };
      if (e.status === 'running')
        return { chain, status: 'running', snapshot: chainSnapshotFromData(e.snapshot) };
      if (e.status === 'done') return { chain, status: 'done', result: chainResultFromData(e.result) };
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

/** Where a run keeps and finds its checkpoints (`runResumable`'s `checkpoint`). */
export type CheckpointStore = GenericCheckpointStore<RunCheckpoint>;

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
export type CheckpointStoreOptions = CheckpointFileStoreOptions;

/**
 * The checkpoints of shard `shard` in `<runDir>/checkpoints/`, as files
 * `shard-<I>-of-<N>.<sequence>.ckpt` (`runCheckpointCodec`), kept by core's
 * `checkpointFileStore`: written atomically, the newest and the previous good one kept; `load`
 * takes the newest whose checksum and contents check out (a damaged one is reported through
 * `onWarning` and the previous one used; with none left, the run starts over).
 */
export function checkpointStore(
  runDir: string,
  shard: ShardSpec,
  options: CheckpointStoreOptions = {},
): CheckpointStore {
  const { load, write } = checkpointFileStore(
    checkpointsDir(runDir),
    fileStem(shard),
    runCheckpointCodec,
    options,
  );
  return { load, write };
}
