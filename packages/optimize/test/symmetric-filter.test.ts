import { Lattice, Rng } from '@rsrg/core';
import { blockFilter, filterOffset, rbmProjector } from '@rsrg/projectors';
import { describe, expect, it } from 'vitest';
import {
  exponentGradient,
  orbitFilter,
  orbitWeights,
  RgConvergenceObjective,
  rbmFilterField,
  symmetricFilterField,
} from '../src/index.js';
import { invariant } from './filter-symmetry.js';
import { couplingsOf, sampleCritical } from './sample.js';

/**
 * The RBM filter tied by the point group about its window centre (`symmetricFilterField`): one
 * parameter per orbit, the orbit feature φ_o = Σ_{k∈o} σ_{bX+k}. Its filter is invariant bit for
 * bit, its features give the projector's fields, and on the same configurations and draws its
 * gradient is the sum of the free weights' gradients over each orbit, for the exponents (3D,
 * 4-wide: four orbits) and for the loss (2D, 4-wide: three orbits).
 */

const cube = { dimension: 3, width: 4, blockSize: 2 };
const square = { dimension: 2, width: 4, blockSize: 2 };

/** Σ_{k∈o} of the free weights' values, per orbit o of the rule. */
function orbitSums(free: readonly { value: number }[], parameterOf: Int32Array, p: number): number[] {
  const sums = new Array<number>(p).fill(0);
  for (let k = 0; k < free.length; k++) sums[parameterOf[k]] += free[k].value;
  return sums;
}

describe('the 4-wide symmetric filter in 3D', () => {
  const theta = [0.03, -0.07, 0.11, 0.45];
  const rule = symmetricFilterField(cube, theta);
  const { parameterOf } = rule.features(new Lattice([8, 8, 8]));

  it('has four orbits: 8 corners, 24 edge sites, 24 face sites (the central block’s shell), the central 2³ block', () => {
    expect(rule.names).toEqual(['W[0,0,0]×8', 'W[0,0,1]×24', 'W[0,1,1]×24', 'W[1,1,1]×8']);
    // Sites with c coordinates on the window's boundary {0, 3}: 3 corners, 2 edges, 1 faces, 0 core.
    for (let k = 0; k < 64; k++) {
      const c = filterOffset(cube, k).filter((x) => x === 0 || x === 3).length;
      expect(parameterOf[k]).toBe(3 - c);
    }
  });

  it('writes a filter invariant under the point group bit for bit, and reads its orbit weights back', () => {
    const filter = orbitFilter(cube, theta);
    expect(invariant(filter)).toBe(true);
    expect(orbitWeights(filter)).toEqual(theta);
    // The start on the central block is symmetric; on the corner block it is not (control).
    expect(invariant(blockFilter({ ...cube, value: 0.45, at: 1 }))).toBe(true);
    expect(orbitWeights(blockFilter({ ...cube, value: 0.45, at: 1 }))).toEqual([0, 0, 0, 0.45]);
    const corner = blockFilter({ ...cube, value: 0.45 });
    expect(invariant(corner)).toBe(false);
    expect(() => orbitWeights(corner)).toThrow(/not symmetric about its window centre/);
  });

  it('its features give the projector’s hidden fields', () => {
    const fine = new Lattice([8, 8, 8]);
    const rng = Rng.stream(7, 0);
    const sigma = Int8Array.from({ length: fine.volume }, () => (rng.nextFloat() < 0.5 ? -1 : 1));
    const h = rbmProjector(orbitFilter(cube, theta)).fields(fine, sigma);
    const { sites, r } = rule.features(fine);
    for (let J = 0; J < h.length; J++) {
      let field = 0;
      for (let q = 0; q < r; q++) field += theta[parameterOf[q]] * sigma[sites[J * r + q]];
      expect(field).toBeCloseTo(h[J], 12);
    }
  });

  it('∂y/∂θ_o is Σ_{k∈o} ∂y/∂W_k on the same configurations and draws', () => {
    const data = sampleCritical('ising3d', 8, 300, 61, 2);
    const options = { couplings: couplingsOf('ising3d').even, nc: 3, nr: 1, seed: 9, bins: 20 };
    const tied = exponentGradient(data, rule, options);
    const free = exponentGradient(data, rbmFilterField(orbitFilter(cube, theta)), options);
    expect(tied.y.value).toBe(free.y.value);
    expect(free.gradient).toHaveLength(64);
    const sums = orbitSums(free.gradient, parameterOf, 4);
    for (let o = 0; o < 4; o++) {
      expect(Math.abs(tied.gradient[o].value - sums[o])).toBeLessThan(1e-9 * Math.abs(sums[o]));
      // Control: the members' gradients differ (the data are not symmetric sample by sample), so
      // the orbit's size times one member is not the sum: a wrong tying would show.
      const first = free.gradient[rule.features(data.lattice).parameterOf.indexOf(o)].value;
      const n = [8, 24, 24, 8][o];
      expect(Math.abs(n * first - sums[o])).toBeGreaterThan(1e-3 * Math.abs(sums[o]));
    }
  });
});

describe('the 4-wide symmetric filter in 2D, dL/dθ of the loss', () => {
  const main = sampleCritical('ising2d', 16, 800, 71, 3);
  const other = sampleCritical('ising2d', 8, 800, 72, 3);
  const theta = [-0.02, 0.05, 0.3];
  const rule = symmetricFilterField(square, theta);
  const { parameterOf } = rule.features(main.lattice);

  it.each([
    ['even', true],
    ['odd', false],
  ] as const)('dL/dθ_o of the %s sector (weighted %s) is Σ_{k∈o} dL/dW_k', (sector, weighted) => {
    const options = {
      couplings: couplingsOf('ising2d'),
      blockSize: 2,
      seed: 13,
      bins: 16,
      mu: 1,
      nc: 3,
      weighted,
    };
    const tied = new RgConvergenceObjective(main, other, options).evaluateWithGradient(rule, sector);
    const free = new RgConvergenceObjective(main, other, options).evaluateWithGradient(
      rbmFilterField(orbitFilter(square, theta)),
      sector,
    );
    expect(tied.value[sector].loss).toBe(free.value[sector].loss);
    const sums = orbitSums(free.gradient, parameterOf, 3);
    for (let o = 0; o < 3; o++)
      expect(Math.abs(tied.gradient[o].value - sums[o])).toBeLessThan(1e-9 * Math.abs(sums[o]));
    // Control: a wrong partition (the corners counted with the edges) does not give the edges' sum.
    const wrong = sums[0] + sums[1];
    expect(Math.abs(tied.gradient[1].value - wrong)).toBeGreaterThan(1e-3 * Math.abs(sums[1]));
  });
});
