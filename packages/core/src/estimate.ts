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

/** An estimate as a row of an output (JSON, HDF5, a study's result). */
export interface EstimateRow {
  /** The projector's label; left out of single-projector `rsrg mcrg` output. */
  readonly projector?: string;
  /** 'even' (y_t) or 'odd' (y_h). */
  readonly sector: Sector;
  /** RG step N_r. */
  readonly nr: number;
  /** Truncation N_c. */
  readonly nc: number;
  /** y = ln λ / ln b. */
  readonly y: number;
  /** Jackknife error of y. */
  readonly error: number;
  /** Leading eigenvalue λ of T = A⁻¹B. */
  readonly lambda: number;
  /** Jackknife error of λ. */
  readonly lambdaError: number;
}

/**
 * The row of an estimate in the one field order every output uses (anything else it carries,
 * such as the reason for a NaN, left out); `withProjector: false` leaves the projector out, as
 * single-projector `rsrg mcrg` output does.
 *
 * @example
 * result.estimates.map((e) => estimateRow(e)); // [{ projector, sector, nr, nc, y, error, lambda, lambdaError }]
 */
export function estimateRow(e: EstimateRow, withProjector = true): EstimateRow {
  return {
    ...(withProjector && { projector: e.projector }),
    sector: e.sector,
    nr: e.nr,
    nc: e.nc,
    y: e.y,
    error: e.error,
    lambda: e.lambda,
    lambdaError: e.lambdaError,
  };
}
