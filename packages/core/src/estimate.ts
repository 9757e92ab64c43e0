import type { Parity } from './couplings.js';

/** Even couplings give y_t, odd ones y_h (the sectors decouple at zero field). */
export type Sector = Parity;

/**
 * What names one MCRG exponent estimate: the projector (its label within a run), the coupling
 * sector, the RG step N_r and the truncation N_c. Measured, published and compared estimates
 * share it, so they can be matched cell by cell.
 */
export interface EstimateKey {
  /** The projector's label within the run: its id, e.g. 'majority', unless the run named it. */
  readonly projector: string;
  /** 'even' for y_t, 'odd' for y_h. */
  readonly sector: Sector;
  /** RG step: from level nr − 1 to level nr. */
  readonly nr: number;
  /** Truncation: the leading nc couplings of the sector. */
  readonly nc: number;
}

/** An estimate's key as one string, for maps and sets. */
export function estimateKey(e: EstimateKey): string {
  return `${e.projector}|${e.sector}|${e.nr}|${e.nc}`;
}
