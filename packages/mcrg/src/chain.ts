/**
 * The work of one Markov chain, the same in any thread: walking it, measuring it with every
 * projector of a run, or storing its configurations. Results depend on (config, chain) only.
 */
import { type ChainState, integratedAutocorrelation, Rng, randomSpins, type Spins } from '@rsrg/core';
import { type Accumulator, accumulate, createAccumulator } from './accumulator.js';
import { binSamples, chainSamples } from './config/partition.js';
import type { McrgSetup, SamplingSetup } from './config/types.js';
import { MeasurementPipeline } from './measurement-pipeline.js';
import { bytesPerConfiguration, packConfiguration, unpackConfiguration } from './packed-configurations.js';
import type { ChainResult, ChainTick, EnsembleChain } from './protocol.js';

/** The energy series kept per chain for τ_int (the first values). */
export const TAU_SERIES_LENGTH = 65_536;

/** The sampling stream of chain c: `Rng.stream(seed, 2c)`. */
export function samplingStream(seed: number, chain: number): Rng {
  return Rng.stream(seed, 2 * chain);
}

/** The projecting stream of chain c: `Rng.stream(seed, 2c + 1)`, a fresh copy per call. */
export function projectingStream(seed: number, chain: number): Rng {
  return Rng.stream(seed, 2 * chain + 1);
}

/**
 * Walks Markov chain `chain` of a sampling setup and hands `visit` its `n` kept
 * configurations: the sampling stream `Rng.stream(seed, 2·chain)` draws the random initial
 * spins and then every sampler move; `thermalize` moves precede the first kept configuration
 * and `interval` moves precede each one. So the configurations depend on (seed, chain, model,
 * size, coupling, sampler, interval, thermalize) only. `visit` must not keep `spins` (it is
 * the chain's live state). `tick` is called about every 1% of the chain's moves.
 */
export async function walkChain(
  setup: SamplingSetup,
  chain: number,
  n: number,
  visit: (spins: Spins, k: number) => void,
  tick?: ChainTick,
): Promise<{
  /** Sampler moves after thermalization: n · interval. */
  moves: number;
  /** Spins the sampler updated in those moves (the sum of the steps' returns). */
  spinsUpdated: number;
}> {
  const { lattice, hamiltonian } = setup;
  const { seed, thermalize, interval } = setup.config;
  const rng = samplingStream(seed, chain);
  const state: ChainState = { spins: randomSpins(lattice, rng), rng, moves: 0 };
  const kernel = setup.sampler.create(lattice, hamiltonian);
  const tickEvery = Math.max(1, Math.ceil((thermalize + n * interval) / 100));
  let pending = 0;
  for (let i = 0; i < thermalize; i++) {
    kernel.step(state);
    if (++pending >= tickEvery && tick) {
      await tick(pending, 'thermalize');
      pending = 0;
    }
  }
  if (pending > 0 && tick) await tick(pending, 'thermalize');
  pending = 0;

  let spinsUpdated = 0;
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < interval; i++) spinsUpdated += kernel.step(state);
    visit(state.spins, k);
    pending += interval;
    if (pending >= tickEvery && tick) {
      await tick(pending, 'measure');
      pending = 0;
    }
  }
  if (pending > 0 && tick) await tick(pending, 'measure');
  return { moves: n * interval, spinsUpdated };
}

/**
 * The measurements of one chain (or chunk of stored configurations) with every projector of
 * a run: each configuration is blocked by each projector in order, each with its own
 * pipeline, bins and copy of the projecting stream, so a projector's numbers do not depend
 * on which other projectors run beside it. Level 0 is evaluated once and shared.
 */
class ChainMeasurement {
  private readonly pipelines: MeasurementPipeline[];
  private readonly streams: Rng[];
  readonly accumulators: Accumulator[];
  private readonly energy: Float64Array;
  private readonly hasEnergy: boolean;
  private readonly binsPerChain: number;
  private readonly n: number;
  private bin = 0;
  private left: number;
  private k = 0;

