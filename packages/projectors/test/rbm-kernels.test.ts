import { Lattice, Rng } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { rbmFilter, rbmProjector } from '../src/rbm/index.js';
import { sampleSpins, tanhFields } from '../src/rbm/kernel/js/kernels.js';
import { addToBuckets, resolveBuckets } from '../src/rbm/kernel/shared.js';
import { RbmLayout } from '../src/rbm/layout.js';
import { WindowTable, windowFields, windowPatterns } from '../src/window/index.js';

// Geometries that exercise every path: several segments per window line (w > 8), windows
// larger than the lattice (w > L, sites seen twice by one unit), w < b, lines packed several
// to a byte (windows of side ≤ 4), 1D and 3D.
const cases = [
  { sizes: [8, 8], w: 8, b: 2 },
  { sizes: [4, 4], w: 4, b: 2 },
  { sizes: [4, 4], w: 8, b: 2 },
  { sizes: [2, 4], w: 5, b: 2 },
  { sizes: [12, 6], w: 10, b: 2 },
  { sizes: [9, 6], w: 3, b: 3 },
  { sizes: [6, 6], w: 1, b: 2 },
  { sizes: [16], w: 20, b: 2 },
  { sizes: [4, 4, 6], w: 3, b: 2 },
  { sizes: [4, 4, 4], w: 4, b: 2 },
];

function randomCase(sizes: number[], w: number, b: number, seed: number) {
  const lattice = new Lattice(sizes);
  const rng = Rng.stream(seed, 0);
  const d = sizes.length;
  const filter = rbmFilter({ dimension: d, width: w, blockSize: b });
  for (let k = 0; k < filter.weights.length; k++) filter.weights[k] = rng.nextFloat() - 0.5;
  const sigma = new Int8Array(lattice.volume);
  for (let i = 0; i < sigma.length; i++) sigma[i] = rng.nextSign();
  const layout = new RbmLayout(lattice, filter);
  const mu = new Int8Array(layout.hidden);
  for (let J = 0; J < mu.length; J++) mu[J] = rng.nextSign();
  const t = new Float64Array(layout.hidden);
  for (let J = 0; J < t.length; J++) t[J] = rng.nextFloat() * 2 - 1;
  // Direct sums over the core window table: window[J·w^d + k] = site at b·X_J + k (periodic).
  const window = lattice.window(b, w);
  const wd = filter.weights.length;
  const h = new Float64Array(layout.hidden);
  const g = new Float64Array(lattice.volume);
  const grad = new Float64Array(wd);
  for (let J = 0; J < layout.hidden; J++) {
    for (let k = 0; k < wd; k++) {
      const i = window[J * wd + k];
      h[J] += filter.weights[k] * sigma[i];
      g[i] += filter.weights[k] * mu[J];
      grad[k] += t[J] * sigma[i];
    }
  }
  return { lattice, filter, sigma, mu, t, layout, direct: { h, g, grad } };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-12) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(tol);
}

