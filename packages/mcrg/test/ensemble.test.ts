import {
  FileFormatError,
  Lattice,
  packSpins,
  RNG_ALGORITHM,
  Rng,
  randomSpins,
  type Spins,
  UsageError,
  unpackSpins,
} from '@rsrg/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accumulate,
  accumulatorCodec,
  analyzeEnsemble,
  createAccumulator,
  type Ensemble,
  ensembleCodec,
  ensembleConfiguration,
  ensembleConfigurations,
  type McrgConfig,
  type McrgResult,
  MeasurementPipeline,
  modelCouplings,
  packConfiguration,
  prepareMcrg,
  runChain,
  runMcrg,
  sampleEnsemble,
  sampleMcrg,
  unpackConfiguration,
} from '../src/index.js';
import { sourceRegistry } from './registry.js';

const sampling = {
  model: 'ising2d',
  size: 8,
  samples: 3 * 4 * 50 + 2,
  thermalize: 30,
  interval: 2,
  seed: 31,
  chains: 3,
  workers: 1,
} as const;

/** Everything but timing and provenance that legitimately differs between the two runs. */
function reproducible(r: McrgResult) {
  const { wallSeconds: _, ensemble: __, ...rest } = r;
  return rest;
}

describe('bit-packed configurations', () => {
  it("pack/unpack at an index use core's packSpins layout, for volumes that are not multiples of 8", () => {
    const rng = Rng.stream(3, 0);
    for (const volume of [1, 5, 8, 9, 27, 64, 100]) {
      const lattice = new Lattice([volume]);
      const configs = Array.from({ length: 4 }, () => randomSpins(lattice, rng));
      const bytes = Math.ceil(volume / 8);
      const packed = new Uint8Array(4 * bytes);
      configs.forEach((s, i) => {
        packConfiguration(s, packed, i);
      });
      const out = new Int8Array(volume);
      configs.forEach((s, i) => {
        expect(Array.from(packed.subarray(i * bytes, (i + 1) * bytes))).toEqual(Array.from(packSpins(s)));
        expect(Array.from(unpackConfiguration(packed, i, out))).toEqual(Array.from(s));
        expect(Array.from(unpackSpins(packSpins(s), volume))).toEqual(Array.from(s));
      });
    }
  });
});

