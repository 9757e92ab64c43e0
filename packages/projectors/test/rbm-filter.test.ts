import { Lattice, Rng, UsageError } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import {
  blockFilter,
  filterOffset,
  orientFilter,
  type RbmFilter,
  rbmFilter,
  rbmProjector,
  shiftFilter,
  symmetrizeFilter,
  symmetryOrbits,
} from '../src/rbm/index.js';

function randomFilter(dimension: number, width: number, seed: number, scale = 0.5): RbmFilter {
  const rng = Rng.stream(seed, 0);
  const f = rbmFilter({ dimension, width, blockSize: 2 });
  for (let k = 0; k < f.weights.length; k++) f.weights[k] = (2 * rng.nextFloat() - 1) * scale;
  return f;
}

function randomSpins(n: number, rng: Rng): Int8Array {
  return Int8Array.from({ length: n }, () => rng.nextSign());
}

/** σ'(x) = σ(map(x)) on a 2D lattice. */
function mapSpins(lattice: Lattice, spins: Int8Array, map: (c: number[]) => number[]): Int8Array {
  const out = new Int8Array(spins.length);
  for (let i = 0; i < spins.length; i++) out[i] = spins[lattice.index(map(lattice.coords(i)))];
  return out;
}

describe('RBM filter geometry', () => {
  it('validates the geometry and the number of weights', () => {
    expect(() => rbmFilter({ dimension: 2, width: 0 })).toThrow(UsageError);
    expect(() => rbmFilter({ dimension: 2, width: 3, weights: [1, 2] })).toThrow(/9 weights, got 2/);
    expect(() => rbmFilter({ dimension: 2, width: 1, weights: [Number.NaN] })).toThrow(/not finite/);
    expect(rbmFilter({ dimension: 3, width: 2 }).weights.length).toBe(8);
    expect(filterOffset({ dimension: 2, width: 8 }, 8 * 3 + 5)).toEqual([3, 5]);
  });

  it('blockFilter puts the value on the b^d block at the given corner only', () => {
    const f = blockFilter({ dimension: 2, blockSize: 2, width: 8, value: 50, at: 3 });
    const nonzero = [...f.weights.keys()].filter((k) => f.weights[k] !== 0).map((k) => filterOffset(f, k));
    expect(nonzero).toEqual([
      [3, 3],
      [3, 4],
      [4, 3],
      [4, 4],
    ]);
    expect(() => blockFilter({ dimension: 2, width: 8, at: 7 })).toThrow(UsageError);
  });
});

describe('orientation (the W → −W gauge)', () => {
  it('−W gives the same Y(σ) and P(μ|σ) of the flipped μ; orientFilter picks Σ W ≥ 0', () => {
    const lattice = Lattice.cubic(2, 8);
    const f = randomFilter(2, 4, 9);
    const negative = rbmFilter({ ...f, weights: f.weights.map((v) => -v) });
    const rng = Rng.stream(9, 1);
    const a = rbmProjector(f);
    const b = rbmProjector(negative);
    for (let trial = 0; trial < 10; trial++) {
      const sigma = randomSpins(64, rng);
      const mu = randomSpins(16, rng);
      expect(b.logY(lattice, sigma)).toBeCloseTo(a.logY(lattice, sigma), 12);
      expect(
        b.probability(lattice, sigma, mu) /
          a.probability(
            lattice,
            sigma,
            mu.map((m) => -m),
          ) -
          1,
      ).toBeCloseTo(0, 12);
    }
    const sum = (g: RbmFilter) => g.weights.reduce((p, v) => p + v, 0);
    for (const g of [f, negative]) {
      const o = orientFilter(g);
      expect(sum(o)).toBeGreaterThanOrEqual(0);
      expect(Math.abs(o.weights[0])).toBe(Math.abs(g.weights[0]));
    }
    expect(Array.from(orientFilter(negative).weights)).toEqual(Array.from(orientFilter(f).weights));
  });
});

