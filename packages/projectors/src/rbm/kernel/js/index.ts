import type { RbmKernel } from '../types.js';
import { ContrastiveDivergence } from './contrastive-divergence.js';
import { JsHiddenUnits } from './hidden-units.js';

/**
 * The `js` RBM kernel: the reference, TypeScript over typed arrays (./kernels.ts and the window
 * lookups of `window/`).
 */
export const jsKernel: RbmKernel = Object.freeze<RbmKernel>({
  id: 'js',
  contrastiveDivergence: (layout, cdSteps) => new ContrastiveDivergence(layout, cdSteps),
  hiddenUnits: (layout, W) => new JsHiddenUnits(layout, W),
});

export { ContrastiveDivergence, JsHiddenUnits };
