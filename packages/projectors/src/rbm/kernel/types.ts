import type { Rng } from '@rsrg/core';
import type { RbmLayout } from '../layout.js';

/** The implementations of the RBM hot loops (see `rbmKernels` in ./index.ts). */
export type RbmKernelId = 'wasm' | 'js';

/**
 * CD-k / PCD gradient estimates for one layout (see the js `ContrastiveDivergence` for the
 * semantics, which every implementation follows bit for bit). Call `setWeights` after every
 * change of W.
 */
export interface GradientEstimator {
  /** The lattice and filter geometry it estimates gradients for. */
  readonly layout: RbmLayout;
  /** Gibbs steps k of CD-k: visible updates per chain per estimate. */
  readonly cdSteps: number;
  /** Bucket array size for `accumulate` (see shared.ts for the bucket format). */
  readonly bucketSize: number;
  /** Rebuilds the lookup tables for the weights W (w^d, row-major). */
  setWeights(W: Float64Array): void;
  /** Adds one configuration's G(data) − G(negative sample) to `buckets`; returns the sites that differ. */
  accumulate(
    configs: Int8Array,
    offset: number,
    chain: Int8Array | undefined,
    rng: Rng,
    buckets: Float64Array,
  ): number;
  /** grad[k] += the gradient held in `buckets`. */
  resolve(buckets: Float64Array, grad: Float64Array): void;
}

/** The hidden units of one layout and one filter: their fields and the projection σ → μ. */
export interface HiddenUnits {
  /** h_J of the last `fields` call. */
  readonly h: Float64Array;
  /** e^{−2h_J} of the last `fields` call. */
  readonly e: Float64Array;
  /** Fills h and e for σ (`layout.visible` spins). */
  fields(sigma: Int8Array): void;
  /** μ_J = +1 with probability sigmoid(2h_J), one draw per unit in coarse-site order. */
  project(sigma: Int8Array, mu: Int8Array, rng: Rng): void;
}

/** One implementation: a thin adapter that makes the kernels of one layout. */
export interface RbmKernel {
  /** 'wasm' or 'js': its key in `rbmKernels`. */
  readonly id: RbmKernelId;
  /** The CD-k gradient estimator for one layout, k = `cdSteps`. */
  contrastiveDivergence(layout: RbmLayout, cdSteps: number): GradientEstimator;
  /** Hidden units with the filter weights W (copied into the kernel's tables). */
  hiddenUnits(layout: RbmLayout, W: Float64Array): HiddenUnits;
}