describe('point-group symmetrization about the window centre', () => {
  it('has the expected orbits: 10 for an 8×8 window, faces/edges/corners/centre of a 3×3×3 one', () => {
    expect(symmetryOrbits(2, 8).length).toBe(10);
    expect(symmetryOrbits(2, 2).length).toBe(1);
    const cube = symmetryOrbits(3, 3);
    expect(cube.map((o) => o.length).sort((a, b) => a - b)).toEqual([1, 6, 8, 12]);
    const all = cube.flatMap((o) => [...o]).sort((a, b) => a - b);
    expect(all).toEqual([...Array(27).keys()]);
  });

  it('is a projection and gives a bitwise-symmetric filter', () => {
    const f = randomFilter(2, 8, 1);
    const s = symmetrizeFilter(f);
    expect(Array.from(symmetrizeFilter(s).weights)).toEqual(Array.from(s.weights));
    const w = 8;
    for (let k = 0; k < s.weights.length; k++) {
      const [a, c] = filterOffset(s, k);
      for (const [a2, c2] of [
        [w - 1 - a, c],
        [a, w - 1 - c],
        [c, a],
        [w - 1 - c, w - 1 - a],
      ]) {
        expect(s.weights[a2 * w + c2]).toBe(s.weights[k]);
      }
    }
    // The orbit mean keeps the total weight.
    const sum = (x: Float64Array) => x.reduce((p, v) => p + v, 0);
    expect(sum(s.weights)).toBeCloseTo(sum(f.weights), 12);
  });

  it('leaves the majority filter centred in the window unchanged, but not the one at the corner', () => {
    const corner = blockFilter({ dimension: 2, width: 8 });
    const centred = shiftFilter(corner, [3, 3]);
    expect(Array.from(symmetrizeFilter(centred).weights)).toEqual(Array.from(centred.weights));
    expect(Array.from(symmetrizeFilter(corner).weights)).not.toEqual(Array.from(corner.weights));
    expect(() => shiftFilter(corner, [7, 0])).toThrow(/out of the 8-wide window/);
  });

  it('a shifted filter blocks the translated configuration: h_shifted(σ) = h(σ translated)', () => {
    const lattice = Lattice.cubic(2, 12);
    const f = rbmFilter({ dimension: 2, width: 8, blockSize: 2 });
    const g = randomFilter(2, 5, 2);
    for (let k = 0; k < g.weights.length; k++) {
      const [a, c] = filterOffset(g, k);
      f.weights[a * 8 + c] = g.weights[k];
    }
    const shifted = shiftFilter(f, [3, 2]);
    const sigma = randomSpins(lattice.volume, Rng.stream(2, 1));
    // h'_J = Σ_k W_{k−s} σ_{bX+k} = Σ_k W_k σ_{bX+k+s}: the original filter on σ(x + s).
    const translated = mapSpins(lattice, sigma, ([x, y]) => [x + 3, y + 2]);
    const h1 = rbmProjector(shifted).fields(lattice, sigma);
    const h2 = rbmProjector(f).fields(lattice, translated);
    for (let J = 0; J < h1.length; J++) expect(h1[J]).toBeCloseTo(h2[J], 12);
  });

  it('a symmetric filter gives an RG map that commutes with the lattice reflections: P(gμ|gσ) = P(μ|σ)', () => {
    const L = 8;
    const C = L / 2;
    const w = 4;
    const lattice = Lattice.cubic(2, L);
    const coarse = lattice.coarsen(2);
    const rng = Rng.stream(3, 0);
    // Generators of the point group about the window centre (w−1)/2: reflections of each axis
    // (fine x → w−1−x, coarse X → −X) and the transposition.
    const generators: [(c: number[]) => number[], (c: number[]) => number[]][] = [
      [([x, y]) => [w - 1 - x, y], ([X, Y]) => [-X, Y]],
      [([x, y]) => [x, w - 1 - y], ([X, Y]) => [X, -Y]],
      [([x, y]) => [y, x], ([X, Y]) => [Y, X]],
    ];
    const asymmetric = randomFilter(2, w, 4);
    const symmetric = rbmProjector(symmetrizeFilter(asymmetric));
    const plain = rbmProjector(asymmetric);
    let maxAsymmetry = 0;
    for (let trial = 0; trial < 20; trial++) {
      const sigma = randomSpins(lattice.volume, rng);
      const mu = randomSpins(C * C, rng);
      for (const [fineMap, coarseMap] of generators) {
        const gs = mapSpins(lattice, sigma, fineMap);
        const gm = mapSpins(coarse, mu, coarseMap);
        const p = symmetric.probability(lattice, sigma, mu);
        expect(symmetric.probability(lattice, gs, gm) / p - 1).toBeCloseTo(0, 12);
        const q = plain.probability(lattice, sigma, mu);
        maxAsymmetry = Math.max(maxAsymmetry, Math.abs(plain.probability(lattice, gs, gm) / q - 1));
      }
    }
    // The same check fails for the unsymmetrized filter.
    expect(maxAsymmetry).toBeGreaterThan(0.1);
  });
});