describe('RBM lookup kernels against direct window sums', () => {
  for (const { sizes, w, b } of cases) {
    const label = `${sizes.join('×')}, w = ${w}, b = ${b}`;
    it(`hidden fields, their Boltzmann factors and the projector's fields (${label})`, () => {
      const { lattice, filter, sigma, layout, direct } = randomCase(sizes, w, b, 11);
      const table = new WindowTable(layout.hiddenWeightIndex, layout.fineReader.offsets.length);
      table.update(filter.weights);
      expect(table.products).toBe(true);
      const pat = new Uint8Array(layout.fineReader.patternLength);
      windowPatterns(layout.fineReader, sigma, 0, pat);
      const h = new Float64Array(layout.hidden);
      const e = new Float64Array(layout.hidden);
      windowFields(
        table.table,
        true,
        pat,
        layout.hiddenAnchors,
        layout.hiddenGroups,
        layout.fineReader.offsets,
        h,
        e,
      );
      expectClose(h, direct.h);
      for (let J = 0; J < h.length; J++) expect(e[J] / Math.exp(-2 * direct.h[J]) - 1).toBeCloseTo(0, 12);
      expectClose(rbmProjector(filter).fields(lattice, sigma), direct.h);
    });

    it(`visible fields of the transposed convolution (${label})`, () => {
      const { filter, mu, layout, direct } = randomCase(sizes, w, b, 12);
      const table = new WindowTable(layout.visibleWeightIndex, layout.coarseReader.offsets.length);
      table.update(filter.weights);
      const pat = new Uint8Array(layout.coarseReader.patternLength);
      windowPatterns(layout.coarseReader, mu, 0, pat);
      const g = new Float64Array(layout.visible);
      const e = new Float64Array(layout.visible);
      windowFields(
        table.table,
        true,
        pat,
        layout.visibleAnchors,
        layout.visibleGroups,
        layout.coarseReader.offsets,
        g,
        e,
      );
      expectClose(g, direct.g);
      for (let i = 0; i < g.length; i++) expect(e[i] / Math.exp(-2 * direct.g[i]) - 1).toBeCloseTo(0, 12);
    });

    it(`gradient buckets resolve to Σ_J t_J σ_{bX_J+k} (${label})`, () => {
      const { sigma, t, layout, direct } = randomCase(sizes, w, b, 13);
      const pat = new Uint8Array(layout.fineReader.patternLength);
      windowPatterns(layout.fineReader, sigma, 0, pat);
      const buckets = new Float64Array(layout.fineReader.offsets.length * 256);
      addToBuckets(pat, layout.hiddenAnchors, layout.fineReader.offsets, t, 1, buckets);
      const grad = new Float64Array(direct.grad.length);
      resolveBuckets(buckets, layout.hiddenWeightIndex, grad);
      expectClose(grad, direct.grad);
    });
  }

  it('falls back to exp when products of table entries could overflow, with the same fields', () => {
    const { sigma, layout, direct, filter } = randomCase([8, 8], 8, 2, 14);
    const big = rbmFilter({ ...filter, weights: filter.weights.map((v) => v * 40) });
    const table = new WindowTable(layout.hiddenWeightIndex, layout.fineReader.offsets.length);
    table.update(big.weights);
    expect(table.products).toBe(false);
    const pat = new Uint8Array(layout.fineReader.patternLength);
    windowPatterns(layout.fineReader, sigma, 0, pat);
    const h = new Float64Array(layout.hidden);
    const e = new Float64Array(layout.hidden);
    windowFields(
      table.table,
      table.products,
      pat,
      layout.hiddenAnchors,
      layout.hiddenGroups,
      layout.fineReader.offsets,
      h,
      e,
    );
    expectClose(
      h,
      direct.h.map((v) => v * 40),
      1e-10,
    );
    for (let J = 0; J < h.length; J++) expect(e[J]).toBe(Math.exp(-2 * h[J]));
    const t = new Float64Array(layout.hidden);
    tanhFields(h, e, t);
    for (let J = 0; J < h.length; J++) expect(t[J]).toBeCloseTo(Math.tanh(h[J]), 12);
  });

  it('draws with the inlined RNG exactly as rng.nextU32() would, u·(1 + e) < 1 ⇒ +1', () => {
    const e = Float64Array.from({ length: 500 }, (_, i) => Math.exp((i - 250) / 50));
    const out = new Int8Array(e.length);
    const rng = Rng.stream(3, 9);
    const ref = rng.clone();
    sampleSpins(e, out, rng);
    for (let i = 0; i < e.length; i++) {
      const u = ref.nextU32() * 2 ** -32;
      expect(out[i]).toBe(u * (1 + e[i]) < 1 ? 1 : -1);
    }
    expect(Array.from(rng.s)).toEqual(Array.from(ref.s));
  });
});
