import { stochasticMajorityProjector } from '@rsrg/projectors';
import { describe, expect, it } from 'vitest';
import { exponentDifference, exponentGradient, Reblocking, sectorExponents } from '../src/index.js';
import { couplingsOf, sampleCritical } from './sample.js';

/**
 * ∂y/∂θ of an MCRG exponent by the score function and the eigenvalue derivative
 * dλ = uᵀ dT v / (uᵀ v), against central finite differences of y with common random numbers
 * (the same draws as `Reblocking`), on 4000 critical 8×8 configurations.
 */

const data = sampleCritical('ising2d', 8, 4000, 31, 3);
const { even, odd } = couplingsOf('ising2d');
const bins = 40;
const seed = 6;
const EPSILON = 0.05;

function finiteDifference(theta: { w: number; w1: number }, p: 0 | 1, sector: 'even' | 'odd', nc: number) {
  const reblocking = new Reblocking(data, { couplings: { even, odd }, blockSize: 2, seed, bins, levels: 1 });
  const shift = (h: number) =>
    reblocking.accumulate(
      stochasticMajorityProjector(
        p === 0 ? { w: theta.w + h, w1: theta.w1 } : { w: theta.w, w1: theta.w1 + h },
      ),
    );
  const d = exponentDifference(shift(EPSILON), shift(-EPSILON), sector, 1, nc);
  return { value: d.value / (2 * EPSILON), error: d.error / (2 * EPSILON) };
}

describe.each([
  ['even', 1],
  ['even', 2],
  ['odd', 1],
] as const)('∂y/∂θ in the %s sector at N_c = %i', (sector, nc) => {
  const theta = { w: 0.5, w1: 0.1 };
  const couplings = sector === 'even' ? even : odd;

  it('equals finite differences with common random numbers within 4σ, and y equals the analyzer’s', () => {
    const g = exponentGradient(data, theta, { couplings, nc, nr: 1, seed, bins });
    const reblocking = new Reblocking(data, {
      couplings: { even, odd },
      blockSize: 2,
      seed,
      bins,
      levels: 1,
    });
    const y = sectorExponents(reblocking.measure(stochasticMajorityProjector(theta)).estimates, sector, nc)
      .y[0];
    expect(g.y.value).toBeCloseTo(y.y, 10);
    for (const p of [0, 1] as const) {
      const fd = finiteDifference(theta, p, sector, nc);
      const s = g.gradient[p];
      const sigma = Math.hypot(s.error, fd.error);
      expect(Math.abs(s.value - fd.value)).toBeLessThan(4 * sigma);
    }
  });
});

it('differs from finite differences at another θ (negative control)', () => {
  const g = exponentGradient(data, { w: 0.5, w1: 0.1 }, { couplings: even, nc: 1, nr: 1, seed, bins });
  const fd = finiteDifference({ w: 1.5, w1: 0.1 }, 0, 'even', 1);
  expect(Math.abs(g.gradient[0].value - fd.value)).toBeGreaterThan(
    4 * Math.hypot(g.gradient[0].error, fd.error),
  );
});
