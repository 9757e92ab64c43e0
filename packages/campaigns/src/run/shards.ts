/**
 * Shards: a run's chains split into N contiguous blocks, each run anywhere, and merged back
 * into what the single-process run computes, bit for bit.
 */
import { defineCodec, integratedAutocorrelation, type Registry, UsageError } from '@rsrg/core';
import {
  type Accumulator,
  accumulatorFromData,
  accumulatorToData,
  type ChainResult,
  type ChainSnapshot,
  chainSamples,
  cloneAccumulator,
  createAccumulator,
  type McrgResult,
  type McrgSample,
  mcrgResult,
  mergeAccumulators,
  prepareMcrg,
} from '@rsrg/mcrg';
import type { Plan } from './plan.js';

/** Shard `index` of `count`: 0 ≤ index < count. */
export interface ShardSpec {
  /** I, 0..count−1. */
  readonly index: number;
  /** N, the number of shards. */
  readonly count: number;
}

/** The whole run as one shard. */
export const WHOLE_RUN: ShardSpec = Object.freeze({ index: 0, count: 1 });

/** "I/N" (as `--shard` takes it) parsed and checked; a UsageError in one line otherwise. */
export function parseShard(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UsageError(`--shard must be I/N with 0 ≤ I < N, e.g. 0/4; got '${text}'`);
  const shard = { index: Number(m[1]), count: Number(m[2]) };
  checkShard(shard);
  return shard;
}

function checkShard(shard: ShardSpec, chains?: number): void {
  const { index, count } = shard;
  if (!Number.isSafeInteger(count) || count < 1)
    throw new UsageError(`shard count N must be ≥ 1, got ${count}`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count)
    throw new UsageError(`shard index I must be in 0..${count - 1} for N = ${count}, got ${index}`);
  if (chains !== undefined && count > chains)
    throw new UsageError(
      `${count} shards of ${chains} chains: a shard is a set of chains, so N must be ≤ ${chains}`,
    );
}

/**
 * The chains of shard I of N: a contiguous block, [⌊I·C/N⌋, ⌊(I+1)·C/N⌋) of the C chains,
 * so blocks differ in size by at most one chain and the shards in order are the chains in
 * order. Refuses N > C (a shard without chains).
 */
export function shardChains(chains: number, index: number, count: number): number[] {
  checkShard({ index, count }, chains);
  const from = Math.floor((index * chains) / count);
  const to = Math.floor(((index + 1) * chains) / count);
  return Array.from({ length: to - from }, (_, k) => from + k);
}

/**
 * The chains shard I/N of a plan runs: `shardChains` over the plan's chains, or, for an
 * extended run, over the chains added by the extension (the base's are finished).
 */
export function planShardChains(plan: Plan, shard: ShardSpec): number[] {
  const first = plan.base?.chains ?? 0;
  return shardChains(plan.config.chains - first, shard.index, shard.count).map((c) => c + first);
}

/** One chain of a shard: its `ChainResult`, and how much of it is done. */
export interface ShardChain extends ChainResult {
  /** Measurements in its bins. */
  readonly measured: number;
  /** Measurements the plan gives it: `chainSamples(samples, chains, chain)`. */
  readonly planned: number;
}

/**
 * What a shard hands to the merge: per chain, its bins and numbers, and the plan it ran. Plain
 * data: typed arrays, numbers and strings (the plan's parameters as JSON in a file).
 */
export interface ShardResult {
  /** The plan's hash: shards merge only with shards of the same plan. */
  readonly planHash: string;
  /** The plan itself, so that shard files alone can be merged and analyzed. */
  readonly plan: Plan;
  /** Which shard. */
  readonly shard: ShardSpec;
  /** Whether every chain of the shard ran to its end (false for one read from a checkpoint). */
  readonly complete: boolean;
  /** Seconds of running, over every session of the shard. */
  readonly elapsed: number;
  /** Its chains, in chain order (those of a checkpoint that never started are left out). */
  readonly chains: readonly ShardChain[];
}

/** A finished chain as a shard chain. */
export function finishedChain(plan: Plan, result: ChainResult): ShardChain {
  const n = chainSamples(plan.config.samples, plan.config.chains, result.chain);
  return { ...result, measured: n, planned: n };
}

/**
 * A chain in progress as a shard chain: its bins so far, τ_int of its energy series so far,
 * the moves of its measurements so far.
 */
export function partialChain(plan: Plan, s: ChainSnapshot): ShardChain {
  const hasEnergy = s.accumulators[0].nEven > 0;
  const ac = hasEnergy ? integratedAutocorrelation(s.energy) : { tau: Number.NaN, error: Number.NaN };
  return {
    chain: s.chain,
    accumulators: s.accumulators.map(cloneAccumulator),
    tau: ac.tau,
    tauError: ac.error,
    moves: s.measured * plan.config.interval,
    spinsUpdated: s.spinsUpdated,
    measured: s.measured,
    planned: chainSamples(plan.config.samples, plan.config.chains, s.chain),
  };
}

