import { type ChainState, integratedAutocorrelation, Rng, randomSpins } from '@rsrg/core';
import { type Accumulator, accumulate, createAccumulator } from './accumulator.js';
import { binSamples, chainSamples, type McrgSetup } from './config.js';
import { MeasurementPipeline } from './measure.js';

/** The energy series kept per chain for τ_int (the first values). */
export const TAU_SERIES_LENGTH = 65_536;

/** What one chain hands back: its bins and the numbers a report needs. */
export interface ChainResult {
  readonly chain: number;
  readonly accumulator: Accumulator;
  /** τ_int of the level-0 first even coupling, in measurements (NaN without even couplings). */
  readonly tau: number;
  readonly tauError: number;
  /** Sampler moves and spins they updated, over the measurement phase. */
  readonly moves: number;
  readonly spinsUpdated: number;
}

/** Progress of one chain: `moves` more sampler moves are done, in `phase`. */
export type ChainTick = (moves: number, phase: 'thermalize' | 'measure') => void | Promise<void>;

/**
 * Runs chain `chain`: one RNG stream `Rng.stream(seed, chain)` draws, in this order, the
 * random initial spins, then for every move the sampler and for every measurement the
 * projector (level by level). The results depend on (config, chain) only, never on which
 * thread runs it. `tick` is called about every 1% of the chain's moves.
 */
export async function runChain(setup: McrgSetup, chain: number, tick?: ChainTick): Promise<ChainResult> {
  const { config, lattice, hamiltonian, couplings } = setup;
  const { seed, thermalize, interval, binsPerChain, levels } = config;
  const n = chainSamples(config.samples, config.chains, chain);
  const rng = Rng.stream(seed, chain);
  const state: ChainState = { spins: randomSpins(lattice, rng), rng, moves: 0 };
  const kernel = setup.sampler.create(lattice, hamiltonian);
  const pipeline = new MeasurementPipeline(lattice, setup.projector, couplings, levels);
  const acc = createAccumulator(
    {
      levels,
      blockSize: setup.projector.blockSize,
      nEven: couplings.even.length,
      nOdd: couplings.odd.length,
    },
    binsPerChain,
  );
  const energy = new Float64Array(Math.min(n, TAU_SERIES_LENGTH));
  const hasEnergy = couplings.even.length > 0;

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
  let bin = 0;
  let left = binSamples(n, binsPerChain, 0);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < interval; i++) spinsUpdated += kernel.step(state);
    const S = pipeline.measure(state.spins, rng);
    if (left === 0) left = binSamples(n, binsPerChain, ++bin);
    accumulate(acc, bin, S);
    left--;
    if (k < energy.length) energy[k] = S[0];
    pending += interval;
    if (pending >= tickEvery && tick) {
      await tick(pending, 'measure');
      pending = 0;
    }
  }
  if (pending > 0 && tick) await tick(pending, 'measure');

  const ac = hasEnergy ? integratedAutocorrelation(energy) : { tau: Number.NaN, error: Number.NaN };
  return { chain, accumulator: acc, tau: ac.tau, tauError: ac.error, moves: n * interval, spinsUpdated };
}
