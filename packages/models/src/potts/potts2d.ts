import type { Model } from '@rsrg/core';
import { potts2dMagnetic, potts2dThermal } from './couplings.js';
import { hypercubicPotts } from './model.js';

/** K_c = ln(1 + √q) of the square lattice (self-duality), exact for every q. */
export function potts2dCriticalCoupling(q: number): number {
  return Math.log1p(Math.sqrt(q));
}

/** Exact square-lattice exponents at q = 2, 3, 4 (y_t = 1/ν, y_h = 2 − β/ν); none for q > 4 (first order). */
export function potts2dExponents(q: number): Model['exponents'] | undefined {
  if (q === 2) return { yt: 1, yh: 15 / 8 };
  if (q === 3) return { yt: 6 / 5, yh: 28 / 15 };
  if (q === 4) return { yt: 3 / 2, yh: 15 / 8 };
  return undefined;
}

/**
 * The square-lattice q-state Potts model, q = 3 unless the option q says otherwise
 * (`--model-option q=4`). K_c = ln(1 + √q); its transition is continuous for q ≤ 4.
 */
export const potts2d = hypercubicPotts({
  id: 'potts2d',
  dimension: 2,
  defaultStates: 3,
  criticalCoupling: potts2dCriticalCoupling,
  exponents: potts2dExponents,
  thermal: potts2dThermal,
  magnetic: potts2dMagnetic,
  defaults: { sampler: 'potts-wolff', projector: 'majority', interval: 5 },
});
