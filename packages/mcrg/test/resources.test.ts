// What a run is estimated to need before it starts, the array limits, and an ensemble header
// checked as data: a damaged header is a damaged file, never a usage error.
import { FileFormatError, MAX_SITES, UsageError } from '@rsrg/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assertRunArraysFit,
  CHAIN_BYTES_PER_SITE,
  chainStateBytes,
  checkEnsembleHeader,
  concurrentChains,
  type Ensemble,
  ensembleCodec,
  estimateMcrgMemory,
  estimateSamplingMemory,
  PROCESS_BYTES,
  prepareMcrg,
  prepareSampling,
  runChain,
  sampleEnsemble,
  WORKER_BYTES,
} from '../src/index.js';
import { sourceRegistry } from './registry.js';

const registry = sourceRegistry();
const base = { model: 'ising2d', samples: 100_000, thermalize: 1000, seed: 1 } as const;

describe('memory estimates', () => {
  it('count the chains that run at once: one per worker, one in this thread', () => {
    expect(concurrentChains(1, 8)).toBe(1);
    expect(concurrentChains(2, 8)).toBe(2);
    expect(concurrentChains(16, 8)).toBe(8);
  });

  it('refuse the 65536² lattice on any machine, and grow with the workers running chains', async () => {
    const huge = await prepareMcrg(registry, { ...base, size: 65536, workers: 1 });
    const e = estimateMcrgMemory(huge, { workers: 2 });
    const sites = 65536 ** 2;
    expect(e.bytes).toBeGreaterThan(
      2 * sites * (CHAIN_BYTES_PER_SITE.base + 4 * CHAIN_BYTES_PER_SITE.perNeighbour),
    );
    expect(e.bytes).toBeGreaterThan(2 ** 39); // half a TiB
    expect(e.detail).toBe('65536×65536 lattice, 2 chains at a time, 14 levels');
    const small = await prepareMcrg(registry, { ...base, size: 64, chains: 8, workers: 1 });
    const [one, two, eight, many] = [1, 2, 8, 64].map(
      (workers) => estimateMcrgMemory(small, { workers }).bytes,
    );
    expect(two).toBeGreaterThan(one);
    expect(eight).toBeGreaterThan(two);
    expect(many).toBe(eight); // no more than one thread per chain runs
    // Each more running chain: a worker thread and a chain's lattice state, at least.
    expect(eight - two).toBeGreaterThanOrEqual(6 * (WORKER_BYTES + chainStateBytes(small.lattice)));
    expect(one).toBeGreaterThan(PROCESS_BYTES);
  });

  it('count an ensemble about three times, and the bins of every chain', async () => {
    const setup = await prepareMcrg(registry, { ...base, size: 16, workers: 1 });
    const plain = estimateMcrgMemory(setup).bytes;
    expect(estimateMcrgMemory(setup, { ensembleBytes: 2 ** 30 }).bytes - plain).toBeGreaterThanOrEqual(
      3 * 2 ** 30,
    );
    const binned = await prepareMcrg(registry, { ...base, size: 16, workers: 1, binsPerChain: 1000 });
    expect(estimateMcrgMemory(binned).bytes).toBeGreaterThan(plain);
  });

  it('for sampling, count the stored configurations', () => {
    const setup = prepareSampling(registry, { ...base, size: 256, samples: 1_000_000, workers: 1 });
    const e = estimateSamplingMemory(setup, { workers: 2 });
    expect(e.bytes).toBeGreaterThan((3 * 1_000_000 * (256 * 256)) / 8);
    expect(e.detail).toBe('256×256 lattice, 2 chains at a time, 1000000 configurations of 8192 bytes');
    // A checkpointed run (rsrg sample --run-dir) holds them twice more.
    const checkpointed = estimateSamplingMemory(setup, { workers: 2, checkpointed: true });
    expect(checkpointed.bytes - e.bytes).toBe(2 * 1_000_000 * 8192);
  });

  it('cover what one chain allocates (ising2d, L = 1024, the default plugins)', async () => {
    const setup = await prepareMcrg(registry, {
      ...base,
      size: 1024,
      samples: 16,
      thermalize: 1,
      chains: 1,
      binsPerChain: 4,
      workers: 1,
    });
    const before = process.memoryUsage();
    const result = await runChain(setup, 0);
    const after = process.memoryUsage();
    expect(result.accumulators.length).toBe(1);
    const allocated = after.external - before.external;
    const estimated = chainStateBytes(setup.lattice);
    // Within a margin for garbage nobody collected: the estimate is neither far low nor far high.
    expect(allocated).toBeLessThan(1.25 * estimated);
    expect(allocated).toBeGreaterThan(0.5 * estimated);
  });
});

