export { chungKao2019 } from './chung-kao-2019.js';
export { ising3d16, ising3d32 } from './ising3d.js';
export { ising2dOptimized, ising3dOptimized } from './optimized.js';
export { potts2dQ3, potts2dQ4 } from './potts2d.js';

import { chungKao2019 } from './chung-kao-2019.js';
import { ising3d16, ising3d32 } from './ising3d.js';
import { ising2dOptimized, ising3dOptimized } from './optimized.js';
import { potts2dQ3, potts2dQ4 } from './potts2d.js';

/** The built-in studies of the Ising models, in registration order. */
export const isingStudies = [chungKao2019, ising3d16, ising3d32] as const;

/** The built-in studies of the q-state Potts model, in registration order. */
export const pottsStudies = [potts2dQ3, potts2dQ4] as const;

/**
 * The studies of projectors optimized for the RG: they train with trainers of @rsrg/optimize
 * (`rg-convergence`), so that plugin must be loaded to run them.
 */
export const optimizedStudies = [ising2dOptimized, ising3dOptimized] as const;
