import type { Rng } from '@rsrg/core';
import { UsageError } from '@rsrg/core';
import { ContrastiveDivergence } from './contrastive-divergence.js';
import { JsHiddenUnits } from './js-kernel.js';
import type { RbmLayout } from './layout.js';
import { WasmContrastiveDivergence, WasmHiddenUnits } from './wasm-kernel.js';

/**
 * The implementations of the RBM hot loops, after TF.js's kernel registry: one interface per
 * kernel, a thin adapter per implementation, one conformance suite over all of them
 * (test/rbm-backends.test.ts). Both compute the same float64 operations in the same order and
 * draw the same numbers, so results do not depend on the choice: `wasm` (AssemblyScript,
 * asm/rbm.ts) is the fast default, `js` (kernels.ts) the reference.
 */
export type RbmKernelId = 'wasm' | 'js';

export const DEFAULT_RBM_KERNEL: RbmKernelId = 'wasm';

/**
 * CD-k / PCD gradient estimates for one layout (see `ContrastiveDivergence` for the
 * semantics, which every implementation follows bit for bit). Call `setWeights` after every
 * change of W.
 */
export interface GradientEstimator {
  readonly layout: RbmLayout;
  readonly cdSteps: number;
  /** Bucket array size for `accumulate`. */
  readonly bucketSize: number;
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

export interface RbmKernel {
  readonly id: RbmKernelId;
  contrastiveDivergence(layout: RbmLayout, cdSteps: number): GradientEstimator;
  /** Hidden units with the filter weights W (copied into the kernel's tables). */
  hiddenUnits(layout: RbmLayout, W: Float64Array): HiddenUnits;
}

export const rbmKernels: Readonly<Record<RbmKernelId, RbmKernel>> = Object.freeze({
  wasm: {
    id: 'wasm',
    contrastiveDivergence: (layout, cdSteps) => new WasmContrastiveDivergence(layout, cdSteps),
    hiddenUnits: (layout, W) => new WasmHiddenUnits(layout, W),
  },
  js: {
    id: 'js',
    contrastiveDivergence: (layout, cdSteps) => new ContrastiveDivergence(layout, cdSteps),
    hiddenUnits: (layout, W) => new JsHiddenUnits(layout, W),
  },
});

/** The kernel `id` (default `wasm`); UsageError for an unknown one. */
export function rbmKernel(id: string = DEFAULT_RBM_KERNEL): RbmKernel {
  const kernel = Object.hasOwn(rbmKernels, id) ? rbmKernels[id as RbmKernelId] : undefined;
  if (!kernel) {
    throw new UsageError(`unknown RBM kernel '${id}' (known: ${Object.keys(rbmKernels).join(', ')})`);
  }
  return kernel;
}
