import { Lattice, Rng, randomSpins, UnsupportedError, UsageError } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { decimation, decimationProjector } from '../src/index.js';

describe('decimation', () => {
  it.each([
    [[8], 2],
    [[9], 3],
    [[4, 6], 2],
    [[6, 9], 3],
    [[4, 4, 8], 2],
  ])('keeps the spin at b·X of each block on %j, b = %i, without touching the rng', (sizes, b) => {
    const lattice = new Lattice(sizes);
    const kernel = decimationProjector(b).create(lattice);
    const rng = Rng.stream(1, b);
    const start = Array.from(rng.s);
    for (let rep = 0; rep < 5; rep++) {
      const sigma = randomSpins(lattice, Rng.stream(2, rep));
      const mu = new Int8Array(kernel.coarse.volume);
      kernel.apply(sigma, mu, rng);
      for (let J = 0; J < mu.length; J++) {
        const X = kernel.coarse.coords(J);
        expect(mu[J]).toBe(sigma[lattice.index(X.map((x) => b * x))]);
      }
    }
    expect(Array.from(rng.s)).toEqual(start);
  });

  it('keeps the even sites of a ring', () => {
    const kernel = decimationProjector(2).create(new Lattice([6]));
    const mu = new Int8Array(3);
    kernel.apply(Int8Array.from([1, -1, -1, 1, 1, 1]), mu, Rng.stream(1));
    expect(Array.from(mu)).toEqual([1, -1, 1]);
  });

  it('gives P(μ|σ) = 1 for the decimated configuration and 0 otherwise', () => {
    const p = decimationProjector(2);
    const ring = new Lattice([6]);
    const sigma = Int8Array.from([1, -1, -1, 1, 1, 1]);
    expect(p.probability!(ring, sigma, Int8Array.from([1, -1, 1]))).toBe(1);
    expect(p.probability!(ring, sigma, Int8Array.from([1, 1, 1]))).toBe(0);
    expect(p.probability!(ring, sigma, Int8Array.from([-1, -1, 1]))).toBe(0);
  });

  it('reads blockSize and refuses what it cannot block', async () => {
    expect((await decimation.create({})).blockSize).toBe(2);
    expect((await decimation.create({ blockSize: '3' })).blockSize).toBe(3);
    expect(() => decimation.create({ blockSize: 1 })).toThrow(UsageError);
    expect(() => decimation.create({ size: 2 })).toThrow(UsageError);
    const p = decimationProjector(3);
    expect(p.supports(new Lattice([9, 8]))).toMatch(/side 3/);
    expect(() => p.create(new Lattice([9, 8]))).toThrow(UnsupportedError);
    const kernel = p.create(new Lattice([9]));
    expect(() => kernel.apply(new Int8Array(9), new Int8Array(2), Rng.stream(1))).toThrow(UsageError);
  });
});
