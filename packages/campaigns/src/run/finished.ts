/**
 * What a run directory has finished: its shard files, the last checkpoints of runs that ended,
 * and the base of an extended run. `rsrg merge`, `rsrg mcrg --run-dir` and `--extend` read
 * a run's results through here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { UsageError } from '@rsrg/core';
import { checkpointShard, checkpointsDir } from './checkpoint.js';
import type { Plan } from './plan.js';
import { shardProgress } from './run-dir.js';
import { type ShardResult, type ShardSpec, shardResultCodec } from './shards.js';

/** A shard's result with the name messages give it (its file). */
export interface NamedShard {
  /** How messages name it: its file, or "shard I/N (checkpoint)". */
  readonly name: string;
  /** The result. */
  readonly shard: ShardResult;
}

/** Reads a shard file: `<I>.rsrg`, or `<I>.h5` whose lossless `<I>.rsrg` lies beside it. */
export function readShardFile(path: string): NamedShard {
  let file = path;
  if (extname(path) === '.h5') {
    file = join(resolve(path, '..'), `${basename(path, '.h5')}.rsrg`);
    if (!existsSync(file))
      throw new UsageError(
        `${path}: merge reads the lossless shard file ${file} beside it, and it is missing`,
      );
  }
  if (!existsSync(file)) throw new UsageError(`${path}: no such file`);
  return { name: path, shard: shardResultCodec.decode(readFileSync(file), file) };
}

/** The shard files of a run directory (`shards/<I>.rsrg`), in index order. */
export function shardFiles(runDir: string): string[] {
  const dir = join(runDir, 'shards');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /^\d+\.rsrg$/.test(n))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
    .map((n) => join(dir, n));
}

/** The shards (I/N) that have checkpoints in a run directory, from the file names. */
export function checkpointedShards(runDir: string): ShardSpec[] {
  const dir = checkpointsDir(runDir);
  if (!existsSync(dir)) return [];
  const seen = new Map<string, ShardSpec>();
  for (const name of readdirSync(dir)) {
    const m = /^shard-(\d+)-of-(\d+)\.\d+\.ckpt$/.exec(name);
    if (m) seen.set(`${m[1]}/${m[2]}`, { index: Number(m[1]), count: Number(m[2]) });
  }
  return [...seen.values()].sort((a, b) => a.count - b.count || a.index - b.index);
}

/** The base file of an extended run: the finished chains it started from (`rsrg mcrg --extend`). */
export function baseFile(runDir: string, plan: Plan): string {
  return join(runDir, 'base', `${plan.planHash}.rsrg`);
}

/**
 * The base of an extended run (its chains 0 … base.chains − 1, finished before the extension),
 * or undefined for a run that was never extended. A base that is missing is a file error.
 */
export function readBase(runDir: string, plan: Plan): NamedShard | undefined {
  if (!plan.base) return undefined;
  const file = baseFile(runDir, plan);
  if (!existsSync(file))
    throw new UsageError(
      `${runDir} was extended from ${plan.base.chains} chains, but their results (${file}) are missing`,
    );
  return {
    name: `${file} (the ${plan.base.chains} chains before --extend)`,
    shard: readShardFile(file).shard,
  };
}

/**
 * The results of a run directory to merge: the base of an extended run, every finished shard
 * file, then, for each shard with checkpoints but no file, its newest good checkpoint when it is
 * finished (a whole run of `rsrg mcrg --run-dir`) or when `partial`. `base: false` leaves the
 * base out (for an old run's files kept under `history/`).
 */
export function runDirResults(
  runDir: string,
  plan: Plan,
  options: { readonly partial?: boolean; readonly base?: boolean } = {},
): NamedShard[] {
  const base = options.base === false ? undefined : readBase(runDir, plan);
  const shards = shardFiles(runDir).map(readShardFile);
  const have = new Set(shards.map((s) => `${s.shard.shard.index}/${s.shard.shard.count}`));
  for (const spec of checkpointedShards(runDir)) {
    if (have.has(`${spec.index}/${spec.count}`)) continue;
    const progress = shardProgress(runDir, plan, spec);
    if (!progress.checkpoint || !(progress.done || options.partial)) continue;
    shards.push({
      name: `shard ${spec.index}/${spec.count} (checkpoint)`,
      shard: checkpointShard(plan, progress.checkpoint),
    });
  }
  return base ? [base, ...shards] : shards;
}