describe('array limits', () => {
  it('refuse a lattice with more sites than an Int32Array can index', async () => {
    const setup = await prepareMcrg(registry, { ...base, size: 65536, workers: 1 });
    expect(setup.lattice.volume).toBeGreaterThan(MAX_SITES);
    expect(() => assertRunArraysFit(setup, 'mcrg')).toThrow(
      new UsageError(
        'the 65536×65536 lattice has 4294967296 sites, more than the 2147483647 (2^31 − 1) a chain can index: use a smaller size',
      ),
    );
    const fine = await prepareMcrg(registry, { ...base, size: 64, workers: 1 });
    expect(() => assertRunArraysFit(fine, 'mcrg')).not.toThrow();
  });

  it('refuse an ensemble larger than one file can hold', () => {
    const setup = prepareSampling(registry, { ...base, size: 1024, samples: 40_000, workers: 1 });
    expect(() => assertRunArraysFit(setup, 'sample')).toThrow(
      /an ensemble of 40000 configurations of the 1024×1024 lattice holds 5242880000 bytes, more than one ensemble file can/,
    );
  });

  it('refuse fewer samples than chains when sampling', () => {
    expect(() => prepareSampling(registry, { ...base, size: 8, samples: 2, chains: 8, workers: 1 })).toThrow(
      new UsageError(
        'samples 2 is fewer than the 8 chains: every chain must keep at least one configuration',
      ),
    );
  });
});

describe('ensemble headers', () => {
  let ensemble: Ensemble;
  beforeAll(async () => {
    ensemble = await sampleEnsemble(registry, {
      model: 'ising2d',
      size: 8,
      samples: 64,
      thermalize: 10,
      seed: 3,
      chains: 2,
      workers: 1,
    });
  });

  const withHeader = (h: Record<string, unknown>): Ensemble =>
    ({ ...ensemble, header: { ...ensemble.header, ...h } }) as Ensemble;
  const decodeWith = (h: Record<string, unknown>) => () =>
    ensembleCodec.decode(ensembleCodec.encode(withHeader(h)), 'e.rsrg');

  it('are checked as data when read: a bad value names the file and the field', () => {
    expect(() => decodeWith({})()).not.toThrow();
    for (const [h, field] of [
      [
        { coupling: Number.NaN },
        /e\.rsrg: malformed ensemble \(header field 'coupling' is NaN, not a finite number\)/,
      ],
      [{ coupling: Number.POSITIVE_INFINITY }, /header field 'coupling' is Infinity/],
      [{ chains: 3000 }, /header field 'chains' is 3000, more than the 64 configurations the file holds/],
      [{ chains: 0 }, /header field 'chains' is 0, not a positive integer/],
      [{ model: 'no such model!' }, /header field 'model' is 'no such model!', not an id/],
      [{ seed: -1 }, /header field 'seed' is -1, not a non-negative integer/],
      [{ interval: 1.5 }, /header field 'interval' is 1.5, not a positive integer/],
      [
        { sizes: [65536, 65536], size: 65536 },
        /header field 'sizes' is 65536×65536, more sites than a lattice can have/,
      ],
    ] as const) {
      expect(decodeWith(h), JSON.stringify(h)).toThrow(FileFormatError);
      expect(decodeWith(h), JSON.stringify(h)).toThrow(field);
    }
  });

  it('are checked against the registry: unknown ids, the lattice and the coupling are file errors', () => {
    expect(() => checkEnsembleHeader(registry, ensemble, 'e.rsrg')).not.toThrow();
    const cases: [Record<string, unknown>, string][] = [
      [
        { model: 'isig2d' },
        "e.rsrg: header field 'model' is 'isig2d', a model no loaded plugin provides (known: ising1d, ising2d, ising3d, potts2d): the file is damaged, or was written with other plugins",
      ],
      [{ sampler: 'wolf' }, "e.rsrg: header field 'sampler' is 'wolf', a sampler no loaded plugin provides"],
      [{ sizes: [8, 4] }, "e.rsrg: header field 'sizes' is 8×4, but model 'ising2d' at size 8 is 8×8"],
      [
        { coupling: -28880.8, sampler: 'wolff' },
        "e.rsrg: header field 'coupling' is -28880.8, which its sampler 'wolff' cannot take on model 'ising2d' (coupling 'nearest neighbour' has K = -28880.8 < 0",
      ],
    ];
    for (const [h, message] of cases) {
      const check = () => checkEnsembleHeader(registry, withHeader(h), 'e.rsrg');
      expect(check, message).toThrow(FileFormatError);
      expect(check, message).toThrow(message);
    }
  });

  it('prepareMcrg reports a damaged header as a file error, a value given against it as a usage error', async () => {
    await expect(prepareMcrg(registry, { ensemble: withHeader({ model: 'isig2d' }) })).rejects.toThrow(
      FileFormatError,
    );
    await expect(prepareMcrg(registry, { ensemble, size: 16 })).rejects.toThrow(UsageError);
    await expect(prepareMcrg(registry, { ensemble, workers: 1, binsPerChain: 40 })).rejects.toThrow(
      "the ensemble's 64 configurations are too few for 2 chains × 40 bins (need at least 80): ask for fewer bins or chains",
    );
  });
});
