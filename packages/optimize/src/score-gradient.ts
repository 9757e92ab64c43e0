import { type Estimate, jackknife, type Lattice, UsageError } from '@rsrg/core';
import { binSamples, projectingStream } from '@rsrg/mcrg';
import type { StochasticMajorityParameters } from '@rsrg/projectors';
import { BlockScore, type LinearFieldRule, stochasticMajorityField } from './linear-field.js';
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

/** ⟨O⟩ and its derivative in every parameter of a linear-field rule, with jackknife errors. */
export interface RuleObservableGradient {
  /** ⟨O(μ)⟩ at θ. */
  readonly value: Estimate;
  /** ∂⟨O⟩/∂θ_j, in the rule's parameter order. */
  readonly gradient: readonly Estimate[];
}

/** Settings shared by the two gradient estimates. */
export interface GradientOptions {
  /** Block size b (default 2; a linear-field rule brings its own). */
  readonly blockSize?: number;
  /** Seed of the common random numbers: bin k draws from `projectingStream(seed, k)`. */
  readonly seed: number;
  /** Jackknife bins (default 32). */
  readonly bins?: number;
}

function setup(
  data: StoredConfigurations,
  theta: StochasticMajorityParameters | LinearFieldRule,
  options: GradientOptions,
) {
  const bins = options.bins ?? 32;
  const rule = 'projector' in theta ? theta : stochasticMajorityField(theta, options.blockSize ?? 2);
  if (data.count < bins) throw new UsageError(`${data.count} configurations are too few for ${bins} bins`);
  const fine = data.lattice;
  const V = fine.volume;
  const coarse = fine.coarsen(rule.blockSize);
  return { rule, bins, fine, V, coarse, P: rule.theta.length };
}

/** The gradient as the caller's overload wants it: (w, w₁) for stochastic-majority parameters. */
function shaped(
  theta: StochasticMajorityParameters | LinearFieldRule,
  value: Estimate,
  gradient: Estimate[],
): ObservableGradient | RuleObservableGradient {
  return 'projector' in theta ? { value, gradient } : { value, gradient: [gradient[0], gradient[1]] };
}

/**
 * The score-function (likelihood-ratio) estimate of the gradient of ⟨O(μ)⟩ over the stored
 * configurations, μ drawn from a linear-field rule at θ (the stochastic majority rule when
 * given (w, w₁)): ∂⟨O⟩/∂θ = ⟨(O − ⟨O⟩) Σ_B (μ_B − tanh h_B) ∂h_B/∂θ⟩, since
 * ∂ ln P(μ|σ)/∂h_B = μ_B − tanh h_B and ∂h_B/∂θ_j = φ_j(B, σ). One blocking per configuration,
 * no second θ; the jackknife over bins gives the errors of the covariance.
 */
export function scoreGradient(
  data: StoredConfigurations,
  theta: StochasticMajorityParameters,
  observable: CoarseObservable,
  options: GradientOptions,
): ObservableGradient;
export function scoreGradient(
  data: StoredConfigurations,
  rule: LinearFieldRule,
  observable: CoarseObservable,
  options: GradientOptions,
): RuleObservableGradient;
export function scoreGradient(
  data: StoredConfigurations,
  theta: StochasticMajorityParameters | LinearFieldRule,
  observable: CoarseObservable,
  options: GradientOptions,
): ObservableGradient | RuleObservableGradient {
  const { rule, bins, fine, V, coarse, P } = setup(data, theta, options);
  const kernel = rule.projector.create(fine);
  const score = new BlockScore(rule, fine);
  const mu = new Int8Array(coarse.volume);
  const G = new Float64Array(P);
  // Per bin: Σ O, Σ G_j (P), Σ O·G_j (P), count.
  const width = 2 + 2 * P;
  const sums = new Float64Array(bins * width);
  let i = 0;
  for (let k = 0; k < bins; k++) {
    const rng = projectingStream(options.seed, k);
    const count = binSamples(data.count, bins, k);
    for (let j = 0; j < count; j++, i++) {
      const sigma = data.configurations.subarray(i * V, (i + 1) * V);
      kernel.apply(sigma, mu, rng);
      const o = observable(mu, coarse);
      G.fill(0);
      score.add(sigma, mu, G);
      const row = k * width;
      sums[row] += o;
      for (let p = 0; p < P; p++) sums[row + 1 + p] += G[p];
      for (let p = 0; p < P; p++) sums[row + 1 + P + p] += o * G[p];
      sums[row + width - 1] += 1;
    }
  }
  const [value, ...gradient] = jackknife(bins, (skip) => {
    const t = new Float64Array(width);
    for (let k = 0; k < bins; k++)
      if (k !== skip) for (let c = 0; c < width; c++) t[c] += sums[k * width + c];
    const N = t[width - 1];
    const mo = t[0] / N;
    const out = [mo];
    for (let p = 0; p < P; p++) out.push(t[1 + P + p] / N - mo * (t[1 + p] / N));
    return out;
  });
  return shaped(theta, value, gradient);
}

