/**
 * Extending a finished run with more chains (`rsrg mcrg --run-dir <dir> --extend --chains M`).
 * Chains are the unit of randomness: chain c draws from stream c whatever the chain count, so
 * a run of N chains of n measurements each, extended to M chains of n, is the run of M chains
 * from the start, bit for bit, once the new chains are done.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { type Registry, UsageError, writeFileAtomic } from '@rsrg/core';
import { packageVersions } from '@rsrg/mcrg';
import { checkpointsDir } from './checkpoint.js';
import { baseFile, runDirResults } from './finished.js';
import { comparePlan, createPlan, type Plan, readPlan, writePlan } from './plan.js';
import { finishedChain, mergeShards, type ShardResult, shardResultCodec, WHOLE_RUN } from './shards.js';

/** What `extendRunDir` is asked for. */
export interface ExtendRequest {
  /** The run's new number of chains M, more than it has. */
  readonly chains: number;
  /** The new total of measurements, when the user gave one: it must be M × n. */
  readonly samples?: number;
}

/**
 * Extends the finished run in `runDir` to `request.chains` chains of the same length and
 * returns its new plan. Its finished chains go to `base/<new plan hash>.rsrg`; the old plan,
 * checkpoints, shard files and results move to `history/<old plan hash>/`; then the new plan
 * is written (the commit: a kill before it leaves the old run as it was, readable from either
 * place). Throws a UsageError, changing nothing, when the run is not finished, when it would
 * not grow, or when its measurements do not split evenly over its chains (the new chains must
 * be as long as the old).
 */
export function extendRunDir(registry: Registry, runDir: string, request: ExtendRequest): Plan {
  const plan = readPlan(runDir);
  const { chains: n0, samples: s0 } = plan.config;
  const { chains } = request;
  if (!(Number.isSafeInteger(chains) && chains > n0))
    throw new UsageError(`--extend needs --chains above the run's ${n0}, got ${chains}`);
  if (s0 % n0 !== 0)
    throw new UsageError(
      `--extend keeps every chain's length, but the run's ${s0} measurements do not split evenly over its ${n0} chains`,
    );
  const samples = (s0 / n0) * chains;
  if (request.samples !== undefined && request.samples !== samples)
    throw new UsageError(
      `--samples ${request.samples}: extended to ${chains} chains of ${s0 / n0} measurements, the run has ${samples}`,
    );
  const versions = packageVersions(registry.sources);
  const other = comparePlan(plan, { ...plan, versions });
  if (other !== undefined) throw new UsageError(`${other} (run directory ${runDir})`);

  const history = join(runDir, 'history', plan.planHash);
  const finished = [
    ...runDirResults(runDir, plan),
    ...(existsSync(history) ? runDirResults(history, plan, { base: false }) : []),
  ];
  let merged: ReturnType<typeof mergeShards>;
  try {
    merged = mergeShards(
      plan,
      finished.map((f) => f.shard),
      { names: finished.map((f) => f.name) },
    );
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    throw new UsageError(`--extend extends a finished run, and ${runDir} is not: ${err.message}`);
  }
  const next: Plan = {
    ...createPlan({ ...plan.config, chains, samples }, registry.sources, versions),
    base: { chains: n0, from: [...(plan.base?.from ?? []), plan.planHash] },
  };
  const base: ShardResult = {
    planHash: next.planHash,
    plan: next,
    shard: WHOLE_RUN,
    complete: true,
    elapsed: merged.elapsed,
    chains: finished
      .flatMap((f) => f.shard.chains)
      .sort((a, b) => a.chain - b.chain)
      .map((c) => finishedChain(next, c)),
  };
  const file = baseFile(runDir, next);
  mkdirSync(join(runDir, 'base'), { recursive: true });
  writeFileAtomic(file, shardResultCodec.encode(base), { label: file });
  writePlan(history, plan); // the old plan, checksummed like any plan
  for (const name of ['checkpoints', 'shards', 'result.json', 'result.h5']) {
    const from = name === 'checkpoints' ? checkpointsDir(runDir) : join(runDir, name);
    if (existsSync(from)) renameSync(from, join(history, name));
  }
  writePlan(runDir, next);
  return next;
}