/** Options of `mergeShards`. */
export interface MergeOptions {
  /** Merge what there is: chains missing or not finished are allowed (default false). */
  readonly partial?: boolean;
  /** Names of the shards, in order, for messages (e.g. their files); default "shard I/N". */
  readonly names?: readonly string[];
}

/** Merged shards: the run's bins over every chain present, in chain order. */
export interface MergedShards {
  /** The plan every shard ran. */
  readonly plan: Plan;
  /** Bins of every projector (run order), over the chains present, in chain order. */
  readonly accumulators: readonly Accumulator[];
  /** Per-chain summaries, in chain order. */
  readonly chains: readonly Omit<ShardChain, 'accumulators'>[];
  /** Measurements merged. */
  readonly measured: number;
  /** Measurements the plan asks for. */
  readonly planned: number;
  /** Chains in no shard (only with `partial`). */
  readonly missing: readonly number[];
  /** Chains present but not finished (only with `partial`). */
  readonly unfinished: readonly number[];
  /** The longest `elapsed` of the shards, in seconds. */
  readonly elapsed: number;
}

/** Ranges of chain indices for a message: "4–7, 9". */
function ranges(chains: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < chains.length; ) {
    let j = i;
    while (j + 1 < chains.length && chains[j + 1] === chains[j] + 1) j++;
    out.push(j === i ? `${chains[i]}` : `${chains[i]}–${chains[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

/** An accumulator without its empty bins (a chain in progress has bins not yet begun). */
function withoutEmptyBins(acc: Accumulator): Accumulator {
  const keep: number[] = [];
  for (let k = 0; k < acc.bins; k++) if (acc.count[k] > 0) keep.push(k);
  if (keep.length === acc.bins) return acc;
  const parts = keep.map((k) => {
    const one = createAccumulator(acc, 1);
    const m = acc.nEven + acc.nOdd;
    const perSum = (acc.levels + 1) * m;
    const perCross = acc.levels * m * m;
    one.count[0] = acc.count[k];
    one.sum.set(acc.sum.subarray(k * perSum, (k + 1) * perSum));
    one.sumSq.set(acc.sumSq.subarray(k * perSum * m, (k + 1) * perSum * m));
    one.sumCross.set(acc.sumCross.subarray(k * perCross, (k + 1) * perCross));
    return one;
  });
  return mergeAccumulators(parts);
}

/**
 * Merges shards of one plan: checks that every shard ran `plan` (same plan hash), that no
 * chain is in two shards and, unless `partial`, that every chain is there and finished; then
 * concatenates every projector's bins in chain order, as `sampleMcrg` does. So the merged
 * bins, and their analysis (`mergedResult`), equal the single-process run's bit for bit,
 * however the chains were sharded. With `partial`, chains still running contribute their
 * non-empty bins so far. Throws a UsageError naming the shards at fault.
 */
export function mergeShards(
  plan: Plan,
  shards: readonly ShardResult[],
  options: MergeOptions = {},
): MergedShards {
  const name = (i: number) => options.names?.[i] ?? `shard ${shards[i].shard.index}/${shards[i].shard.count}`;
  const total = plan.config.chains;
  const owner = new Map<number, number>();
  const chains: ShardChain[] = [];
  shards.forEach((s, i) => {
    if (s.planHash !== plan.planHash || s.plan.planHash !== plan.planHash) {
      throw new UsageError(
        `${name(i)} is from another plan (hash ${s.planHash.slice(0, 12)}…, this run's is ${plan.planHash.slice(0, 12)}…)`,
      );
    }
    for (const c of s.chains) {
      if (!Number.isInteger(c.chain) || c.chain < 0 || c.chain >= total)
        throw new UsageError(`${name(i)} holds chain ${c.chain}, not a chain of this run (0..${total - 1})`);
      const first = owner.get(c.chain);
      if (first !== undefined)
        throw new UsageError(`chain ${c.chain} is in two shards: ${name(first)} and ${name(i)}`);
      owner.set(c.chain, i);
      chains.push(c);
    }
  });
  chains.sort((a, b) => a.chain - b.chain);
  const missing = Array.from({ length: total }, (_, c) => c).filter((c) => !owner.has(c));
  const unfinished = chains.filter((c) => c.measured < c.planned).map((c) => c.chain);
  if (!options.partial) {
    if (missing.length > 0)
      throw new UsageError(
        `chain${missing.length > 1 ? 's' : ''} ${ranges(missing)} of ${total} missing: a shard was not given or has not finished (--partial merges what there is)`,
      );
    if (unfinished.length > 0)
      throw new UsageError(
        `chain${unfinished.length > 1 ? 's' : ''} ${ranges(unfinished)} not finished (--partial merges what there is)`,
      );
  }
  // A finished chain keeps every bin, as in the single-process run; one in progress its
  // non-empty bins, and one still thermalizing none.
  const measuring = chains.filter((c) => c.measured === c.planned || c.measured > 0);
  if (measuring.length === 0) throw new UsageError('nothing to merge: no chain has measured yet');
  const projectors = plan.config.projectors.length;
  const accumulators = Array.from({ length: projectors }, (_, p) =>
    mergeAccumulators(
      measuring.map((c) =>
        c.measured < c.planned ? withoutEmptyBins(c.accumulators[p]) : c.accumulators[p],
      ),
    ),
  );
  return {
    plan,
    accumulators,
    chains: measuring.map(({ accumulators: _, ...summary }) => summary),
    measured: chains.reduce((s, c) => s + c.measured, 0),
    planned: plan.config.samples,
    missing,
    unfinished,
    elapsed: Math.max(0, ...shards.map((s) => s.elapsed)),
  };
}

