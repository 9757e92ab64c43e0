import { UsageError } from '@rsrg/core';
import { jsKernel } from './js/index.js';
import type { RbmKernel, RbmKernelId } from './types.js';
import { wasmKernel } from './wasm/index.js';

/**
 * The implementations of the RBM hot loops, after TF.js's kernel registry: one interface per
 * kernel (./types.ts), a thin adapter per implementation (./js, ./wasm), one conformance suite
 * over all of them (test/rbm-backends.test.ts). Both compute the same float64 operations in
 * the same order and draw the same numbers, so results do not depend on the choice: `wasm`
 * (AssemblyScript, asm/rbm.ts) is the fast default, `js` the reference. Implementations import
 * ./types.ts and ./shared.ts, never this registry.
 */
export const rbmKernels: Readonly<Record<RbmKernelId, RbmKernel>> = Object.freeze({
  wasm: wasmKernel,
  js: jsKernel,
});

/** The kernel used when none is named: 'wasm', the fast one (both give the same bits). */
export const DEFAULT_RBM_KERNEL: RbmKernelId = 'wasm';

/** The kernel `id` (default `wasm`); UsageError for an unknown one. */
export function rbmKernel(id: string = DEFAULT_RBM_KERNEL): RbmKernel {
  const kernel = Object.hasOwn(rbmKernels, id) ? rbmKernels[id as RbmKernelId] : undefined;
  if (!kernel) {
    throw new UsageError(`unknown RBM kernel '${id}' (known: ${Object.keys(rbmKernels).join(', ')})`);
  }
  return kernel;
}

export { ContrastiveDivergence, JsHiddenUnits } from './js/index.js';
export type { GradientEstimator, HiddenUnits, RbmKernel, RbmKernelId } from './types.js';
export { WasmContrastiveDivergence, WasmHiddenUnits } from './wasm/index.js';
