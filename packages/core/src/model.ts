import type { Hamiltonian } from './hamiltonian.js';
import type { Lattice } from './lattice.js';

/**
 * A lattice spin model: which lattices it lives on, its Hamiltonian at a coupling K, the
 * coupling sets MCRG measures (by registry id), and sensible defaults.
 */
export interface Model {
  readonly id: string;
  readonly description: string;
  readonly dimension: number;
  /** The critical coupling K_c; absent where the model has no transition (the Ising ring). */
  readonly criticalCoupling?: number;
  /** The lattice of linear size L (throws UsageError for a size the model cannot take). */
  lattice(L: number): Lattice;
  /** The simulated Hamiltonian at coupling K. */
  hamiltonian(K: number): Hamiltonian;
  /** Registry ids of the ordered coupling sets for the even (y_t) and odd (y_h) sectors. */
  readonly couplingSets: { readonly even: string; readonly odd: string };
  /** `coupling`: the K of a run that gives none, needed where there is no K_c to fall back on. */
  readonly defaults: {
    readonly sampler: string;
    readonly projector: string;
    readonly interval: number;
    readonly coupling?: number;
  };
  /** Exact or best-known exponents, shown beside the estimates. */
  readonly exponents?: { readonly yt?: number; readonly yh?: number };
}

/** The coupling a run uses when the user gives none: the model's default, else its K_c. */
export function defaultCoupling(model: Model): number | undefined {
  return model.defaults.coupling ?? model.criticalCoupling;
}
