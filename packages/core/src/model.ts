import type { CouplingSet } from './couplings.js';
import { UsageError } from './errors/index.js';
import type { Hamiltonian } from './hamiltonian.js';
import type { Lattice } from './lattice.js';
import type { OptionSpec, PluginOptions } from './options.js';
import type { SpinEncoding } from './spins.js';

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
  /** States per site and how they are stored; absent for Ising ±1 spins (q = 2). */
  readonly spins?: SpinEncoding;
  /**
   * The model's names of its two symmetry sectors, the first giving y_t and the second y_h, as
   * estimates carry them (default 'even' and 'odd', the Ising parities).
   */
  readonly sectors?: {
    /** The name of the sector of `couplingSets.even` (y_t), e.g. 'thermal'. */
    readonly even: string;
    /** The name of the sector of `couplingSets.odd` (y_h), e.g. 'magnetic'. */
    readonly odd: string;
  };
  /**
   * The coupling sets themselves, for a model whose sets depend on its options (the magnetic
   * Potts operators hold 1/q); absent, they are looked up in the registry by `couplingSets`.
   */
  readonly couplings?: {
    /** The y_t set. */
    readonly even: CouplingSet;
    /** The y_h set. */
    readonly odd: CouplingSet;
  };
  /** The options the model takes (`--model-option key=value`), read with `readOptions`. */
  readonly options?: Readonly<Record<string, OptionSpec>>;
  /** The options the registered model stands for, e.g. { q: 3 }: what outputs record. */
  readonly optionValues?: Readonly<Record<string, string | number | boolean>>;
  /** The model at these options (a UsageError for a bad one); required when `options` is given. */
  withOptions?(options: PluginOptions): Model;
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

/**
 * The model a run simulates: `model` itself without options, else `model.withOptions(options)`;
 * a model that takes no options refuses any in one line.
 */
export function resolveModel(model: Model, options: PluginOptions | undefined): Model {
  const given = Object.entries(options ?? {}).filter(([, v]) => v !== undefined);
  if (given.length === 0) return model;
  if (model.withOptions === undefined)
    throw new UsageError(`model '${model.id}' takes no options (got ${given.map(([k]) => k).join(', ')})`);
  return model.withOptions(options ?? {});
}

/** A model's names of its two symmetry sectors. */
export interface SectorNames {
  /** The name of the y_t sector (the coupling set `couplingSets.even`), e.g. 'thermal'. */
  readonly even: string;
  /** The name of the y_h sector (the coupling set `couplingSets.odd`), e.g. 'magnetic'. */
  readonly odd: string;
}

/** The names of a model's two sectors (y_t first), 'even' and 'odd' unless it names them. */
export function sectorNames(model: Model): SectorNames {
  return model.sectors ?? { even: 'even', odd: 'odd' };
}
