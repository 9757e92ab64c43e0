import {
  type Coupling,
  type CouplingSet,
  couplingFromOrbit,
  type Hamiltonian,
  hamiltonian,
  Lattice,
  type Model,
  UsageError,
} from '@rsrg/core';

/** What distinguishes one hypercubic Ising model from another. */
export interface HypercubicIsingSpec {
  /** The model's registry id, e.g. 'ising3d'. */
  readonly id: string;
  /** One line saying what the model is. */
  readonly description: string;
  /** The dimension d of the periodic L^d lattice. */
  readonly dimension: number;
  /** K_c; absent where there is no transition, and then `defaults.coupling` says which K runs. */
  readonly criticalCoupling?: number;
  /** Ordered even couplings (y_t); registered under `evenSet.id`. */
  readonly evenSet: CouplingSet;
  /** Ordered odd couplings (y_h); registered under `oddSet.id`. */
  readonly oddSet: CouplingSet;
  /** Exact or best-known y_t and y_h, shown beside the estimates. */
  readonly exponents?: Model['exponents'];
  /** Defaults: sampler 'wolff', projector 'majority', interval 5. */
  readonly defaults?: Partial<Model['defaults']>;
}

/** A hypercubic Ising model together with the coupling sets it names, so a plugin can register both. */
export interface IsingModel extends Model {
  /** The even coupling set (y_t), whose id is `couplingSets.even`. */
  readonly evenSet: CouplingSet;
  /** The odd coupling set (y_h), whose id is `couplingSets.odd`. */
  readonly oddSet: CouplingSet;
  /** The one coupling of the simulated Hamiltonian, S = Σ_x Σ_a σ_x σ_{x+e_a}. */
  readonly nearestNeighbour: Coupling;
}

/** The nearest-neighbour coupling of Z^d: one bond per site and axis. */
export function nearestNeighbourCoupling(dimension: number): Coupling {
  const anchor = new Array<number>(dimension).fill(0);
  const step = anchor.map((_, a) => (a === dimension - 1 ? 1 : 0));
  return couplingFromOrbit('nearest neighbour', [anchor, step]);
}

/**
 * The nearest-neighbour Ising model on the periodic L^d lattice, H = K Σ_⟨xy⟩ σ_x σ_y. Ising
 * models of every dimension are registrations of this one implementation.
 */
export function hypercubicIsing(spec: HypercubicIsingSpec): IsingModel {
  const { id, dimension } = spec;
  if (!Number.isInteger(dimension) || dimension < 1)
    throw new UsageError(`model '${id}': bad dimension ${dimension}`);
  for (const set of [spec.evenSet, spec.oddSet]) {
    for (const c of set.couplings) {
      if (c.terms[0][0].length !== dimension) {
        throw new UsageError(
          `model '${id}': coupling '${c.name}' of set '${set.id}' is not ${dimension}-dimensional`,
        );
      }
    }
  }
  if (spec.criticalCoupling === undefined && spec.defaults?.coupling === undefined)
    throw new UsageError(`model '${id}': no critical coupling and no default coupling`);
  const nearestNeighbour = nearestNeighbourCoupling(dimension);
  return Object.freeze({
    id,
    description: spec.description,
    dimension,
    ...(spec.criticalCoupling !== undefined ? { criticalCoupling: spec.criticalCoupling } : {}),
    lattice(L: number): Lattice {
      if (typeof L !== 'number' || !Number.isInteger(L) || L < 1) {
        throw new UsageError(`model '${id}' needs an integer linear size L ≥ 1, got ${String(L)}`);
      }
      return Lattice.cubic(dimension, L);
    },
    hamiltonian: (K: number): Hamiltonian => hamiltonian([nearestNeighbour], [K]),
    couplingSets: Object.freeze({ even: spec.evenSet.id, odd: spec.oddSet.id }),
    defaults: Object.freeze({ sampler: 'wolff', projector: 'majority', interval: 5, ...spec.defaults }),
    ...(spec.exponents ? { exponents: Object.freeze({ ...spec.exponents }) } : {}),
    evenSet: spec.evenSet,
    oddSet: spec.oddSet,
    nearestNeighbour,
  });
}
