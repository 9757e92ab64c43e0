export { chungKao2019 } from './chung-kao-2019.js';
export { ising3d16, ising3d32 } from './ising3d.js';

import { chungKao2019 } from './chung-kao-2019.js';
import { ising3d16, ising3d32 } from './ising3d.js';

/** The built-in studies, in registration order. */
export const isingStudies = [chungKao2019, ising3d16, ising3d32] as const;
