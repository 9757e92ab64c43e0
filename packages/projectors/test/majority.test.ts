import { Lattice, Rng, randomSpins, type Spins, UnsupportedError, UsageError } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { majority, majorityProjector, majorityRule } from '../src/index.js';

/**
 * Majority rule computed from coordinates, independently of the window tables: the block sums
 * and, for each tie in coarse-site order, the next `rng.nextSign()`.
 */
function reference(lattice: Lattice, b: number, sigma: Spins, rng: Rng): { mu: Int8Array; ties: number } {
  const coarse = lattice.coarsen(b);
  const d = lattice.dimension;
  const mu = new Int8Array(coarse.volume);
  let ties = 0;
  for (let J = 0; J < coarse.volume; J++) {
    const X = coarse.coords(J);
    let sum = 0;
    for (let k = 0; k < b ** d; k++) {
      const c = X.map((x, a) => b * x + (Math.floor(k / b ** (d - 1 - a)) % b));
      sum += sigma[lattice.index(c)];
    }
    if (sum === 0) {
      mu[J] = rng.nextSign();
      ties++;
    } else mu[J] = Math.sign(sum);
  }
  return { mu, ties };
}

function apply(lattice: Lattice, b: number, sigma: Spins, rng: Rng): Int8Array {
  const kernel = majorityProjector(b).create(lattice);
  const mu = new Int8Array(kernel.coarse.volume);
  kernel.apply(sigma, mu, rng);
  return mu;
}

describe('majority rule', () => {
  it('blocks a 4×4 configuration by hand', () => {
    // Blocks (top-left, top-right, bottom-left, bottom-right): sums +4, −2, +2, −4.
    const sigma = Int8Array.from([1, 1, -1, -1, 1, 1, -1, 1, 1, 1, -1, -1, 1, -1, -1, -1]);
    expect(Array.from(apply(new Lattice([4, 4]), 2, sigma, Rng.stream(1)))).toEqual([1, -1, 1, -1]);
  });

  it.each([
    [[12], 3],
    [[8], 2],
    [[6, 9], 3],
    [[8, 4], 2],
    [[4, 4, 4], 2],
    [[6, 3, 3], 3],
    [[4, 4, 4, 2], 2],
  ])('agrees with a coordinate-based reference on %j, b = %i, ties included, bit for bit', (sizes, b) => {
    const lattice = new Lattice(sizes);
    const rng = Rng.stream(2, sizes.length * 10 + b);
    let ties = 0;
    for (let rep = 0; rep < 20; rep++) {
      const sigma = randomSpins(lattice, rng);
      const expected = reference(lattice, b, sigma, rng.clone());
      const mu = apply(lattice, b, sigma, rng);
      expect(mu).toEqual(expected.mu);
      ties += expected.ties;
    }
    // b^d even: random configurations tie often enough to exercise the coin; b^d odd: never.
    if (b ** sizes.length % 2 === 0) expect(ties).toBeGreaterThan(10);
    else expect(ties).toBe(0);
  });

  it('draws from the stream once per tie and never otherwise', () => {
    const lattice = new Lattice([8, 8]);
    const kernel = majorityProjector(2).create(lattice);
    const mu = new Int8Array(16);
    const rng = Rng.stream(3);
    const start = Array.from(rng.s);
    kernel.apply(new Int8Array(64).fill(1), mu, rng);
    expect(Array.from(rng.s)).toEqual(start);
    for (let rep = 0; rep < 50; rep++) {
      const sigma = randomSpins(lattice, Rng.stream(4, rep));
      const advanced = rng.clone();
      const { ties } = reference(lattice, 2, sigma, advanced);
      const returned = majorityRule(sigma, lattice.window(2, 2), 4, mu, 16, rng.s);
      expect(returned).toBe(ties);
      expect(Array.from(rng.s)).toEqual(Array.from(advanced.s));
    }
  });

  it('breaks ties with a fair coin: fraction of +1 is 1/2 within 4σ, in 2D and 3D', () => {
    for (const [sizes, draws] of [
      [[32, 32], 200],
      [[8, 8, 8], 800],
    ] as const) {
      const lattice = new Lattice(sizes);
      // Stripes along the last axis: every 2^d block sums to 0.
      const sigma = new Int8Array(lattice.volume).map((_, x) => (x % 2 ? -1 : 1));
      const kernel = majorityProjector(2).create(lattice);
      const mu = new Int8Array(kernel.coarse.volume);
      const rng = Rng.stream(5, sizes.length);
      let up = 0;
      let same = 0; // neighbouring coins equal: catches a coin that is fair but correlated
      for (let rep = 0; rep < draws; rep++) {
        kernel.apply(sigma, mu, rng);
        for (let J = 0; J < mu.length; J++) {
          if (mu[J] > 0) up++;
          if (J > 0 && mu[J] === mu[J - 1]) same++;
        }
      }
      const n = draws * mu.length;
      const nPairs = draws * (mu.length - 1);
      expect(Math.abs(up / n - 0.5)).toBeLessThan((4 * 0.5) / Math.sqrt(n));
      expect(Math.abs(same / nPairs - 0.5)).toBeLessThan((4 * 0.5) / Math.sqrt(nPairs));
    }
  });

  it('gives P(μ|σ) = Π over blocks of 1, 0 or 1/2', () => {
    const lattice = new Lattice([4, 4]);
    const p = majorityProjector(2);
    // Blocks: sum +4, 0, 0, −2.
    const sigma = Int8Array.from([1, 1, 1, -1, 1, 1, -1, 1, 1, -1, -1, -1, -1, 1, 1, -1]);
    expect(p.probability!(lattice, sigma, Int8Array.from([1, 1, -1, -1]))).toBe(0.25);
    expect(p.probability!(lattice, sigma, Int8Array.from([1, -1, 1, -1]))).toBe(0.25);
    expect(p.probability!(lattice, sigma, Int8Array.from([-1, 1, 1, -1]))).toBe(0);
    expect(p.probability!(lattice, sigma, Int8Array.from([1, 1, 1, 1]))).toBe(0);
  });

  it('reads blockSize (default 2, numbers or numeric strings) and rejects bad options', async () => {
    expect((await majority.create({})).blockSize).toBe(2);
    expect((await majority.create({ blockSize: 3 })).blockSize).toBe(3);
    expect((await majority.create({ blockSize: '4' })).blockSize).toBe(4);
    expect((await majority.create({ blockSize: undefined, weights: undefined })).blockSize).toBe(2);
    for (const blockSize of [0, 1, 2.5, -2, 'two', '', true]) {
      expect(() => majority.create({ blockSize }), String(blockSize)).toThrow(UsageError);
    }
    expect(() => majority.create({ blocksize: 2 })).toThrow(/no option 'blocksize'/);
  });

  it('refuses lattices it cannot block and arrays of the wrong length', () => {
    const p = majorityProjector(2);
    expect(p.supports(new Lattice([6, 5]))).toMatch(/6×5.*side 2/);
    expect(() => p.create(new Lattice([6, 5]))).toThrow(UnsupportedError);
    expect(() => p.probability!(new Lattice([3]), new Int8Array(3), new Int8Array(1))).toThrow(
      UnsupportedError,
    );
    const kernel = p.create(new Lattice([4, 4]));
    expect(() => kernel.apply(new Int8Array(16), new Int8Array(3), Rng.stream(1))).toThrow(UsageError);
    expect(() => kernel.apply(new Int8Array(15), new Int8Array(4), Rng.stream(1))).toThrow(UsageError);
  });
});
