import {
  type Coupling,
  type CouplingSet,
  couplingFromOrbit,
  type Hamiltonian,
  hamiltonian,
  Lattice,
  type Model,
  type PluginOptions,
  readOptions,
  stateSpins,
  UsageError,
} from '@rsrg/core';
import { EQUAL } from './couplings.js';

/** What distinguishes one hypercubic Potts model from another. */
export interface HypercubicPottsSpec {
  /** The registry id, e.g. 'potts2d'. */
  readonly id: string;
  /** The dimension d of the periodic L^d lattice. */
  readonly dimension: number;
  /** The q of the registered model (the default of option q). */
  readonly defaultStates: number;
  /** K_c at q states, where it is known (else the model declares no transition at that q). */
  criticalCoupling(q: number): number | undefined;
  /** Exact exponents at q states, where they are known. */
  exponents(q: number): Model['exponents'] | undefined;
  /** The thermal (y_t) set, the same for every q. */
  readonly thermal: CouplingSet;
  /** The magnetic (y_h) set at q states. */
  magnetic(q: number): CouplingSet;
  /** Defaults: sampler, projector and interval. */
  readonly defaults: Omit<Model['defaults'], 'coupling'>;
}

/** A Potts model with its coupling sets, so a plugin can register both. */
export interface PottsModel extends Model {
  /** States per site q. */
  readonly q: number;
  /** The thermal coupling set (y_t). */
  readonly thermalSet: CouplingSet;
  /** The magnetic coupling set (y_h) at this q. */
  readonly magneticSet: CouplingSet;
  /** The one coupling of the simulated Hamiltonian, S = Σ_⟨ij⟩ δ(σ_i, σ_j). */
  readonly nearestNeighbour: Coupling;
  /** The model at other options, e.g. { q: 4 }. */
  withOptions(options: PluginOptions): PottsModel;
}

/** The options of every Potts model: q, the states per site. */
const POTTS_OPTIONS = { q: { kind: 'integer', min: 2, max: 256 } } as const;

/** The Potts nearest-neighbour coupling of Z^d, Σ_⟨ij⟩ δ(σ_i, σ_j): one bond per site and axis. */
export function pottsNearestNeighbour(dimension: number): Coupling {
  const anchor = new Array<number>(dimension).fill(0);
  const step = anchor.map((_, a) => (a === dimension - 1 ? 1 : 0));
  return couplingFromOrbit('nearest neighbour', [anchor, step], undefined, EQUAL);
}

/**
 * The q-state Potts model on the periodic L^d lattice, weight exp(K Σ_⟨ij⟩ δ(σ_i, σ_j)), with
 * spins 0…q−1 stored as unsigned bytes. q is the model option `q` (2…256).
 */
export function hypercubicPotts(spec: HypercubicPottsSpec, q = spec.defaultStates): PottsModel {
  const { id, dimension } = spec;
  const spins = stateSpins(q);
  const nearestNeighbour = pottsNearestNeighbour(dimension);
  const Kc = spec.criticalCoupling(q);
  const exponents = spec.exponents(q);
  const magneticSet = spec.magnetic(q);
  const model: PottsModel = Object.freeze({
    id,
    description: `${dimension === 2 ? 'square-lattice' : `${dimension}D`} q-state Potts model (option q, default ${spec.defaultStates}; here q = ${q}${Kc === undefined ? '' : `, K_c = ${Kc.toPrecision(6)}`})`,
    dimension,
    q,
    spins,
    sectors: Object.freeze({ even: 'thermal', odd: 'magnetic' }),
    ...(Kc === undefined ? {} : { criticalCoupling: Kc }),
    lattice(L: number): Lattice {
      if (typeof L !== 'number' || !Number.isInteger(L) || L < 1)
        throw new UsageError(`model '${id}' needs an integer linear size L ≥ 1, got ${String(L)}`);
      return Lattice.cubic(dimension, L);
    },
    hamiltonian: (K: number): Hamiltonian => hamiltonian([nearestNeighbour], [K], spins),
    couplingSets: Object.freeze({ even: spec.thermal.id, odd: magneticSet.id }),
    couplings: Object.freeze({ even: spec.thermal, odd: magneticSet }),
    defaults: Object.freeze({
      ...spec.defaults,
      ...(Kc === undefined ? { coupling: 1 } : {}),
    }),
    ...(exponents === undefined ? {} : { exponents: Object.freeze({ ...exponents }) }),
    options: POTTS_OPTIONS,
    optionValues: Object.freeze({ q }),
    withOptions(options: PluginOptions): PottsModel {
      const parsed = readOptions(`model '${id}'`, options, POTTS_OPTIONS);
      const next = parsed.q ?? q;
      return next === q ? model : hypercubicPotts(spec, next);
    },
    thermalSet: spec.thermal,
    magneticSet,
    nearestNeighbour,
  });
  return model;
}
