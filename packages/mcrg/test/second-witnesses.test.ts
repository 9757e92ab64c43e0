// Second, independent witnesses for lines that one test alone guarded (issue 12): the sampling
// stream of a chain, followed on the MCRG path without ensembles, and the offset at which a run
// with fewer samples reads each stored chain, computed by hand from the partition rules.
import { Rng, randomSpins, type Spins } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import {
  accumulate,
  binSamples,
  chainSamples,
  createAccumulator,
  ensembleConfiguration,
  MeasurementPipeline,
  mergeAccumulators,
  prepareMcrg,
  runChain,
  sampleEnsemble,
  sampleMcrg,
} from '../src/index.js';
import { sourceRegistry } from './registry.js';

const sampling = {
  model: 'ising2d',
  size: 8,
  samples: 3 * 2 * 15,
  thermalize: 20,
  interval: 3,
  seed: 7,
  chains: 3,
  workers: 1,
} as const;

describe('chain c samples with Rng.stream(seed, 2c) (measurement path)', () => {
  it('runChain equals a hand-driven Wolff chain on stream 2c, blocked with stream 2c + 1', async () => {
    const registry = sourceRegistry();
    const bins = 2;
    const setup = await prepareMcrg(registry, { ...sampling, binsPerChain: bins, projector: 'majority' });
    const chain = 2;
    const result = await runChain(setup, chain);

    const model = registry.models.get('ising2d');
    const lattice = model.lattice(8);
    const kernel = registry.samplers
      .get(setup.config.sampler)
      .create(lattice, model.hamiltonian(setup.config.coupling));
    const sample = Rng.stream(sampling.seed, 2 * chain);
    const state = { spins: randomSpins(lattice, sample), rng: sample, moves: 0 };
    const project = Rng.stream(sampling.seed, 2 * chain + 1);
    const pipeline = new MeasurementPipeline(
      lattice,
      setup.projectors[0].projector,
      setup.couplings,
      setup.config.levels,
    );
    const acc = createAccumulator(result.accumulators[0], bins);
    for (let i = 0; i < sampling.thermalize; i++) kernel.step(state);
    const n = chainSamples(sampling.samples, sampling.chains, chain);
    for (let bin = 0; bin < bins; bin++) {
      for (let k = 0; k < binSamples(n, bins, bin); k++) {
        for (let i = 0; i < sampling.interval; i++) kernel.step(state);
        accumulate(acc, bin, pipeline.measure(state.spins, project));
      }
    }
    expect(result.accumulators).toEqual([acc]);

    // A different stream gives different numbers: the comparison above can fail.
    const other = await runChain(setup, 1);
    expect(other.accumulators).not.toEqual([acc]);
  });
});

describe('fewer samples than an ensemble holds', () => {
  it('chain c reads the first chainSamples(n) configurations of stored chain c, at the stored offset', async () => {
    const registry = sourceRegistry();
    const ensemble = await sampleEnsemble(registry, sampling);
    const samples = 3 * 2 * 7 + 2; // fewer, with a remainder for the first chains
    const bins = 2;
    const stored = await sampleMcrg(registry, {
      ensemble,
      samples,
      binsPerChain: bins,
      projector: 'majority',
      workers: 1,
    });
    const setup = await prepareMcrg(registry, {
      ensemble,
      samples,
      binsPerChain: bins,
      projector: 'majority',
    });
    const spins: Spins = new Int8Array(64);
    const perChain = [];
    let offset = 0; // first configuration of stored chain c: the sizes of the chains before it
    for (let chain = 0; chain < sampling.chains; chain++) {
      const pipeline = new MeasurementPipeline(
        setup.lattice,
        setup.projectors[0].projector,
        setup.couplings,
        setup.config.levels,
      );
      const acc = createAccumulator(stored.accumulators[0], bins);
      const rng = Rng.stream(sampling.seed, 2 * chain + 1);
      const n = chainSamples(samples, sampling.chains, chain);
      let k = 0;
      for (let bin = 0; bin < bins; bin++) {
        for (let j = 0; j < binSamples(n, bins, bin); j++, k++) {
          accumulate(acc, bin, pipeline.measure(ensembleConfiguration(ensemble, offset + k, spins), rng));
        }
      }
      perChain.push(acc);
      offset += chainSamples(sampling.samples, sampling.chains, chain);
    }
    expect(stored.accumulators).toEqual([mergeAccumulators(perChain)]);
  });
});
