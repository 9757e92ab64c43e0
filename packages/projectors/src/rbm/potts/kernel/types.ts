import type { Rng } from '@rsrg/core';
import type { PottsRbmLayout } from '../layout.js';

/** The implementations of the q-state RBM hot loops (see `pottsRbmKernels` in ./index.ts). */
export type PottsRbmKernelId = 'js';

/**
 * The units of one q-state RBM (one layout, q, one filter): both conditionals and the marginal.
 * The energy is E(σ, μ) = Σ_J Σ_k W_k δ(σ_{b·X_J+k}, μ_J), so
 *
 *   hidden fields  φ_{J,a} = Σ_k W_k δ(σ_{b·X_J+k}, a),   P(μ_J = a | σ) = e^{φ_{J,a}} / Σ_c e^{φ_{J,c}},
 *   visible fields ψ_{i,c} = Σ_{(J,k): b·X_J+k ≡ i} W_k δ(c, μ_J),   P(σ_i = c | μ) ∝ e^{ψ_{i,c}},
 *   log Y(σ) = Σ_J log Σ_a e^{φ_{J,a}},   ∂ log Y/∂W_k = Σ_J P(μ_J = σ_{b·X_J+k} | σ).
 *
 * Configurations are Int8Array holding the states 0..q−1 as unsigned bytes (read with `& 255`).
 * Categorical draws take one u = nextU32·2^-32 per unit, in unit order, and pick the first state
 * a with u·Σ_c e^{φ_c} < Σ_{c ≤ a} e^{φ_c}. No call allocates. Call `setWeights` after every change of W.
 */
export interface PottsRbmUnits {
  /** The lattice and filter geometry. */
  readonly layout: PottsRbmLayout;
  /** Number of states per site. */
  readonly q: number;
  /** φ_{J,a} of the last `hiddenFields` call, at J·q + a. */
  readonly hiddenField: Float64Array;
  /** log Σ_a e^{φ_{J,a}} of the last `hiddenFields` call, per hidden unit. */
  readonly hiddenLogNorm: Float64Array;
  /** ψ_{i,c} of the last `visibleFields` call, at i·q + c. */
  readonly visibleField: Float64Array;
  /** Copies the weights W (w^d, row-major). */
  setWeights(W: Float64Array): void;
  /** Fills `hiddenField` and `hiddenLogNorm` for σ = `sigma[offset .. offset + visible)`. */
  hiddenFields(sigma: Int8Array, offset: number): void;
  /** Draws μ ~ P(μ|σ) into `mu` (the projection): `hiddenFields`, then one draw per hidden unit. */
  sampleHidden(sigma: Int8Array, offset: number, mu: Int8Array, rng: Rng): void;
  /** Fills `visibleField` for μ. */
  visibleFields(mu: Int8Array): void;
  /** Draws σ ~ P(σ|μ) into `sigma`: `visibleFields`, then one draw per fine site. */
  sampleVisible(mu: Int8Array, sigma: Int8Array, rng: Rng): void;
  /**
   * log Y(σ) of σ = `sigma[offset ..]`; with `grad`, adds `scale`·∂ log Y/∂W_k to grad[k]
   * (default scale 1). Leaves the fields of σ in `hiddenField`.
   */
  logY(sigma: Int8Array, offset: number, grad?: Float64Array, scale?: number): number;
}

/**
 * CD-k / PCD estimates of the log-likelihood gradient ∂ ln(Y(σ)/ΣY)/∂W_k = G_k(σ) − ⟨G_k⟩_Y,
 * G = ∂ log Y/∂W, for one layout and q (see the js `PottsContrastiveDivergence` for the
 * semantics, which every implementation follows bit for bit).
 */
export interface PottsGradientEstimator {
  /** The lattice and filter geometry. */
  readonly layout: PottsRbmLayout;
  /** Number of states per site. */
  readonly q: number;
  /** Gibbs steps k of CD-k: visible updates per chain per estimate. */
  readonly cdSteps: number;
  /** Copies the weights W (w^d, row-major); call it after every change of W. */
  setWeights(W: Float64Array): void;
  /**
   * Adds one configuration's G(data) − G(negative sample) to `grad` (w^d entries); returns the
   * number of sites where the negative sample differs from the data point.
   */
  accumulate(
    configs: Int8Array,
    offset: number,
    chain: Int8Array | undefined,
    rng: Rng,
    grad: Float64Array,
  ): number;
}

/** One implementation: a thin adapter that makes the kernels of one layout. */
export interface PottsRbmKernel {
  /** Its key in `pottsRbmKernels`. */
  readonly id: PottsRbmKernelId;
  /** The units with weights W (copied), for q states per site. */
  units(layout: PottsRbmLayout, q: number, W: Float64Array): PottsRbmUnits;
  /** The CD-k gradient estimator, k = `cdSteps`. */
  contrastiveDivergence(layout: PottsRbmLayout, q: number, cdSteps: number): PottsGradientEstimator;
}
