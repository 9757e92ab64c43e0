import { UsageError } from '@rsrg/core';
import { type McrgResult, packageVersions, prepareMcrg, runChain, runMcrg, sampleMcrg } from '@rsrg/mcrg';
import { beforeAll, describe, expect, it } from 'vitest';
import { sourceRegistry } from '../../mcrg/test/registry.js';
import {
  createPlan,
  finishedChain,
  mergedResult,
  mergeShards,
  type Plan,
  parseShard,
  type ShardResult,
  shardChains,
  shardResultCodec,
} from '../src/index.js';
import { config, reproducible } from './fixtures.js';

const registry = sourceRegistry();

describe('shardChains', () => {
  it('splits the chains into N contiguous blocks that differ by at most one chain', () => {
    expect(shardChains(8, 0, 1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([0, 1, 2].map((i) => shardChains(8, i, 3))).toEqual([
      [0, 1],
      [2, 3, 4],
      [5, 6, 7],
    ]);
    for (const n of [1, 2, 3, 5, 8]) {
      const all = Array.from({ length: n }, (_, i) => shardChains(8, i, n));
      expect(all.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      const sizes = all.map((a) => a.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    expect(() => shardChains(8, 8, 8)).toThrow(/index I must be in 0..7 for N = 8, got 8/);
    expect(() => shardChains(8, 0, 9)).toThrow(/9 shards of 8 chains/);
    expect(() => shardChains(8, 0, 0)).toThrow(UsageError);
  });

  it('parseShard reads I/N', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(() => parseShard('4/4')).toThrow(/in 0..3/);
    expect(() => parseShard('x')).toThrow(/--shard must be I\/N/);
  });
});

describe('mergeShards', () => {
  let plan: Plan;
  let reference: McrgResult;
  let referenceBins: Awaited<ReturnType<typeof sampleMcrg>>['accumulators'];
  /** Every chain's result, as a shard would hold it. */
  let results: ReturnType<typeof finishedChain>[];

  const shard = (index: number, count: number): ShardResult => ({
    planHash: plan.planHash,
    plan,
    shard: { index, count },
    complete: true,
    elapsed: 1,
    chains: shardChains(8, index, count).map((c) => results[c]),
  });

  beforeAll(async () => {
    const setup = await prepareMcrg(registry, config);
    plan = createPlan(setup.config, registry.sources, packageVersions(registry.sources));
    reference = await runMcrg(registry, config);
    referenceBins = (await sampleMcrg(registry, config)).accumulators;
    results = [];
    for (let c = 0; c < 8; c++) results.push(finishedChain(plan, await runChain(setup, c)));
  });

  it.each([1, 2, 3, 8])(
    '%i shard(s) of 8 chains merge into the single-process run, bit for bit',
    async (n) => {
      // Shards arrive in any order, and through their file format.
      const shards = Array.from({ length: n }, (_, i) => shard(n - 1 - i, n)).map((s) =>
        shardResultCodec.decode(shardResultCodec.encode(s), 'shard'),
      );
      const merged = mergeShards(plan, shards);
      expect(merged.accumulators).toEqual(referenceBins);
      expect(merged.measured).toBe(config.samples);
      expect(merged.missing).toEqual([]);
      const result = await mergedResult(registry, merged);
      expect(result.estimates).toEqual(reference.estimates);
      expect(reproducible(result)).toEqual(reproducible(reference));
    },
  );

  it('refuses a chain twice, missing chains, a foreign shard, unfinished chains, naming them', async () => {
    expect(() => mergeShards(plan, [shard(0, 2), shard(0, 2)])).toThrow(
      'chain 0 is in two shards: shard 0/2 and shard 0/2',
    );
    expect(() => mergeShards(plan, [shard(0, 2), shard(1, 4)], { names: ['a.h5', 'b.h5'] })).toThrow(
      'chain 2 is in two shards: a.h5 and b.h5',
    );
    expect(() => mergeShards(plan, [shard(0, 4), shard(3, 4)])).toThrow(
      /^chains 2–5 of 8 missing: a shard was not given or has not finished/,
    );
    expect(() => mergeShards(plan, [shard(0, 8)])).toThrow(/^chains 1–7 of 8 missing/);
    const other = createPlan(
      (await prepareMcrg(registry, { ...config, seed: 32 })).config,
      registry.sources,
      plan.versions,
    );
    const foreign = { ...shard(1, 2), planHash: other.planHash, plan: other };
    expect(() => mergeShards(plan, [shard(0, 2), foreign])).toThrow(
      /^shard 1\/2 is from another plan \(hash [0-9a-f]{12}…/,
    );
    const unfinished = { ...shard(1, 2), chains: shard(1, 2).chains.map((c) => ({ ...c, measured: 3 })) };
    expect(() => mergeShards(plan, [shard(0, 2), unfinished])).toThrow(/^chains 4–7 not finished/);
    expect(() => mergeShards(plan, [])).toThrow(/chains 0–7 of 8 missing/);

    // With partial: what there is.
    const half = mergeShards(plan, [shard(1, 2)], { partial: true });
    expect(half.missing).toEqual([0, 1, 2, 3]);
    expect(half.measured).toBe(151 + 3 * 150);
    expect((await mergedResult(registry, half)).samples).toBe(601);
  });
});
