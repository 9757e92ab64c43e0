import { Lattice, Rng } from '@rsrg/core';
import { projectingStream } from '@rsrg/mcrg';
import { rbmFilter, rbmProjector } from '@rsrg/projectors';
import { describe, expect, it } from 'vitest';
import {
  exponentDifference,
  exponentGradient,
  Reblocking,
  rbmFilterField,
  sectorExponents,
} from '../src/index.js';
import { couplingsOf, sampleCritical } from './sample.js';

/**
 * The exponent gradient of the RBM filter (projector `rbm`, h_B = Σ_k W_k σ_{bX_B + k}), a
 * linear-field rule with one parameter per weight: its projector draws one number per block
 * whatever W is (common random numbers), its features give the projector's fields, and ∂y/∂W_k
 * by the score function matches central finite differences of y with common random numbers
 * on 4000 critical 8×8 configurations, width-2 filter.
 */

const data = sampleCritical('ising2d', 8, 4000, 41, 3);
const { even, odd } = couplingsOf('ising2d');
const bins = 40;
const seed = 8;
const EPSILON = 0.05;
// An asymmetric filter near the block filter, so that the four derivatives differ.
const W = [0.5, 0.35, 0.45, 0.4];
const filterOf = (weights: readonly number[]) => rbmFilter({ dimension: 2, width: 2, blockSize: 2, weights });

describe('common random numbers for the rbm projector', () => {
  it('draws exactly one number per block whatever the weights', () => {
    const fine = new Lattice([16, 16]);
    const sigma = data.configurations.subarray(0, 64);
    const big = new Int8Array(256);
    for (let i = 0; i < 256; i++) big[i] = sigma[i % 64];
    for (const weights of [W, [0, 0, 0, 0], [50, -3, 7, 1e-9], [-2, -2, -2, -2]]) {
      const kernel = rbmProjector(filterOf(weights)).create(fine);
      const rng = projectingStream(3, 1);
      const reference = projectingStream(3, 1);
      kernel.apply(big, new Int8Array(64), rng);
      for (let n = 0; n < 64; n++) reference.nextU32();
      expect(Array.from(rng.s)).toEqual(Array.from(reference.s));
    }
  });

  it('the features give the projector’s hidden fields (width 2 and 4)', () => {
    const fine = new Lattice([8, 8]);
    const sigma = data.configurations.subarray(64 * 7, 64 * 8);
    const rng = Rng.stream(5, 0);
    for (const width of [2, 4]) {
      const weights = Array.from({ length: width * width }, () => rng.nextFloat() - 0.3);
      const filter = rbmFilter({ dimension: 2, width, blockSize: 2, weights });
      const h = rbmProjector(filter).fields(fine, sigma);
      const { sites, parameterOf, r } = rbmFilterField(filter).features(fine);
      for (let J = 0; J < h.length; J++) {
        let field = 0;
        for (let q = 0; q < r; q++) field += weights[parameterOf[q]] * sigma[sites[J * r + q]];
        expect(field).toBeCloseTo(h[J], 12);
      }
    }
  });
});

function finiteDifference(weights: readonly number[], k: number, sector: 'even' | 'odd', nc: number) {
  const reblocking = new Reblocking(data, { couplings: { even, odd }, blockSize: 2, seed, bins, levels: 1 });
  const shift = (h: number) =>
    reblocking.accumulate(rbmProjector(filterOf(weights.map((v, j) => (j === k ? v + h : v)))));
  const d = exponentDifference(shift(EPSILON), shift(-EPSILON), sector, 1, nc);
  return { value: d.value / (2 * EPSILON), error: d.error / (2 * EPSILON) };
}

describe.each([
  ['even', 2],
  ['odd', 1],
] as const)('∂y/∂W_k of the width-2 filter in the %s sector at N_c = %i', (sector, nc) => {
  it('equals finite differences with common random numbers within 4σ, and y equals the analyzer’s', () => {
    const couplings = sector === 'even' ? even : odd;
    const g = exponentGradient(data, rbmFilterField(filterOf(W)), { couplings, nc, nr: 1, seed, bins });
    expect(g.gradient).toHaveLength(4);
    const reblocking = new Reblocking(data, {
      couplings: { even, odd },
      blockSize: 2,
      seed,
      bins,
      levels: 1,
    });
    const y = sectorExponents(reblocking.measure(rbmProjector(filterOf(W))).estimates, sector, nc).y[0];
    expect(g.y.value).toBeCloseTo(y.y, 10);
    for (let k = 0; k < 4; k++) {
      const fd = finiteDifference(W, k, sector, nc);
      const s = g.gradient[k];
      expect(Math.abs(s.value - fd.value)).toBeLessThan(4 * Math.hypot(s.error, fd.error));
    }
  });
});

it('differs from finite differences at another filter (negative control)', () => {
  const g = exponentGradient(data, rbmFilterField(filterOf(W)), {
    couplings: even,
    nc: 1,
    nr: 1,
    seed,
    bins,
  });
  const fd = finiteDifference([1.5, 1.5, 1.5, 1.5], 0, 'even', 1);
  expect(Math.abs(g.gradient[0].value - fd.value)).toBeGreaterThan(
    4 * Math.hypot(g.gradient[0].error, fd.error),
  );
});
