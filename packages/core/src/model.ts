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
  /** The critical coupling, used when the user gives none. */
  readonly criticalCoupling: number;
  /** The lattice of linear size L (throws UsageError for a size the model cannot take). */
  lattice(L: number): Lattice;
  /** The simulated Hamiltonian at coupling K. */
  hamiltonian(K: number): Hamiltonian;
  /** Registry ids of the ordered coupling sets for the even (y_t) and odd (y_h) sectors. */
  readonly couplingSets: { readonly even: string; readonly odd: string };
  readonly defaults: { readonly sampler: string; readonly projector: string; readonly interval: number };
  /** Exact or best-known exponents, shown beside the estimates. */
  readonly exponents?: { readonly yt?: number; readonly yh?: number };
}
