import { chiSquare, Lattice, Rng, spinsFromIndex, UnsupportedError, UsageError } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { blockFilter, type RbmFilter, rbmFilter, rbmProjector } from '../src/rbm/index.js';

function randomFilter(dimension: number, width: number, seed: number, scale = 0.6): RbmFilter {
  const rng = Rng.stream(seed, 0);
  const f = rbmFilter({ dimension, width, blockSize: 2 });
  for (let k = 0; k < f.weights.length; k++) f.weights[k] = (2 * rng.nextFloat() - 1) * scale;
  return f;
}

describe('RBM projector', () => {
  const lattice = Lattice.cubic(2, 4);
  const filter = randomFilter(2, 4, 1);
  const projector = rbmProjector(filter);

  it('declares b and the lattices it can block', () => {
    expect(projector.id).toBe('rbm');
    expect(projector.blockSize).toBe(2);
    expect(projector.supports(Lattice.cubic(2, 32))).toBeUndefined();
    expect(projector.supports(Lattice.cubic(2, 5))).toMatch(/not divisible/);
    expect(projector.supports(Lattice.cubic(3, 4))).toMatch(/2-dimensional/);
    expect(() =>
      projector.create(Lattice.cubic(2, 6)).apply(new Int8Array(36), new Int8Array(4), Rng.stream(1)),
    ).toThrow(UsageError);
    expect(() => projector.create(Lattice.cubic(1, 6))).toThrow(UnsupportedError);
  });

  it('P(μ|σ) is normalised over μ and Z2 symmetric: P(−μ|−σ) = P(μ|σ)', () => {
    const rng = Rng.stream(2, 0);
    const mu = new Int8Array(4);
    for (let trial = 0; trial < 20; trial++) {
      const sigma = Int8Array.from({ length: 16 }, () => rng.nextSign());
      let total = 0;
      for (let m = 0; m < 16; m++) {
        spinsFromIndex(m, 4, mu);
        const p = projector.probability(lattice, sigma, mu);
        total += p;
        const flipped = projector.probability(
          lattice,
          sigma.map((s) => -s),
          mu.map((s) => -s),
        );
        expect(flipped / p - 1).toBeCloseTo(0, 12);
      }
      expect(total).toBeCloseTo(1, 12);
    }
  });

  it('apply draws μ from P(μ|σ) (chi-square over all 16 coarse states)', () => {
    const kernel = projector.create(lattice);
    const rng = Rng.stream(3, 0);
    const mu = new Int8Array(4);
    for (const seed of [4, 5]) {
      const sigma = Int8Array.from({ length: 16 }, (_, i) => (Rng.stream(seed, i).nextSign() > 0 ? 1 : -1));
      const expected = new Float64Array(16);
      for (let m = 0; m < 16; m++) {
        expected[m] = projector.probability(lattice, sigma, spinsFromIndex(m, 4, mu));
      }
      const counts = new Float64Array(16);
      const n = 40_000;
      for (let t = 0; t < n; t++) {
        kernel.apply(sigma, mu, rng);
        let m = 0;
        for (let J = 0; J < 4; J++) if (mu[J] < 0) m |= 1 << J;
        counts[m]++;
      }
      const { z } = chiSquare(counts, expected);
      expect(Math.abs(z)).toBeLessThan(4);
    }
  });

  it('log Y(σ) = Σ_J log 2cosh h_J, and Σ_μ e^{Σ μ h} = Y', () => {
    const sigma = Int8Array.from({ length: 16 }, (_, i) => (i % 3 ? 1 : -1));
    const h = projector.fields(lattice, sigma);
    let Y = 1;
    for (const x of h) Y *= 2 * Math.cosh(x);
    expect(projector.logY(lattice, sigma)).toBeCloseTo(Math.log(Y), 12);
  });

  it('a filter of 50 on the block is majority rule, with a fair coin on ties', () => {
    const L = 16;
    const big = Lattice.cubic(2, L);
    const blocks = big.window(2, 2);
    const rng = Rng.stream(6, 0);
    const mu = new Int8Array((L / 2) ** 2);
    for (const f of [blockFilter({ dimension: 2, width: 2 }), blockFilter({ dimension: 2, width: 8 })]) {
      const kernel = rbmProjector(f).create(big);
      let ties = 0;
      let tiesUp = 0;
      let decided = 0;
      for (let t = 0; t < 400; t++) {
        // Spins biased so that all block sums (±4, ±2, 0) occur often.
        const p = (t % 5) / 4;
        const sigma = Int8Array.from({ length: big.volume }, () =>
          rng.nextFloat() < 0.25 + 0.5 * p ? 1 : -1,
        );
        kernel.apply(sigma, mu, rng);
        for (let J = 0; J < mu.length; J++) {
          let sum = 0;
          for (let k = 0; k < 4; k++) sum += sigma[blocks[4 * J + k]];
          if (sum === 0) {
            ties++;
            if (mu[J] > 0) tiesUp++;
          } else {
            decided++;
            expect(mu[J]).toBe(Math.sign(sum));
          }
        }
      }
      expect(decided).toBeGreaterThan(10_000);
      expect(ties).toBeGreaterThan(5_000);
      expect(Math.abs(tiesUp / ties - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / ties));
    }
  });

  it('copies the filter: later changes to the caller’s weights do not change the projector', () => {
    const f = randomFilter(2, 4, 7);
    const p = rbmProjector(f);
    const sigma = Int8Array.from({ length: 16 }, (_, i) => (i % 2 ? 1 : -1));
    const before = p.logY(lattice, sigma);
    f.weights.fill(3);
    expect(p.logY(lattice, sigma)).toBe(before);
    expect(p.filter.weights).not.toBe(f.weights);
  });
});
