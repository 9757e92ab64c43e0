import { describe, expect, it } from 'vitest';
import { runMcrg } from '../src/index.js';
import { sourceRegistry } from './registry.js';

// docs/physics.md §6: decimation b = 2 of the Ising ring is exact even on a finite ring: level n is
// again an Ising ring, at K_n = atanh(tanh^(2^n) K), and the MCRG eigenvalues of step N_r are
// exactly λ_even = tanh 2K_{N_r−1} and λ_odd = 1 + tanh 2K_{N_r−1}.
describe('1D Ising ring, decimation (end to end: wolff → decimation → analysis)', () => {
  it('λ_even = tanh 2K_n and λ_odd = 1 + tanh 2K_n within 4 jackknife errors, N_r = 1 and 2', async () => {
    const K = 0.5;
    const result = await runMcrg(sourceRegistry(), {
      model: 'ising1d',
      size: 64,
      coupling: K,
      sampler: 'wolff',
      projector: 'decimation',
      levels: 2,
      samples: 200_000,
      thermalize: 100,
      interval: 2,
      seed: 2019,
      workers: 1,
    });
    expect(result.lattices).toEqual(['64', '32', '16']);
    expect(result.couplings).toEqual({ even: ['nearest neighbour'], odd: ['magnetization'] });
    expect(result.bins).toBe(128);
    for (const nr of [1, 2]) {
      const Kn = Math.atanh(Math.tanh(K) ** (2 ** (nr - 1)));
      const exact = { even: Math.tanh(2 * Kn), odd: 1 + Math.tanh(2 * Kn) };
      for (const sector of ['even', 'odd'] as const) {
        const e = result.estimates.find((x) => x.sector === sector && x.nr === nr && x.nc === 1)!;
        expect(e.lambdaError).toBeGreaterThan(0);
        expect(e.lambdaError).toBeLessThan(0.02);
        expect(Math.abs(e.lambda - exact[sector])).toBeLessThan(4 * e.lambdaError);
        expect(Math.abs(e.y - Math.log(exact[sector]) / Math.LN2)).toBeLessThan(4 * e.error);
      }
    }
  });
});
