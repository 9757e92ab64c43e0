/**
 * A symmetry sector, named by its model: the Ising 'even' (y_t) and 'odd' (y_h), the Potts
 * 'thermal' and 'magnetic'. The sectors decouple at zero field.
 */
export type Sector = string;

/** The exponent a sector's leading eigenvalue gives, the same name for every model. */
export type Exponent = 'y_t' | 'y_h';

/**
 * The exponent of an estimate in a file written before estimates named it: such files hold
 * Ising parities, 'even' (y_t) and 'odd' (y_h); undefined for any other sector name.
 */
export function legacySectorExponent(sector: Sector): Exponent | undefined {
  return sector === 'even' ? 'y_t' : sector === 'odd' ? 'y_h' : undefined;
}

/**
 * What names one MCRG exponent estimate: the projector (its label within a run), the coupling
 * sector, the RG step N_r and the truncation N_c. Measured, published and compared estimates
 * share it, so they can be matched cell by cell.
 */
export interface EstimateKey {
  /** The projector's label within the run: its id, e.g. 'majority', unless the run named it. */
  readonly projector: string;
  /** The model's name of the sector, e.g. 'even' (Ising y_t), 'magnetic' (Potts y_h). */
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
  /** The model's name of the sector, e.g. 'even' or 'thermal'. */
  readonly sector: Sector;
  /** Which exponent the sector gives, so that tables of different models line up. */
  readonly exponent: Exponent;
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
 * result.estimates.map((e) => estimateRow(e)); // [{ projector, sector, exponent, nr, nc, y, error, lambda, lambdaError }]
 */
export function estimateRow(e: EstimateRow, withProjector = true): EstimateRow {
  return {
    ...(withProjector && { projector: e.projector }),
    sector: e.sector,
    exponent: e.exponent,
    nr: e.nr,
    nc: e.nc,
    y: e.y,
    error: e.error,
    lambda: e.lambda,
    lambdaError: e.lambdaError,
  };
}
