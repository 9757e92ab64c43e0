import { type Estimate, jackknife, type Lattice, UsageError } from '@rsrg/core';
import { binSamples, projectingStream } from '@rsrg/mcrg';
import {
  fieldSites,
  localField,
  type StochasticMajorityParameters,
  stochasticMajorityProjector,
} from '@rsrg/projectors';
import type { StoredConfigurations } from './reblocking.js';

/** An observable of the block spins: O(μ) on the coarse lattice. */
export type CoarseObservable = (mu: Int8Array, coarse: Lattice) => number;

/** ⟨O⟩ and its derivatives in θ = (w, w₁), with jackknife errors. */
export interface ObservableGradient {
  /** ⟨O(μ)⟩ at θ. */
  readonly value: Estimate;
  /** ∂⟨O⟩/∂w and ∂⟨O⟩/∂w₁. */
  readonly gradient: readonly [Estimate, Estimate];
}

/** Settings shared by the two gradient estimates. */
export interface GradientOptions {
  /** Block size b (default 2). */
  readonly blockSize?: number;
  /** Seed of the common random numbers: bin k draws from `projectingStream(seed, k)`. */
  readonly seed: number;
  /** Jackknife bins (default 32). */
  readonly bins?: number;
}

function setup(data: StoredConfigurations, theta: StochasticMajorityParameters, options: GradientOptions) {
  const b = options.blockSize ?? 2;
  const bins = options.bins ?? 32;
  if (!Number.isFinite(theta.w)) throw new UsageError('the gradient in w needs a finite w');
  if (data.count < bins) throw new UsageError(`${data.count} configurations are too few for ${bins} bins`);
  const fine = data.lattice;
  const V = fine.volume;
  const coarse = fine.coarsen(b);
  return { b, bins, fine, V, coarse };
}

/**
 * The score-function (likelihood-ratio) estimate of the gradient of ⟨O(μ)⟩ over the stored
 * configurations, μ drawn from the stochastic majority rule at θ:
 * ∂⟨O⟩/∂θ = ⟨(O − ⟨O⟩) Σ_B (μ_B − tanh h_B) ∂h_B/∂θ⟩, with ∂h_B/∂w = Σ_B σ and ∂h_B/∂w₁ the
 * shell sum, since ∂ ln P(μ|σ)/∂h_B = μ_B − tanh h_B. One blocking per configuration, no
 * second θ; the jackknife over bins gives the errors of the covariance.
 */
export function scoreGradient(
  data: StoredConfigurations,
  theta: StochasticMajorityParameters,
  observable: CoarseObservable,
  options: GradientOptions,
): ObservableGradient {
  const { b, bins, fine, V, coarse } = setup(data, theta, options);
  const kernel = stochasticMajorityProjector(theta, b).create(fine);
  const { table, v, u } = fieldSites(fine, b, true);
  const n = coarse.volume;
  const tanh = new Float64Array((v + 1) * (u + 1));
  for (let i = 0; i <= v; i++)
    for (let j = 0; j <= u; j++)
      tanh[i * (u + 1) + j] = Math.tanh(localField(theta.w, theta.w1, 2 * i - v, 2 * j - u));
  const mu = new Int8Array(n);
  // Per bin: Σ O, Σ G_w, Σ G_w1, Σ O·G_w, Σ O·G_w1, count.
  const sums = new Float64Array(bins * 6);
  let i = 0;
  for (let k = 0; k < bins; k++) {
    const rng = projectingStream(options.seed, k);
    const count = binSamples(data.count, bins, k);
    for (let j = 0; j < count; j++, i++) {
      const sigma = data.configurations.subarray(i * V, (i + 1) * V);
      kernel.apply(sigma, mu, rng);
      const o = observable(mu, coarse);
      let gw = 0;
      let gw1 = 0;
      for (let J = 0; J < n; J++) {
        const base = J * (v + u);
        let s = 0;
        let t = 0;
        for (let q = 0; q < v; q++) s += sigma[table[base + q]];
        for (let q = v; q < v + u; q++) t += sigma[table[base + q]];
        const residual = mu[J] - tanh[((s + v) >> 1) * (u + 1) + ((t + u) >> 1)];
        gw += residual * s;
        gw1 += residual * t;
      }
      const row = k * 6;
      sums[row] += o;
      sums[row + 1] += gw;
      sums[row + 2] += gw1;
      sums[row + 3] += o * gw;
      sums[row + 4] += o * gw1;
      sums[row + 5] += 1;
    }
  }
  const [value, dw, dw1] = jackknife(bins, (skip) => {
    const t = new Float64Array(6);
    for (let k = 0; k < bins; k++) if (k !== skip) for (let c = 0; c < 6; c++) t[c] += sums[k * 6 + c];
    const N = t[5];
    const mo = t[0] / N;
    return [mo, t[3] / N - mo * (t[1] / N), t[4] / N - mo * (t[2] / N)];
  });
  return { value, gradient: [dw, dw1] };
}

/**
 * The central finite difference [⟨O⟩(θ + ε e_a) − ⟨O⟩(θ − ε e_a)] / 2ε for a = w, w₁ with common
 * random numbers: both sides block each configuration with the same draws, so most block spins
 * agree and the difference has a small variance. The reference the score-function estimate is
 * tested against; biased by O(ε²).
 */
export function finiteDifferenceGradient(
  data: StoredConfigurations,
  theta: StochasticMajorityParameters,
  observable: CoarseObservable,
  epsilon: number,
  options: GradientOptions,
): ObservableGradient {
  const { b, bins, fine, V, coarse } = setup(data, theta, options);
  if (!(epsilon > 0)) throw new UsageError(`epsilon must be positive, got ${epsilon}`);
  const kernels = [
    { w: theta.w + epsilon, w1: theta.w1 },
    { w: Math.max(0, theta.w - epsilon), w1: theta.w1 },
    { w: theta.w, w1: theta.w1 + epsilon },
    { w: theta.w, w1: theta.w1 - epsilon },
    theta,
  ].map((t) => stochasticMajorityProjector(t, b).create(fine));
  const widths = [theta.w + epsilon - Math.max(0, theta.w - epsilon), 2 * epsilon];
  const mu = new Int8Array(coarse.volume);
  const sums = new Float64Array(bins * 4);
  const values = new Float64Array(5);
  let i = 0;
  for (let k = 0; k < bins; k++) {
    const rng = projectingStream(options.seed, k);
    const count = binSamples(data.count, bins, k);
    for (let j = 0; j < count; j++, i++) {
      const sigma = data.configurations.subarray(i * V, (i + 1) * V);
      const start = rng.clone();
      for (let q = 0; q < 5; q++) {
        rng.s.set(start.s);
        kernels[q].apply(sigma, mu, rng);
        values[q] = observable(mu, coarse);
      }
      sums[k * 4] += values[4];
      sums[k * 4 + 1] += (values[0] - values[1]) / widths[0];
      sums[k * 4 + 2] += (values[2] - values[3]) / widths[1];
      sums[k * 4 + 3] += 1;
    }
  }
  const [value, dw, dw1] = jackknife(bins, (skip) => {
    const t = new Float64Array(4);
    for (let k = 0; k < bins; k++) if (k !== skip) for (let c = 0; c < 4; c++) t[c] += sums[k * 4 + c];
    return [t[0] / t[3], t[1] / t[3], t[2] / t[3]];
  });
  return { value, gradient: [dw, dw1] };
}