  constructor(setup: McrgSetup, chain: number, n: number) {
    const { config, lattice, couplings } = setup;
    const { levels, binsPerChain, seed } = config;
    this.pipelines = setup.projectors.map(
      ({ projector }) => new MeasurementPipeline(lattice, projector, couplings, levels),
    );
    this.streams = setup.projectors.map(() => projectingStream(seed, chain));
    const shape = {
      levels,
      blockSize: setup.blockSize,
      nEven: couplings.even.length,
      nOdd: couplings.odd.length,
    };
    this.accumulators = setup.projectors.map(() => createAccumulator(shape, binsPerChain));
    this.energy = new Float64Array(Math.min(n, TAU_SERIES_LENGTH));
    this.hasEnergy = couplings.even.length > 0;
    this.binsPerChain = binsPerChain;
    this.n = n;
    this.left = binSamples(n, binsPerChain, 0);
  }

  /** Measures one level-0 configuration with every projector. No allocation. */
  add(spins: Spins): void {
    if (this.left === 0) this.left = binSamples(this.n, this.binsPerChain, ++this.bin);
    const pipelines = this.pipelines;
    const first = pipelines[0].measure(spins, this.streams[0]);
    accumulate(this.accumulators[0], this.bin, first);
    for (let p = 1; p < pipelines.length; p++) {
      accumulate(this.accumulators[p], this.bin, pipelines[p].measure(spins, this.streams[p], first));
    }
    if (this.k < this.energy.length) this.energy[this.k] = first[0];
    this.k++;
    this.left--;
  }

  result(chain: number, moves: number, spinsUpdated: number): ChainResult {
    const ac = this.hasEnergy
      ? integratedAutocorrelation(this.energy)
      : { tau: Number.NaN, error: Number.NaN };
    return {
      chain,
      accumulators: this.accumulators,
      tau: ac.tau,
      tauError: ac.error,
      moves,
      spinsUpdated,
    };
  }
}

/**
 * Runs chain `chain`: the sampling stream `Rng.stream(seed, 2·chain)` drives the Markov chain
 * (see `walkChain`) and the projecting stream `Rng.stream(seed, 2·chain + 1)` the stochastic
 * projectors (level by level; each projector of the run draws from its own copy). The results
 * depend on (config, chain) only, never on which thread runs it, and the configurations do not
 * depend on the projectors. `tick` is called about every 1% of the chain's moves.
 */
export async function runChain(setup: McrgSetup, chain: number, tick?: ChainTick): Promise<ChainResult> {
  const n = chainSamples(setup.config.samples, setup.config.chains, chain);
  const measurement = new ChainMeasurement(setup, chain, n);
  const { moves, spinsUpdated } = await walkChain(setup, chain, n, (spins) => measurement.add(spins), tick);
  return measurement.result(chain, moves, spinsUpdated);
}

/**
 * Measures chunk `chunk` of stored configurations (bit-packed, see `packConfiguration`) as
 * `runChain` measures chain `chunk`: same bins, same projecting stream
 * `Rng.stream(seed, 2·chunk + 1)`. `tick` counts configurations, about every 1%.
 */
export async function measureConfigurations(
  setup: McrgSetup,
  chunk: number,
  packed: Uint8Array,
  tick?: ChainTick,
): Promise<ChainResult> {
  const spins = new Int8Array(setup.lattice.volume);
  const n = packed.length / bytesPerConfiguration(spins.length);
  const measurement = new ChainMeasurement(setup, chunk, n);
  const tickEvery = Math.max(1, Math.ceil(n / 100));
  let pending = 0;
  for (let k = 0; k < n; k++) {
    measurement.add(unpackConfiguration(packed, k, spins));
    if (++pending >= tickEvery && tick) {
      await tick(pending, 'measure');
      pending = 0;
    }
  }
  if (pending > 0 && tick) await tick(pending, 'measure');
  return measurement.result(chunk, 0, 0);
}

/**
 * Samples chain `chain` of a sampling setup and packs its kept configurations: exactly those
 * that `runChain` measures for the same sampling parameters (see `walkChain`).
 */
export async function sampleEnsembleChain(
  setup: SamplingSetup,
  chain: number,
  tick?: ChainTick,
): Promise<EnsembleChain> {
  const n = chainSamples(setup.config.samples, setup.config.chains, chain);
  const packed = new Uint8Array(n * bytesPerConfiguration(setup.lattice.volume));
  const { moves, spinsUpdated } = await walkChain(
    setup,
    chain,
    n,
    (spins, k) => packConfiguration(spins, packed, k),
    tick,
  );
  return { chain, packed, moves, spinsUpdated };
}
