import { Lattice, Rng, randomSpins, spinsFromIndex } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { tunableMajorityProjector } from '../src/index.js';
import { blockSums, majorityProbability } from './blocks.js';

/** Lattices with many blocks, and with tied blocks for even b^d. */
const cases = [
  { fine: new Lattice([64]), b: 2 },
  { fine: new Lattice([16, 16]), b: 2 },
  { fine: new Lattice([12, 18]), b: 3 },
  { fine: new Lattice([8, 8, 8]), b: 2 },
];

/**
 * Configurations biased towards small block sums: each spin is −1 with probability `q`,
 * q = ½ being the fully random case where ties are common.
 */
function biased(fine: Lattice, q: number, rng: Rng): Int8Array {
  return new Int8Array(fine.volume).map(() => (rng.nextFloat() < q ? -1 : 1));
}

describe.each([50, Number.POSITIVE_INFINITY])('w = %s', (w) => {
  it('reproduces the majority rule exactly wherever the block sum is nonzero; ties are a fair coin', () => {
    for (const { fine, b } of cases) {
      const kernel = tunableMajorityProjector(w, b).create(fine);
      const rng = Rng.stream(21, fine.volume);
      const mu = new Int8Array(kernel.coarse.volume);
      let ties = 0;
      let tiesUp = 0;
      let decided = 0;
      for (let i = 0; i < 400; i++) {
        const sigma = biased(fine, [0.5, 0.3, 0.7][i % 3], rng);
        const sums = blockSums(fine, b, sigma);
        kernel.apply(sigma, mu, rng);
        for (let J = 0; J < sums.length; J++) {
          if (sums[J] === 0) {
            ties++;
            if (mu[J] === 1) tiesUp++;
          } else {
            decided++;
            if (mu[J] !== Math.sign(sums[J])) {
              expect.fail(`${fine.label}, b = ${b}: block ${J} with sum ${sums[J]} gave μ = ${mu[J]}`);
            }
          }
        }
      }
      expect(decided).toBeGreaterThan(5000);
      if (b ** fine.dimension % 2 === 1) {
        expect(ties).toBe(0);
        continue;
      }
      expect(ties).toBeGreaterThan(2000);
      // Binomial(ties, ½): fewer than 4 standard deviations from ties/2.
      expect(Math.abs(tiesUp - ties / 2) / Math.sqrt(ties / 4), `${tiesUp} of ${ties} ties up`).toBeLessThan(
        4,
      );
    }
  });
});

describe('w = Infinity', () => {
  it('has exactly the majority rule probabilities: 1 or 0 per decided block, ½ per tie', () => {
    for (const [fine, b] of [
      [new Lattice([4, 4]), 2],
      [new Lattice([8]), 2],
      [new Lattice([6, 6]), 3],
      [new Lattice([4, 4, 4]), 2],
    ] as const) {
      const p = tunableMajorityProjector(Number.POSITIVE_INFINITY, b);
      const n = fine.coarsen(b).volume;
      const rng = Rng.stream(22, fine.volume);
      const mu = new Int8Array(n);
      for (let i = 0; i < 20; i++) {
        const sigma = randomSpins(fine, rng);
        for (let m = 0; m < 2 ** n; m++) {
          spinsFromIndex(m, n, mu);
          expect(p.probability!(fine, sigma, mu)).toBe(majorityProbability(fine, b, sigma, mu));
        }
      }
    }
  });
});
