import {
  allUp,
  binMeans,
  CompiledCouplings,
  correlatedMeanError,
  hamiltonian,
  integratedAutocorrelation,
  jackknife,
  Lattice,
  Rng,
  type Sampler,
} from '@rsrg/core';
import { kaufmanEnergy, kaufmanEnergyVariance } from '@rsrg/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { heatBath, metropolis, swendsenWang, wolff } from '../src/index.js';
import { nn2 } from './cases.js';

const KC = Math.log(1 + Math.SQRT2) / 2;

/** S_nn after each of `steps` steps (after `burnIn`), from all spins up. */
function energySeries(sampler: Sampler, L: number, seed: number, steps: number, burnIn = 2000): Float64Array {
  const lattice = new Lattice([L, L]);
  const h = hamiltonian([nn2], [KC]);
  const kernel = sampler.create(lattice, h);
  const sums = new CompiledCouplings([nn2], lattice);
  const state = { spins: allUp(lattice), rng: Rng.stream(seed, 0), moves: 0 };
  for (let i = 0; i < burnIn; i++) kernel.step(state);
  const series = new Float64Array(steps);
  const out = new Float64Array(1);
  for (let i = 0; i < steps; i++) {
    kernel.step(state);
    sums.evaluate(state.spins, out);
    series[i] = out[0];
  }
  return series;
}

/** Var(S) with a jackknife over 40 bins (each far longer than τ_int). */
function varianceEstimate(series: Float64Array): { value: number; error: number } {
  const bins = 40;
  const m1 = binMeans(series, Math.floor(series.length / bins));
  const m2 = binMeans(
    series.map((x) => x * x),
    Math.floor(series.length / bins),
  );
  const [v] = jackknife(bins, (skip) => {
    let a = 0;
    let b = 0;
    for (let i = 0; i < bins; i++) {
      if (i === skip) continue;
      a += m1[i];
      b += m2[i];
    }
    const n = skip < 0 ? bins : bins - 1;
    return [b / n - (a / n) ** 2];
  });
  return v;
}

// ⟨S_nn⟩ and Var(S_nn) at K_c against Kaufman's exact torus; errors corrected for τ_int.
describe.each([
  { sampler: wolff, L: 8, steps: 100_000 },
  { sampler: wolff, L: 16, steps: 100_000 },
  { sampler: swendsenWang, L: 8, steps: 60_000 },
  { sampler: swendsenWang, L: 16, steps: 40_000 },
  { sampler: metropolis, L: 8, steps: 100_000 },
  { sampler: heatBath, L: 8, steps: 100_000 },
])('$sampler.id on the $L×$L torus at K_c', ({ sampler, L, steps }) => {
  let series: Float64Array;
  beforeAll(() => {
    series = energySeries(sampler, L, 7, steps);
  });

  it('reproduces the exact energy ⟨S_nn⟩ within 4σ', () => {
    const { value, error, tau } = correlatedMeanError(series);
    const exact = kaufmanEnergy(KC, L, L);
    expect(tau).toBeLessThan(steps / 200); // the error estimate needs many τ_int
    const report = `${value} ± ${error} vs ${exact}, τ_int = ${tau.toFixed(2)}`;
    expect(Math.abs(value - exact), report).toBeLessThan(4 * error);
  });

  it('reproduces the exact energy variance within 4σ', () => {
    expect(integratedAutocorrelation(series).tau).toBeLessThan(steps / 40 / 20); // bins ≫ τ_int
    const { value, error } = varianceEstimate(series);
    const exact = kaufmanEnergyVariance(KC, L, L);
    const report = `${value} ± ${error} vs ${exact}`;
    expect(Math.abs(value - exact), report).toBeLessThan(4 * error);
  });
});