/**
 * The report of merged shards, as `runMcrg` reports a run: the plan's setup rebuilt through
 * `registry`, each projector's bins analyzed. For a full merge its estimates, bins and
 * τ_int equal the single-process run's bit for bit; `wallSeconds` is the longest shard's
 * running time and `config.workers` is 1.
 */
export async function mergedResult(registry: Registry, merged: MergedShards): Promise<McrgResult> {
  const setup = await prepareMcrg(registry, { ...merged.plan.config, workers: 1 });
  const sample: McrgSample = {
    setup,
    accumulators: merged.accumulators,
    chains: merged.chains.map(({ measured: _, planned: __, ...c }) => c),
    wallSeconds: merged.elapsed,
  };
  return mcrgResult(sample, { versions: { ...merged.plan.versions } });
}

/** A chain's result as a msgpack payload (float arrays little-endian). */
export function chainResultToData(c: ChainResult): Record<string, unknown> {
  return {
    chain: c.chain,
    accumulators: c.accumulators.map(accumulatorToData),
    tau: c.tau,
    tauError: c.tauError,
    moves: c.moves,
    spinsUpdated: c.spinsUpdated,
  };
}

function isMap(d: unknown): d is Record<string, unknown> {
  return typeof d === 'object' && d !== null && !Array.isArray(d) && !ArrayBuffer.isView(d);
}

/** A number field of a payload (NaN allowed: τ_int of a model without even couplings). */
export function numberField(o: Record<string, unknown>, name: string, whole = false): number {
  const v = o[name];
  if (typeof v !== 'number' || (whole && (!Number.isSafeInteger(v) || v < 0)))
    throw new Error(
      `field '${name}' is ${JSON.stringify(v)}, not a ${whole ? 'non-negative integer' : 'number'}`,
    );
  return v;
}

/** The inverse of `chainResultToData`. */
export function chainResultFromData(d: unknown): ChainResult {
  if (!isMap(d)) throw new Error('chain result is not a map');
  if (!Array.isArray(d.accumulators) || d.accumulators.length === 0)
    throw new Error("field 'accumulators' is not a list of accumulators");
  return {
    chain: numberField(d, 'chain', true),
    accumulators: d.accumulators.map(accumulatorFromData),
    tau: numberField(d, 'tau'),
    tauError: numberField(d, 'tauError'),
    moves: numberField(d, 'moves', true),
    spinsUpdated: numberField(d, 'spinsUpdated', true),
  };
}

/** A shard result as a msgpack payload: the plan as JSON text, the chains as plain fields. */
export function shardResultToData(s: ShardResult): Record<string, unknown> {
  return {
    planHash: s.planHash,
    plan: JSON.stringify(s.plan),
    shard: { index: s.shard.index, count: s.shard.count },
    complete: s.complete,
    elapsed: s.elapsed,
    chains: s.chains.map((c) => ({ ...chainResultToData(c), measured: c.measured, planned: c.planned })),
  };
}

/** The inverse of `shardResultToData`. */
export function shardResultFromData(d: unknown): ShardResult {
  if (!isMap(d)) throw new Error('shard result is not a map');
  if (typeof d.planHash !== 'string' || typeof d.plan !== 'string')
    throw new Error("fields 'planHash' and 'plan' are not strings");
  const plan = JSON.parse(d.plan) as Plan;
  const shard = d.shard;
  if (!isMap(shard)) throw new Error("field 'shard' is not a map");
  if (typeof d.complete !== 'boolean') throw new Error("field 'complete' is not a boolean");
  if (!Array.isArray(d.chains)) throw new Error("field 'chains' is not a list");
  return {
    planHash: d.planHash,
    plan,
    shard: { index: numberField(shard, 'index', true), count: numberField(shard, 'count', true) },
    complete: d.complete,
    elapsed: numberField(d, 'elapsed'),
    chains: d.chains.map((c: unknown) => {
      if (!isMap(c)) throw new Error('shard chain is not a map');
      return {
        ...chainResultFromData(c),
        measured: numberField(c, 'measured', true),
        planned: numberField(c, 'planned', true),
      };
    }),
  };
}

/**
 * A shard result on its own (kind 'shard-result', checksummed msgpack): the in-memory form
 * the HDF5 shard file (`<run-dir>/shards/<I>.h5`) maps field for field.
 */
export const shardResultCodec = defineCodec<ShardResult>({
  kind: 'shard-result',
  version: 1,
  toData: shardResultToData,
  fromData: shardResultFromData,
});
