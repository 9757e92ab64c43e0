import { boltzmannDistribution, CompiledCouplings, type CouplingSet, Rng, spinsFromIndex } from '@rsrg/core';
import { ising1d, ising1dEven, ising1dOdd } from '@rsrg/models';
import { describe, expect, it } from 'vitest';
import { decimation } from '../src/index.js';

/**
 * λ = B/A with N_c = 1 from exact enumeration of a ring blocked once: A = Var(S'), B =
 * Cov(S', S) with S' the coupling on the decimated ring and S on the original one.
 */
async function exactEigenvalue(set: CouplingSet, N: number, K: number): Promise<number> {
  const fine = ising1d.lattice(N);
  const kernel = (await decimation.create({})).create(fine);
  const sFine = new CompiledCouplings(set.couplings, fine);
  const sCoarse = new CompiledCouplings(set.couplings, kernel.coarse);
  const p = boltzmannDistribution(fine, ising1d.hamiltonian(K));
  const sigma = new Int8Array(N);
  const mu = new Int8Array(kernel.coarse.volume);
  const s0 = new Float64Array(1);
  const s1 = new Float64Array(1);
  const rng = Rng.stream(0);
  let m0 = 0;
  let m1 = 0;
  let m11 = 0;
  let m10 = 0;
  for (let c = 0; c < p.length; c++) {
    spinsFromIndex(c, N, sigma);
    kernel.apply(sigma, mu, rng);
    sFine.evaluate(sigma, s0);
    sCoarse.evaluate(mu, s1);
    m0 += p[c] * s0[0];
    m1 += p[c] * s1[0];
    m11 += p[c] * s1[0] * s1[0];
    m10 += p[c] * s1[0] * s0[0];
  }
  return (m10 - m1 * m0) / (m11 - m1 * m1);
}

describe('ising1d with decimation b = 2: exact RG eigenvalues on finite rings', () => {
  it.each([
    [8, 0.2],
    [10, 0.5],
    [12, 0.9],
  ])('N = %i, K = %f: λ_even = tanh 2K, λ_odd = 1 + tanh 2K', async (N, K) => {
    expect(await exactEigenvalue(ising1dEven, N, K)).toBeCloseTo(Math.tanh(2 * K), 10);
    expect(await exactEigenvalue(ising1dOdd, N, K)).toBeCloseTo(1 + Math.tanh(2 * K), 10);
  });
});
