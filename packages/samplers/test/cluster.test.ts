import {
  allUp,
  boltzmannDistribution,
  correlatedMeanError,
  coupling,
  hamiltonian,
  interactionTable,
  Lattice,
  Rng,
  randomSpins,
} from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { swendsenWang, wolff } from '../src/index.js';
import { nn2, nn3, plaquette2 } from './cases.js';

const magnetization = (d: number) => coupling('magnetization', [[new Array(d).fill(0)]]);

describe('wolff', () => {
  it('returns the size of the cluster it flipped', () => {
    const lattice = new Lattice([12, 12]);
    const kernel = wolff.create(lattice, hamiltonian([nn2], [0.42]));
    const rng = Rng.stream(1, 0);
    const state = { spins: randomSpins(lattice, rng), rng, moves: 0 };
    for (let i = 0; i < 200; i++) {
      const before = state.spins.slice();
      const size = kernel.step(state);
      let changed = 0;
      for (let x = 0; x < lattice.volume; x++) if (before[x] !== state.spins[x]) changed++;
      expect(size).toBe(changed);
    }
  });

  it('flips one spin at K = 0 and the whole ordered lattice at very large K', () => {
    const lattice = new Lattice([5, 7]);
    const state = { spins: allUp(lattice), rng: Rng.stream(2, 0), moves: 0 };
    const free = wolff.create(lattice, hamiltonian([nn2], [0]));
    for (let i = 0; i < 20; i++) expect(free.step(state)).toBe(1);
    const frozen = wolff.create(lattice, hamiltonian([nn2], [30]));
    state.spins.fill(1);
    for (let i = 0; i < 5; i++) expect(frozen.step(state)).toBe(lattice.volume);
  });

  // The mean Wolff cluster is the susceptibility: E|C| = ⟨M²⟩/N, exact by enumeration.
  it.each([
    { lattice: new Lattice([4, 4]), c: nn2, K: 0.4 },
    { lattice: new Lattice([2, 2, 3]), c: nn3, K: 0.2 },
    { lattice: new Lattice([10]), c: coupling('nearest neighbour', [[[0], [1]]]), K: 0.6 },
  ])('has mean cluster size ⟨M²⟩/N on the $lattice.label lattice', ({ lattice, c, K }) => {
    const h = hamiltonian([c], [K]);
    const p = boltzmannDistribution(lattice, h);
    const M = interactionTable(lattice, [magnetization(lattice.dimension)]);
    let m2 = 0;
    for (let k = 0; k < p.length; k++) m2 += p[k] * M[k] * M[k];
    const kernel = wolff.create(lattice, h);
    const rng = Rng.stream(3, 0);
    const state = { spins: randomSpins(lattice, rng), rng, moves: 0 };
    for (let i = 0; i < 1000; i++) kernel.step(state);
    const sizes = new Float64Array(100_000);
    for (let i = 0; i < sizes.length; i++) sizes[i] = kernel.step(state);
    const { value, error } = correlatedMeanError(sizes);
    expect(
      Math.abs(value - m2 / lattice.volume),
      `${value} ± ${error} vs ${m2 / lattice.volume}`,
    ).toBeLessThan(4 * error);
  });
});

describe('cluster samplers', () => {
  const lattice = new Lattice([4, 4]);
  it.each([wolff, swendsenWang])('$id names the coupling it cannot simulate', (sampler) => {
    expect(sampler.supports(lattice, hamiltonian([nn2, plaquette2], [0.3, 0.1]))).toMatch(
      /'plaquette' has 4-spin terms/,
    );
    expect(sampler.supports(lattice, hamiltonian([nn2], [-0.2]))).toMatch(
      /'nearest neighbour' has K = -0.2 < 0/,
    );
    expect(sampler.supports(lattice, hamiltonian([nn2, plaquette2], [0.3, 0]))).toMatch(/4-spin/);
  });

  it('swendsen-wang returns the volume and flips every cluster with probability 1/2', () => {
    // At K = 0 every site is its own cluster: each spin is a fair coin in every sweep.
    const big = new Lattice([64, 64]);
    const kernel = swendsenWang.create(big, hamiltonian([nn2], [0]));
    const state = { spins: allUp(big), rng: Rng.stream(4, 0), moves: 0 };
    let up = 0;
    for (let i = 0; i < 20; i++) {
      expect(kernel.step(state)).toBe(big.volume);
      for (const s of state.spins) up += s > 0 ? 1 : 0;
    }
    const n = 20 * big.volume;
    expect(Math.abs(up / n - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / n));
  });
});
