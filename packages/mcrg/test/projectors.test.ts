import { UsageError } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { type McrgConfig, type McrgResult, prepareMcrg, runMcrg, sampleMcrg } from '../src/index.js';
import { sourceRegistry } from './registry.js';

const base: McrgConfig = {
  model: 'ising2d',
  size: 16,
  samples: 2 * 8 * 60,
  thermalize: 20,
  interval: 1,
  chains: 2,
  binsPerChain: 8,
  seed: 77,
  workers: 1,
};

/** Everything but timing. */
function reproducible(r: McrgResult) {
  const { wallSeconds: _, ...rest } = r;
  return rest;
}

describe('sampling and projecting streams', () => {
  it('configurations do not depend on the projector: level-0 sums of majority and decimation runs agree', async () => {
    const majority = await sampleMcrg(sourceRegistry(), { ...base, projector: 'majority' });
    const decimation = await sampleMcrg(sourceRegistry(), { ...base, projector: 'decimation' });
    const m = 7 + 4;
    const [majorityBins] = majority.accumulators;
    const [decimationBins] = decimation.accumulators;
    const L1 = majorityBins.levels + 1;
    for (let k = 0; k < majorityBins.bins; k++) {
      const level0 = (a: Float64Array, width: number) =>
        Array.from(a.subarray(k * L1 * width, (k * L1 + 1) * width));
      expect(level0(decimationBins.sum, m)).toEqual(level0(majorityBins.sum, m));
      expect(level0(decimationBins.sumSq, m * m)).toEqual(level0(majorityBins.sumSq, m * m));
    }
    // The coarse levels do differ: the comparison is not vacuous.
    expect(Array.from(decimationBins.sum.subarray(m, 2 * m))).not.toEqual(
      Array.from(majorityBins.sum.subarray(m, 2 * m)),
    );
    expect(majority.chains.map((c) => c.tau)).toEqual(decimation.chains.map((c) => c.tau));
  });
});

describe('several projectors in one run', () => {
  it("each projector's estimates are bit-identical to a run of that projector alone", async () => {
    const registry = sourceRegistry();
    const multi = await runMcrg(registry, {
      ...base,
      projectors: [
        { id: 'majority', label: 'a' },
        { id: 'decimation' },
        { id: 'majority', label: 'b', options: {} },
      ],
    });
    const majority = await runMcrg(registry, { ...base, projector: 'majority' });
    const decimation = await runMcrg(registry, { ...base, projector: 'decimation' });
    expect(multi.projectors).toEqual([
      { label: 'a', id: 'majority', options: {} },
      { label: 'decimation', id: 'decimation', options: {} },
      { label: 'b', id: 'majority', options: {} },
    ]);
    expect(majority.projectors).toEqual([{ label: 'majority', id: 'majority', options: {} }]);
    const of = (r: McrgResult, label: string) =>
      r.estimates.filter((e) => e.projector === label).map(({ projector: _, ...e }) => e);
    const n = 2 * (7 + 4);
    expect(multi.estimates).toHaveLength(3 * n);
    expect(majority.estimates.every((e) => e.projector === 'majority')).toBe(true);
    expect(of(majority, 'majority')).toHaveLength(n);
    // Majority draws tie-breaking coins: a shared stream would make 'b' differ from 'a'.
    expect(of(multi, 'a')).toEqual(of(majority, 'majority'));
    expect(of(multi, 'b')).toEqual(of(majority, 'majority'));
    expect(of(multi, 'decimation')).toEqual(of(decimation, 'decimation'));
    expect(of(multi, 'a')).not.toEqual(of(multi, 'decimation'));
    expect(multi.tauInt).toEqual(majority.tauInt);
    // The run carries the list only: no singular projector beside it.
    expect(multi.config).not.toHaveProperty('projector');
    expect(multi.config).not.toHaveProperty('projectorOptions');
  });

  it('a run with projector: id is a run with projectors: [{ id }]', async () => {
    const registry = sourceRegistry();
    const one = await runMcrg(registry, { ...base, projector: 'decimation' });
    const list = await runMcrg(registry, { ...base, projectors: [{ id: 'decimation' }] });
    expect(reproducible(list)).toEqual(reproducible(one));
    expect(one.config.projectors).toEqual([{ label: 'decimation', id: 'decimation', options: {} }]);
    expect(Object.keys(one.config)).not.toContain('projector');
  });

  it('rejects conflicting, empty, duplicate and mismatched projector lists', async () => {
    const failure = async (config: Partial<McrgConfig>) => {
      const run = prepareMcrg(sourceRegistry(), { ...base, ...config });
      await expect(run).rejects.toBeInstanceOf(UsageError);
      return ((await run.catch((e: Error) => e)) as Error).message;
    };
    expect(await failure({ projector: 'majority', projectors: [{ id: 'decimation' }] })).toBe(
      'give either projectors or projector (with projectorOptions), not both',
    );
    expect(await failure({ projectors: [] })).toBe('projectors must list at least one projector');
    expect(await failure({ projectors: [{ id: 'majority' }, { id: 'majority' }] })).toMatch(
      /^projector label 'majority' appears twice/,
    );
    expect(
      await failure({
        projectors: [{ id: 'majority' }, { id: 'decimation', options: { blockSize: 4 } }],
      }),
    ).toBe(
      "the projectors of one run must share the block size: 'majority' has b = 2, 'decimation' has b = 4",
    );
    expect(await failure({ projectors: [{ id: 'majority' }, { id: 'median' }] })).toMatch(
      /unknown projector 'median'/,
    );
  });
});
