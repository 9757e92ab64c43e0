import { couplingFromOrbit, interactionTable, Lattice } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { kaufmanEnergy, kaufmanEnergyVariance, kaufmanLogZ } from '../src/index.js';

const KC = Math.log(1 + Math.SQRT2) / 2;
const nn = couplingFromOrbit('nearest neighbour', [
  [0, 0],
  [0, 1],
]);

/** ln Z, ⟨S_nn⟩ and Var(S_nn) by summing over every configuration of the m×n torus. */
function enumerated(m: number, n: number, K: number): { logZ: number; energy: number; variance: number } {
  const S = interactionTable(new Lattice([m, n]), [nn]);
  let top = Number.NEGATIVE_INFINITY;
  for (const s of S) top = Math.max(top, K * s);
  let z = 0;
  let e = 0;
  let e2 = 0;
  for (const s of S) {
    const w = Math.exp(K * s - top);
    z += w;
    e += w * s;
    e2 += w * s * s;
  }
  e /= z;
  return { logZ: Math.log(z) + top, energy: e, variance: e2 / z - e * e };
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("Kaufman's exact torus", () => {
  // 3×4 and 4×3 check that the formula is symmetric in m and n on a non-square torus;
  // 2×5 that bonds doubling up on a 2-wide axis are counted as the interaction sum counts them.
  const sizes = [
    [4, 4],
    [3, 4],
    [4, 3],
    [3, 3],
    [2, 5],
  ];
  for (const [m, n] of sizes) {
    it(`matches enumeration of the ${m}×${n} torus`, () => {
      for (const K of [0.05, 0.2, 0.35, KC, 0.5, 0.8, 1.0]) {
        const exact = enumerated(m, n, K);
        expect(relative(kaufmanLogZ(K, m, n), exact.logZ)).toBeLessThan(1e-12);
        expect(relative(kaufmanEnergy(K, m, n), exact.energy)).toBeLessThan(1e-9);
        // A second difference of ln Z ~ mn: rounding allows about 1e-9 (3e-9 at K = 1).
        expect(relative(kaufmanEnergyVariance(K, m, n), exact.variance)).toBeLessThan(1e-8);
      }
    });
  }

  it('gives ⟨S_nn⟩/N = 1.43365847 (L = 32) and 1.42393839 (L = 64) at K_c', () => {
    expect(kaufmanEnergy(KC, 32, 32) / 1024).toBeCloseTo(1.43365847, 8);
    expect(kaufmanEnergy(KC, 64, 64) / 4096).toBeCloseTo(1.42393839, 8);
  });

  it('approaches the infinite-lattice energy √2 at K_c and 2 at large K', () => {
    expect(Math.abs(kaufmanEnergy(KC, 512, 512) / 512 ** 2 - Math.SQRT2)).toBeLessThan(2e-3);
    expect(kaufmanEnergy(3, 16, 16) / 256).toBeCloseTo(2, 8);
  });

  it('rejects K ≤ 0 and non-integer sizes', () => {
    expect(() => kaufmanLogZ(0, 4, 4)).toThrow(RangeError);
    expect(() => kaufmanLogZ(-0.3, 4, 4)).toThrow(RangeError);
    expect(() => kaufmanEnergy(0.3, 4.5, 4)).toThrow(RangeError);
  });
});
