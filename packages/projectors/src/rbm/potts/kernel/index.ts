import { UsageError } from '@rsrg/core';
import { jsPottsKernel } from './js/index.js';
import type { PottsRbmKernel, PottsRbmKernelId } from './types.js';

/**
 * The implementations of the q-state RBM hot loops, registered like the Ising RBM's
 * (`rbmKernels`): one interface (./types.ts), a thin adapter per implementation (./js), one
 * conformance suite over all of them (test/potts-rbm-kernels.test.ts). Each must draw the same
 * numbers in the same order as `js`, the reference; a wasm implementation enrols by adding its
 * entry here. Implementations import ./types.ts, never this registry.
 */
export const pottsRbmKernels: Readonly<Record<PottsRbmKernelId, PottsRbmKernel>> = Object.freeze({
  js: jsPottsKernel,
});

/** The kernel used when none is named. */
export const DEFAULT_POTTS_RBM_KERNEL: PottsRbmKernelId = 'js';

/** The kernel `id` (default `js`); UsageError for an unknown one. */
export function pottsRbmKernel(id: string = DEFAULT_POTTS_RBM_KERNEL): PottsRbmKernel {
  const kernel = Object.hasOwn(pottsRbmKernels, id) ? pottsRbmKernels[id as PottsRbmKernelId] : undefined;
  if (!kernel) {
    throw new UsageError(
      `unknown q-state RBM kernel '${id}' (known: ${Object.keys(pottsRbmKernels).join(', ')})`,
    );
  }
  return kernel;
}

export { JsPottsRbmUnits, PottsContrastiveDivergence } from './js/index.js';
export { checkStates } from './shared.js';
export type { PottsGradientEstimator, PottsRbmKernel, PottsRbmKernelId, PottsRbmUnits } from './types.js';