/**
 * The central finite difference [⟨O⟩(θ + ε e_j) − ⟨O⟩(θ − ε e_j)] / (width) for every parameter
 * j with common random numbers: both sides block each configuration with the same draws, so
 * most block spins agree and the difference has a small variance. θ − ε e_j is clamped to the
 * rule's lower bound (w ≥ 0), the width being the actual distance then (2ε exactly for a
 * parameter without bound). The reference the score-function estimate is tested against;
 * biased by O(ε²).
 */
export function finiteDifferenceGradient(
  data: StoredConfigurations,
  theta: StochasticMajorityParameters,
  observable: CoarseObservable,
  epsilon: number,
  options: GradientOptions,
): ObservableGradient;
export function finiteDifferenceGradient(
  data: StoredConfigurations,
  rule: LinearFieldRule,
  observable: CoarseObservable,
  epsilon: number,
  options: GradientOptions,
): RuleObservableGradient;
export function finiteDifferenceGradient(
  data: StoredConfigurations,
  theta: StochasticMajorityParameters | LinearFieldRule,
  observable: CoarseObservable,
  epsilon: number,
  options: GradientOptions,
): ObservableGradient | RuleObservableGradient {
  const { rule, bins, fine, V, coarse, P } = setup(data, theta, options);
  if (!(epsilon > 0)) throw new UsageError(`epsilon must be positive, got ${epsilon}`);
  const rules: LinearFieldRule[] = [];
  const widths: number[] = [];
  for (let p = 0; p < P; p++) {
    const plus = [...rule.theta];
    const minus = [...rule.theta];
    plus[p] += epsilon;
    const bounded = Number.isFinite(rule.lower[p]);
    minus[p] = bounded ? Math.max(rule.lower[p], rule.theta[p] - epsilon) : rule.theta[p] - epsilon;
    widths.push(bounded ? plus[p] - minus[p] : 2 * epsilon);
    rules.push(rule.at(plus), rule.at(minus));
  }
  rules.push(rule);
  const kernels = rules.map((r) => r.projector.create(fine));
  const mu = new Int8Array(coarse.volume);
  // Per bin: Σ O(θ), Σ of each difference quotient (P), count.
  const width = P + 2;
  const sums = new Float64Array(bins * width);
  const values = new Float64Array(kernels.length);
  let i = 0;
  for (let k = 0; k < bins; k++) {
    const rng = projectingStream(options.seed, k);
    const count = binSamples(data.count, bins, k);
    for (let j = 0; j < count; j++, i++) {
      const sigma = data.configurations.subarray(i * V, (i + 1) * V);
      const start = rng.clone();
      for (let q = 0; q < kernels.length; q++) {
        rng.s.set(start.s);
        kernels[q].apply(sigma, mu, rng);
        values[q] = observable(mu, coarse);
      }
      const row = k * width;
      sums[row] += values[2 * P];
      for (let p = 0; p < P; p++) sums[row + 1 + p] += (values[2 * p] - values[2 * p + 1]) / widths[p];
      sums[row + width - 1] += 1;
    }
  }
  const [value, ...gradient] = jackknife(bins, (skip) => {
    const t = new Float64Array(width);
    for (let k = 0; k < bins; k++)
      if (k !== skip) for (let c = 0; c < width; c++) t[c] += sums[k * width + c];
    const out = [t[0] / t[width - 1]];
    for (let p = 0; p < P; p++) out.push(t[1 + p] / t[width - 1]);
    return out;
  });
  return shaped(theta, value, gradient);
}
