import { Lattice, Rng, UnsupportedError, UsageError } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import {
  WindowLayout,
  type WindowPlacement,
  WindowTable,
  windowFactors,
  windowFields,
  windowPatterns,
} from '../src/window/index.js';

/** Σ_k W_k σ_{b·X_J + origin + k} for every block J, by coordinates (periodic). */
function directSums(lattice: Lattice, p: Required<WindowPlacement>, W: Float64Array, sigma: Int8Array) {
  const blocks = lattice.coarsen(p.stride);
  const d = lattice.dimension;
  const h = new Float64Array(blocks.volume);
  for (let J = 0; J < blocks.volume; J++) {
    const X = blocks.coords(J);
    for (let k = 0; k < W.length; k++) {
      const c = X.map((x, a) => p.stride * x + p.origin + (Math.floor(k / p.side ** (d - 1 - a)) % p.side));
      h[J] += W[k] * sigma[lattice.index(c)];
    }
  }
  return h;
}

// Windows at the block (origin 0), shells around it (origin < 0, as a majority rule with a
// neighbour shell would read), shifted past it (origin > 0), wider than the lattice, 1D to 3D.
const cases: [number[], Required<WindowPlacement>][] = [
  [[8, 8], { stride: 2, side: 2, origin: 0 }],
  [[8, 8], { stride: 2, side: 4, origin: -1 }],
  [[9, 6], { stride: 3, side: 5, origin: -1 }],
  [[8, 8], { stride: 2, side: 12, origin: -5 }],
  [[6, 6], { stride: 2, side: 3, origin: 1 }],
  [[12], { stride: 2, side: 6, origin: -2 }],
  [[4, 4, 6], { stride: 2, side: 4, origin: -1 }],
  [[4, 4], { stride: 2, side: 6, origin: -2 }],
];

describe('window layouts', () => {
  for (const [sizes, placement] of cases) {
    const { stride, side, origin } = placement;
    it(`window sums by lookup equal direct sums (${sizes.join('×')}, b = ${stride}, w = ${side}, origin ${origin})`, () => {
      const lattice = new Lattice(sizes);
      const rng = Rng.stream(17, sizes.length);
      const windows = new WindowLayout(lattice, placement);
      const { reader, anchors } = windows;
      expect(windows.blocks.volume).toBe(lattice.volume / stride ** sizes.length);
      const W = Float64Array.from({ length: side ** sizes.length }, () => rng.nextFloat() - 0.5);
      const table = new WindowTable(reader.bitWindow, reader.offsets.length);
      table.update(W);
      expect(table.products).toBe(true);
      const pat = new Uint8Array(reader.patternLength);
      const groups = new Int32Array(anchors.length);
      const h = new Float64Array(anchors.length);
      const e = new Float64Array(anchors.length);
      const factors = new Float64Array(anchors.length);
      for (let rep = 0; rep < 3; rep++) {
        const sigma = Int8Array.from({ length: lattice.volume }, () => rng.nextSign());
        windowPatterns(reader, sigma, 0, pat);
        windowFields(table.table, table.products, pat, anchors, groups, reader.offsets, h, e);
        windowFactors(table.table, table.products, pat, anchors, groups, reader.offsets, factors);
        const direct = directSums(lattice, placement, W, sigma);
        for (let J = 0; J < h.length; J++) {
          expect(Math.abs(h[J] - direct[J])).toBeLessThan(1e-12);
          expect(Math.abs(e[J] / Math.exp(-2 * direct[J]) - 1)).toBeLessThan(1e-12);
          expect(factors[J]).toBe(e[J]);
        }
      }
    });
  }

  it('at origin 0 and side b, the windows are the blocks of Lattice.window', () => {
    const lattice = new Lattice([6, 4]);
    const { reader, anchors } = new WindowLayout(lattice, { stride: 2, side: 2 });
    const blocks = lattice.window(2, 2);
    for (let J = 0; J < anchors.length; J++) {
      const sites = new Set<number>();
      for (let s = 0; s < reader.offsets.length; s++) {
        for (let c = 0; c < 8; c++) {
          const k = reader.bitWindow[8 * s + c];
          if (k < 0) continue;
          // Packed lines: bit c of byte s is line ⌊c/side⌋ below, column c mod side.
          const p = anchors[J] + reader.offsets[s] + Math.floor(c / reader.lineBits) * reader.lineStride;
          sites.add(reader.source[p + (c % reader.lineBits)]);
        }
      }
      expect([...sites].sort((a, b) => a - b)).toEqual(
        Array.from(blocks.subarray(4 * J, 4 * J + 4)).sort((a, b) => a - b),
      );
    }
  });

  it('refuses a placement that is not integers ≥ 1, and a stride that does not divide the lattice', () => {
    const lattice = new Lattice([8, 8]);
    for (const p of [
      { stride: 0, side: 2 },
      { stride: 2, side: 0 },
      { stride: 2, side: 2, origin: 0.5 },
      { stride: 1.5, side: 2 },
    ]) {
      expect(() => new WindowLayout(lattice, p), JSON.stringify(p)).toThrow(UsageError);
    }
    expect(() => new WindowLayout(lattice, { stride: 3, side: 3 })).toThrow(UnsupportedError);
  });
});