describe('ensembles', () => {
  let ensemble: Ensemble;

  beforeAll(async () => {
    ensemble = await sampleEnsemble(sourceRegistry(), sampling);
  });

  it('holds the configurations of each chain in chain order, chain c sampled from Rng.stream(seed, 2c)', async () => {
    expect(ensemble.count).toBe(sampling.samples);
    expect(ensemble.volume).toBe(64);
    expect(ensemble.packed.length).toBe(sampling.samples * 8);
    expect(ensemble.header).toMatchObject({
      model: 'ising2d',
      size: 8,
      sizes: [8, 8],
      coupling: 0.44068679350977147,
      sampler: 'wolff-wasm',
      interval: 2,
      thermalize: 30,
      seed: 31,
      chains: 3,
      rng: RNG_ALGORITHM,
    });
    expect(Date.parse(ensemble.header.createdAt)).toBeGreaterThan(0);
    // Chain 1 by hand: random start and every Wolff move from stream 2·1 of the seed.
    const registry = sourceRegistry();
    const model = registry.models.get('ising2d');
    const lattice = model.lattice(8);
    const kernel = registry.samplers.get('wolff').create(lattice, model.hamiltonian(model.criticalCoupling!));
    const rng = Rng.stream(sampling.seed, 2);
    const state = { spins: randomSpins(lattice, rng), rng, moves: 0 };
    for (let i = 0; i < sampling.thermalize; i++) kernel.step(state);
    const first = 201; // chain 0 holds 201 = ceil(602 / 3) configurations
    const out = new Int8Array(64);
    for (let k = 0; k < 5; k++) {
      for (let i = 0; i < sampling.interval; i++) kernel.step(state);
      expect(Array.from(ensembleConfiguration(ensemble, first + k, out))).toEqual(Array.from(state.spins));
    }
    expect(() => ensembleConfiguration(ensemble, ensemble.count)).toThrow(UsageError);
    // A range unpacked at once is the configurations one by one, back to back.
    const range = ensembleConfigurations(ensemble, first, first + 5);
    for (let k = 0; k < 5; k++)
      expect(range.subarray(k * 64, (k + 1) * 64)).toEqual(ensembleConfiguration(ensemble, first + k));
    expect(ensembleConfigurations(ensemble).length).toBe(ensemble.count * 64);
    expect(() => ensembleConfigurations(ensemble, 3, 2)).toThrow(UsageError);
    expect(() => ensembleConfigurations(ensemble, 0, ensemble.count + 1)).toThrow(UsageError);
    expect(() => ensembleConfigurations(ensemble, 0, 2, new Int8Array(64))).toThrow(UsageError);
  });

  it('round-trips through its codec and rejects corrupt bytes with a FileFormatError', () => {
    const bytes = ensembleCodec.encode(ensemble);
    const back = ensembleCodec.decode(bytes);
    expect(back).toEqual(ensemble);
    expect(back.packed).not.toBe(ensemble.packed);
    bytes.fill(0, bytes.length - ensemble.packed.length); // the copy does not alias the input
    expect(back).toEqual(ensemble);
    const good = ensembleCodec.encode(ensemble);
    const corrupt: Uint8Array[] = [
      good.subarray(0, good.length - 1),
      good.subarray(0, 40),
      Uint8Array.from(good).fill(0xc1, 0, 1),
      ensembleCodec.encode({ ...ensemble, count: ensemble.count + 1 }),
      ensembleCodec.encode({ ...ensemble, volume: 63 }),
      ensembleCodec.encode({ ...ensemble, header: { ...ensemble.header, sizes: [] } }),
      ensembleCodec.encode({ ...ensemble, header: { ...ensemble.header, seed: -1 } }),
      ensembleCodec.encode({ ...ensemble, header: { ...ensemble.header, chains: 0 } }),
      accumulatorCodec.encode(createAccumulator({ levels: 1, blockSize: 2, nEven: 1, nOdd: 0 }, 2)),
    ];
    for (const b of corrupt) expect(() => ensembleCodec.decode(b, 'e.rsrg')).toThrow(FileFormatError);
    expect(() => ensembleCodec.decode(good.subarray(0, 40), 'e.rsrg')).toThrow(/^e\.rsrg /);
  });

  it('runMcrg over the ensemble equals the sampling run bit for bit (same seed and chains)', async () => {
    const registry = sourceRegistry();
    const config: McrgConfig = { ...sampling, binsPerChain: 4, projector: 'majority' };
    const sampled = await sampleMcrg(registry, config);
    const stored = await sampleMcrg(registry, {
      ensemble,
      binsPerChain: 4,
      projector: 'majority',
      workers: 1,
    });
    expect(stored.setup.config).toEqual(sampled.setup.config);
    expect(stored.accumulators).toEqual(sampled.accumulators);
    expect(stored.ensemble).toEqual({ header: ensemble.header, count: ensemble.count });
    const a = await runMcrg(registry, config);
    const b = await runMcrg(registry, { ensemble, binsPerChain: 4, projector: 'majority', workers: 1 });
    expect(reproducible(b)).toEqual({ ...reproducible(a), spinsUpdatedPerMove: Number.NaN });
    expect(b.ensemble?.count).toBe(ensemble.count);
    expect(a.estimates.filter((e) => Number.isFinite(e.y)).length).toBeGreaterThan(4);
  });

  it('fewer samples take the first configurations of every stored chain, as a shorter sampling run would', async () => {
    const registry = sourceRegistry();
    const samples = 3 * 4 * 20 + 1;
    const sampled = await sampleMcrg(registry, { ...sampling, samples, binsPerChain: 4 });
    const stored = await sampleMcrg(registry, { ensemble, samples, binsPerChain: 4, workers: 1 });
    expect(stored.accumulators).toEqual(sampled.accumulators);
  });

  it('the sampling parameters come from the header; a conflicting value is an error', async () => {
    const registry = sourceRegistry();
    const setup = await prepareMcrg(registry, { ensemble, workers: 1 });
    expect(setup.config).toMatchObject({ model: 'ising2d', size: 8, samples: 602, chains: 3, seed: 31 });
    const reject = (config: Partial<McrgConfig>, message: RegExp) =>
      expect(prepareMcrg(registry, { ensemble, workers: 1, ...config })).rejects.toThrow(message);
    await reject({ size: 16 }, /^size 16 was given, but the ensemble was sampled with size 8$/);
    await reject({ model: 'ising3d' }, /^model ising3d was given/);
    await reject({ thermalize: 5 }, /^thermalize 5 was given/);
    await reject({ samples: 603 }, /^samples 603 is more than the ensemble's 602 configurations$/);
    await expect(
      prepareMcrg(registry, { ensemble, workers: 1, thermalize: 30, size: 8 }),
    ).resolves.toBeTruthy();
  });

  it('chain c projects with Rng.stream(seed, 2c + 1)', async () => {
    const registry = sourceRegistry();
    const setup = await prepareMcrg(registry, { ...sampling, binsPerChain: 2, projector: 'majority' });
    const result = await runChain(setup, 2);
    // By hand: chain 2's stored configurations (from 201 + 201), blocked with stream 5.
    const pipeline = new MeasurementPipeline(
      setup.lattice,
      setup.projectors[0].projector,
      setup.couplings,
      setup.config.levels,
    );
    const acc = createAccumulator(result.accumulators[0], 2);
    const rng = Rng.stream(sampling.seed, 5);
    const spins: Spins = new Int8Array(64);
    for (let k = 0; k < 200; k++)
      accumulate(
        acc,
        k < 100 ? 0 : 1,
        pipeline.measure(ensembleConfiguration(ensemble, 402 + k, spins), rng),
      );
    expect(result.accumulators).toEqual([acc]);
  });
});

describe('analyzeEnsemble', () => {
  it('equals runMcrg over the same ensemble with one chain, bit for bit', async () => {
    const registry = sourceRegistry();
    const ensemble = await sampleEnsemble(registry, { ...sampling, samples: 640 });
    const majority = await registry.projectors.get('majority').create({});
    const { even, odd, evenNames, oddNames } = modelCouplings(registry, 'ising2d');
    const direct = analyzeEnsemble(ensemble, majority, { even, odd, evenNames, seed: 9, bins: 16 });
    const run = await runMcrg(registry, { ensemble, chains: 1, binsPerChain: 16, seed: 9, workers: 1 });
    expect(direct.estimates).toEqual(run.estimates);
    expect(direct.estimates[0].projector).toBe('majority');
    expect(direct).toMatchObject({ bins: 16, samples: 640, levels: 1, lattices: ['8×8', '4×4'] });
    expect(direct.couplings).toEqual({ even: evenNames, odd: oddNames });
    // The level-0 sums are those of sampling: the same configurations.
    const sampled = await sampleMcrg(registry, { ...sampling, samples: 640, binsPerChain: 16 });
    const level0 = (sum: Float64Array, bins: number) => {
      const m = 11;
      const out = new Float64Array(m);
      for (let k = 0; k < bins; k++) for (let a = 0; a < m; a++) out[a] += sum[k * 2 * m + a];
      return Array.from(out);
    };
    expect(level0(direct.accumulator.sum, 16)).toEqual(level0(sampled.accumulators[0].sum, 48));
    // A label, a truncation and an explicit number of levels.
    const labelled = analyzeEnsemble(ensemble, majority, {
      even,
      odd,
      seed: 9,
      maxNc: 2,
      label: 'mr',
      levels: 2,
    });
    expect(labelled.estimates.map((e) => [e.projector, e.sector, e.nr, e.nc])).toEqual([
      ['mr', 'even', 1, 1],
      ['mr', 'even', 1, 2],
      ['mr', 'even', 2, 1],
      ['mr', 'even', 2, 2],
      ['mr', 'odd', 1, 1],
      ['mr', 'odd', 1, 2],
      ['mr', 'odd', 2, 1],
      ['mr', 'odd', 2, 2],
    ]);
    expect(labelled.bins).toBe(32);
    expect(() => analyzeEnsemble(ensemble, majority, { even, odd, seed: 9, bins: 1000 })).toThrow(/too few/);
  });

  // docs/physics.md §6: decimation b = 2 of the Ising ring is exact: at N_r = 1, λ_even = tanh 2K, λ_odd = 1 + tanh 2K.
  it('1D Ising ring with decimation: λ_even = tanh 2K and λ_odd = 1 + tanh 2K within 4 errors', async () => {
    const registry = sourceRegistry();
    const K = 0.6;
    const ensemble = await sampleEnsemble(registry, {
      model: 'ising1d',
      size: 32,
      coupling: K,
      samples: 120_000,
      thermalize: 100,
      interval: 2,
      seed: 5,
      workers: 1,
    });
    const decimation = await registry.projectors.get('decimation').create({});
    const { even, odd } = modelCouplings(registry, 'ising1d');
    const { estimates } = analyzeEnsemble(ensemble, decimation, { even, odd, seed: 1, levels: 1, bins: 60 });
    const exact = { y_t: Math.tanh(2 * K), y_h: 1 + Math.tanh(2 * K) };
    for (const e of estimates) {
      expect(e.lambdaError).toBeGreaterThan(0);
      expect(e.lambdaError).toBeLessThan(0.03);
      expect(Math.abs(e.lambda - exact[e.exponent])).toBeLessThan(4 * e.lambdaError);
    }
    expect(estimates).toHaveLength(2);
  });
});
