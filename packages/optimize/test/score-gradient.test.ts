import type { Lattice } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { type CoarseObservable, finiteDifferenceGradient, scoreGradient } from '../src/index.js';
import { sampleCritical } from './sample.js';

/**
 * The score-function gradient of ⟨O(μ)⟩ in θ = (w, w₁) of the stochastic majority rule,
 * ∂⟨O⟩/∂θ = ⟨(O − ⟨O⟩) Σ_B (μ_B − tanh h_B) ∂h_B/∂θ⟩, against central finite differences with
 * common random numbers, on 4000 critical 8×8 configurations (2D Ising at K_c).
 */

const data = sampleCritical('ising2d', 8, 4000, 21, 3);

/** Nearest-neighbour correlation of the block spins, per bond: the observable of S_nn at level 1. */
const nearestNeighbour: CoarseObservable = (mu: Int8Array, coarse: Lattice) => {
  const nb = coarse.neighbours();
  const z = coarse.coordination;
  let sum = 0;
  for (let i = 0; i < mu.length; i++) for (let a = 0; a < z; a += 2) sum += mu[i] * mu[nb[i * z + a]];
  return sum / (mu.length * coarse.dimension);
};

/** Squared block magnetization per site: an observable of the odd-sector fluctuations. */
const magnetizationSquared: CoarseObservable = (mu: Int8Array) => {
  let m = 0;
  for (let i = 0; i < mu.length; i++) m += mu[i];
  return (m / mu.length) ** 2;
};

const options = { seed: 4, bins: 40 };
const EPSILON = 0.02;

describe.each([
  ['the nearest-neighbour correlation', nearestNeighbour],
  ['the squared magnetization', magnetizationSquared],
] as const)('∂⟨O⟩/∂θ of %s', (_, observable) => {
  it.each([
    { w: 0.4, w1: 0 },
    { w: 0.3, w1: 0.1 },
  ])('at w = $w, w1 = $w1: the score-function estimate equals finite differences within 4σ', (theta) => {
    const score = scoreGradient(data, theta, observable, options);
    const fd = finiteDifferenceGradient(data, theta, observable, EPSILON, options);
    // Same draws at θ: ⟨O⟩ agrees exactly.
    expect(score.value.value).toBe(fd.value.value);
    for (let a = 0; a < 2; a++) {
      const s = score.gradient[a];
      const f = fd.gradient[a];
      const sigma = Math.hypot(s.error, f.error);
      expect(sigma).toBeGreaterThan(0);
      expect(Math.abs(s.value - f.value)).toBeLessThan(4 * sigma);
      // The gradient is resolved: not zero within its errors, so the comparison has teeth.
      expect(Math.abs(f.value)).toBeGreaterThan(4 * f.error);
    }
  });
});

it('finite differences at another θ disagree with the score-function estimate (negative control)', () => {
  const score = scoreGradient(data, { w: 0.4, w1: 0 }, nearestNeighbour, options);
  const fd = finiteDifferenceGradient(data, { w: 0.9, w1: 0 }, nearestNeighbour, EPSILON, options);
  const s = score.gradient[0];
  const f = fd.gradient[0];
  expect(Math.abs(s.value - f.value)).toBeGreaterThan(4 * Math.hypot(s.error, f.error));
});
