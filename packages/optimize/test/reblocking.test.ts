import { analyze } from '@rsrg/mcrg';
import { majorityProjector, stochasticMajorityProjector } from '@rsrg/projectors';
import { describe, expect, it } from 'vitest';
import {
  exponentDifference,
  Reblocking,
  RgConvergenceObjective,
  sectorExponents,
  sectorLoss,
} from '../src/index.js';
import { couplingsOf, sampleCritical } from './sample.js';

/**
 * Re-blocking stored configurations: the stochastic majority rule at large w measures majority
 * rule's exponents on the same configurations (within 3σ), at small w it does not; the
 * objective is a deterministic function of θ under common random numbers.
 */

// 2D Ising 16×16 at K_c, 3000 configurations: a second to sample.
const data = sampleCritical('ising2d', 16, 3000, 5);
const couplings = couplingsOf('ising2d');
const reblocking = new Reblocking(data, { couplings, blockSize: 2, seed: 9 });

function yOf(projector: Parameters<Reblocking['measure']>[0], sector: 'even' | 'odd', nc: number) {
  return sectorExponents(reblocking.measure(projector).estimates, sector, nc).y;
}

describe('stochastic majority against majority rule on identical configurations', () => {
  const cases = [
    ['even', 1],
    ['even', 3],
    ['odd', 1],
  ] as const;

  it.each(cases)(
    'w = 20 gives majority rule’s %s exponents at N_c = %i within 3σ, every N_r',
    (sector, nc) => {
      const majority = yOf(majorityProjector(2), sector, nc);
      const large = yOf(stochasticMajorityProjector({ w: 20, w1: 0 }), sector, nc);
      expect(majority).toHaveLength(reblocking.levels);
      for (let n = 0; n < majority.length; n++) {
        const sigma = Math.hypot(majority[n].error, large[n].error);
        expect(sigma).toBeGreaterThan(0);
        expect(Math.abs(large[n].y - majority[n].y)).toBeLessThan(3 * sigma);
      }
    },
  );

  it('w = 0.05 does not (negative control): y_t is off by more than 3σ at every N_r', () => {
    const majority = yOf(majorityProjector(2), 'even', 1);
    const small = yOf(stochasticMajorityProjector({ w: 0.05, w1: 0 }), 'even', 1);
    for (let n = 0; n < majority.length; n++) {
      const sigma = Math.hypot(majority[n].error, small[n].error);
      expect(Math.abs(small[n].y - majority[n].y)).toBeGreaterThan(3 * sigma);
    }
  });
});

describe('the RG-convergence objective', () => {
  const other = sampleCritical('ising2d', 8, 3000, 6);
  const objective = (seed: number) =>
    new RgConvergenceObjective(data, other, { couplings, blockSize: 2, seed, mu: 0.5 });

  it('gives the same L for the same θ bit for bit, and another L for another seed', () => {
    const a = objective(9);
    const theta = { w: 0.8, w1: 0.1 };
    const first = a.evaluate(stochasticMajorityProjector(theta));
    // Again on the same objective (level-0 sums now cached), and on a fresh one.
    const again = a.evaluate(stochasticMajorityProjector(theta));
    const fresh = objective(9).evaluate(stochasticMajorityProjector(theta));
    expect(again).toEqual(first);
    expect(fresh).toEqual(first);
    expect(Number.isFinite(first.even.loss) && Number.isFinite(first.odd.loss)).toBe(true);
    // Negative control: other draws give other exponents.
    const reseeded = objective(10).evaluate(stochasticMajorityProjector(theta));
    expect(reseeded.even.loss).not.toBe(first.even.loss);
    expect(reseeded.odd.loss).not.toBe(first.odd.loss);
  });

  it('adds its parts as L = Σ(y⁽ⁿ⁺¹⁾ − y⁽ⁿ⁾)² + μ Σ(y_L⁽ⁿ⁾ − y_L′⁽ⁿ⁾)²', () => {
    const main = { nc: 1, y: [1, 1.1, 1.15].map((y, i) => ({ nr: i + 1, y, error: 0 })) };
    const small = { nc: 1, y: [0.9, 1.2].map((y, i) => ({ nr: i + 1, y, error: 0 })) };
    const l = sectorLoss(main, small, 2);
    expect(l.steps).toBeCloseTo(0.01 + 0.0025, 15);
    expect(l.sizes).toBeCloseTo(0.01 + 0.01, 15);
    expect(l.loss).toBeCloseTo(0.0125 + 2 * 0.02, 15);
    expect(sectorLoss(main, undefined, 2).loss).toBeCloseTo(0.0125, 15);
  });

  it('refuses a single RG step with no second lattice, and a projector of another block size', () => {
    expect(
      () => new RgConvergenceObjective(data, undefined, { couplings, blockSize: 2, seed: 1, levels: 1 }),
    ).toThrow(/nothing to converge/);
    expect(() => reblocking.measure(majorityProjector(4))).toThrow(/block size 4, not 2/);
  });
});

describe('paired differences on the same configurations', () => {
  it('resolve y_a − y_b better than the separate errors, and agree with the difference of the estimates', () => {
    const a = reblocking.accumulate(stochasticMajorityProjector({ w: 1.2, w1: 0 }));
    const b = reblocking.accumulate(majorityProjector(2));
    const ya = sectorExponents(analyze(a), 'even', 3).y[0];
    const yb = sectorExponents(analyze(b), 'even', 3).y[0];
    const d = exponentDifference(a, b, 'even', 1, 3);
    expect(d.value).toBeCloseTo(ya.y - yb.y, 12);
    expect(d.error).toBeLessThan(Math.hypot(ya.error, yb.error));
    // A projector against itself: zero difference, zero error.
    const self = exponentDifference(b, b, 'even', 1, 3);
    expect(self.value).toBe(0);
    expect(self.error).toBe(0);
  });
});
