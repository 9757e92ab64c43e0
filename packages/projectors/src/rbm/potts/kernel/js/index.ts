import type { PottsRbmKernel } from '../types.js';
import { PottsContrastiveDivergence } from './contrastive-divergence.js';
import { JsPottsRbmUnits } from './units.js';

/** The `js` q-state RBM kernel: the reference, TypeScript over typed arrays (./categorical.ts). */
export const jsPottsKernel: PottsRbmKernel = Object.freeze<PottsRbmKernel>({
  id: 'js',
  units: (layout, q, W) => new JsPottsRbmUnits(layout, q, W),
  contrastiveDivergence: (layout, q, cdSteps) => new PottsContrastiveDivergence(layout, q, cdSteps),
});

export { JsPottsRbmUnits, PottsContrastiveDivergence };
