import type { Hamiltonian } from './hamiltonian.js';
import type { Lattice } from './lattice.js';

/**
 * A lattice spin model: which lattices it lives on, its Hamiltonian at a coupling K, the
 * coupling sets MCRG measures (by registry id), and sensible defaults.
 */
export interface Model {
  /** The registry id, e.g. 'ising2d'. */
  readonly id: string;
  /** One line saying what the model is. */
  readonly description: string;
  /** The spatial dimension d of its lattices. */
  readonly dimension: number;
  /** The critical coupling K_c; absent where the model has no transition (the Ising ring). */
  readonly criticalCoupling?: number;
  /** The lattice of linear size L (throws UsageError for a size the model cannot take). */
  lattice(L: number): Lattice;
  /** The simulated Hamiltonian at coupling K. */
  hamiltonian(K: number): Hamiltonian;
  /** Registry ids of the ordered coupling sets for the even (y_t) and odd (y_h) sectors. */
  readonly couplingSets: {
    /** The id of the even set, whose couplings give the thermal exponent y_t. */
    readonly even: string;
    /** The id of the odd set, whose couplings give the magnetic exponent y_h. */
    readonly odd: string;
  };
  /** `coupling`: the K of a run that gives none, needed where there is no K_c to fall back on. */
  readonly defaults: {
    /** The sampler id a run uses when none is given, e.g. 'wolff'. */
    readonly sampler: string;
    /** The projector id a run uses when none is given, e.g. 'majority'. */
    readonly projector: string;
    /** Sampler moves (cluster flips or sweeps) between two kept configurations. */
    readonly interval: number;
    /** The coupling K a run uses when none is given; defaults to K_c. */
    readonly coupling?: number;
  };
  /** Exact or best-known exponents, shown beside the estimates. */
  readonly exponents?: {
    /** The thermal eigenvalue exponent y_t = 1/ν. */
    readonly yt?: number;
    /** The magnetic eigenvalue exponent y_h = d − β/ν. */
    readonly yh?: number;
  };
}

/** The coupling a run uses when the user gives none: the model's default, else its K_c. */
export function defaultCoupling(model: Model): number | undefined {
  return model.defaults.coupling ?? model.criticalCoupling;
}
