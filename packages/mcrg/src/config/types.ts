import type {
  Coupling,
  Hamiltonian,
  Lattice,
  Model,
  PluginOptions,
  Projector,
  ProjectorOptions,
  Sampler,
} from '@rsrg/core';
import type { Ensemble } from '../ensemble-file.js';

/** One projector of a run, by registry id. */
export interface McrgProjectorSpec {
  /** The projector's registry id, e.g. 'majority', 'rbm'. */
  readonly id: string;
  /** Options the factory is created with, e.g. `{ weights: 'filter.rsrg' }` (default none). */
  readonly options?: ProjectorOptions;
  /** Names the projector's estimates; default the id. Labels within a run are distinct. */
  readonly label?: string;
}

/** A projector of a run with its defaults filled in: what a run records. */
export interface ResolvedProjector {
  /** The name of its estimates: the spec's label, else its id. */
  readonly label: string;
  /** The projector's registry id. */
  readonly id: string;
  /** The options it was created with (`{}` when none were given). */
  readonly options: ProjectorOptions;
}

/** What to simulate: the Markov chains alone, as `sampleEnsemble` runs them. */
export interface SamplingConfig {
  /** Model id, e.g. 'ising2d'. */
  readonly model: string;
  /** The model's options, e.g. `{ q: 3 }` for a Potts model (default none). */
  readonly modelOptions?: PluginOptions;
  /** Linear size L of the simulated lattice. */
  readonly size: number;
  /** Nearest-neighbour coupling K; default: the model's default coupling, else its K_c. */
  readonly coupling?: number;
  /** Sampler id; default: the model's default sampler. */
  readonly sampler?: string;
  /** Configurations over all chains; the remainder of samples/chains goes to the first chains. */
  readonly samples: number;
  /** Sampler moves per chain before the first kept configuration. */
  readonly thermalize: number;
  /** Sampler moves between kept configurations; default: the model's default interval. */
  readonly interval?: number;
  /** Master seed: chain c samples with `Rng.stream(seed, 2c)`. */
  readonly seed: number;
  /** Independent Markov chains, the unit of randomness (default 8). */
  readonly chains?: number;
  /**
   * Worker threads that run the chains; results do not depend on it. Default:
   * core's `defaultWorkerCount()` when the registry can be rebuilt in a worker (it has
   * `sources`, i.e. plugins came from `registry.load`), else 1 (chains run in this thread).
   */
  readonly workers?: number;
}

/**
 * What to simulate and measure. Every id is resolved through the registry. With `ensemble`,
 * the configurations are the stored ones instead of fresh samples: model, size, coupling,
 * sampler, interval and thermalize then come from its header (a value given here must agree),
 * `samples` defaults to all of it, `chains` to the header's and `seed` to the header's.
 */
export interface McrgConfig extends Partial<Omit<SamplingConfig, 'samples' | 'thermalize' | 'seed'>> {
  /**
   * Shorthand for one projector, `projectors: [{ id: projector, options: projectorOptions }]`;
   * default: the model's default projector. Excludes `projectors`.
   */
  readonly projector?: string;
  /** Options of the one `projector` (or of the model's default projector). Excludes `projectors`. */
  readonly projectorOptions?: ProjectorOptions;
  /**
   * Several projectors, each blocking every measured configuration, in this order; each
   * has its own bins and estimates. Excludes `projector` and `projectorOptions`.
   */
  readonly projectors?: readonly McrgProjectorSpec[];
  /** Stored configurations to measure instead of sampling (see above). */
  readonly ensemble?: Ensemble;
  /** Total measurements over all chains (required unless `ensemble` is given). */
  readonly samples?: number;
  /** Sampler moves per chain before measuring (required unless `ensemble` is given). */
  readonly thermalize?: number;
  /** RG steps; default `defaultLevels(size, blockSize)`. */
  readonly levels?: number;
  /**
   * Master seed (required unless `ensemble` is given): chain c samples with
   * `Rng.stream(seed, 2c)` and projects with `Rng.stream(seed, 2c + 1)`.
   */
  readonly seed?: number;
  /** Jackknife bins per chain, each of consecutive measurements (default 16). */
  readonly binsPerChain?: number;
}

/** A sampling configuration with every default filled in: what an ensemble records. */
export interface ResolvedSamplingConfig {
  /** Model id, e.g. 'ising2d'. */
  readonly model: string;
  /** The options of a model that takes any, all of them (e.g. `{ q: 3 }`); absent otherwise. */
  readonly modelOptions?: Readonly<Record<string, string | number | boolean>>;
  /** Linear size L of the simulated lattice. */
  readonly size: number;
  /** The nearest-neighbour coupling K simulated. */
  readonly coupling: number;
  /** Sampler id, e.g. 'wolff'. */
  readonly sampler: string;
  /** Configurations kept over all chains. */
  readonly samples: number;
  /** Sampler moves per chain before the first kept configuration. */
  readonly thermalize: number;
  /** Sampler moves between kept configurations. */
  readonly interval: number;
  /** Master seed: chain c samples with `Rng.stream(seed, 2c)`. */
  readonly seed: number;
  /** Independent Markov chains. */
  readonly chains: number;
  /** Worker threads the chains ran on (1: this thread); results do not depend on it. */
  readonly workers: number;
}

/**
 * A configuration with every default filled in: what a run records. It is itself a valid
 * `McrgConfig`, so a worker thread rebuilds the setup from it.
 */
export interface ResolvedMcrgConfig extends ResolvedSamplingConfig {
  /** Every projector, in the order the configurations are blocked. */
  readonly projectors: readonly ResolvedProjector[];
  /** RG steps: the configurations are blocked this many times. */
  readonly levels: number;
  /** Jackknife bins per chain. */
  readonly binsPerChain: number;
}

/** What a Markov chain needs, built from a registry and a resolved sampling configuration. */
export interface SamplingSetup {
  /** The configuration with every default filled in. */
  readonly config: ResolvedSamplingConfig;
  /** The model `config.model` names. */
  readonly model: Model;
  /** The simulated lattice: the model's lattice of linear size `config.size`. */
  readonly lattice: Lattice;
  /** The model's Hamiltonian at `config.coupling`. */
  readonly hamiltonian: Hamiltonian;
  /** The sampler `config.sampler` names; it supports the Hamiltonian on the lattice. */
  readonly sampler: Sampler;
}

/** A projector of a run, instantiated. */
export interface PreparedProjector extends ResolvedProjector {
  /** The projector the factory created with `options`; it can block every level of the run. */
  readonly projector: Projector;
}

/** Everything a chain needs, built from a registry and a resolved configuration. */
export interface McrgSetup extends SamplingSetup {
  /** The configuration with every default filled in, projectors included. */
  readonly config: ResolvedMcrgConfig;
  /** The run's projectors, instantiated, in `config.projectors` order. */
  readonly projectors: readonly PreparedProjector[];
  /** The scale factor b that every projector of the run shares. */
  readonly blockSize: number;
  /** Labels of the lattices of levels 0..levels, e.g. ['32×32', '16×16', ...]. */
  readonly lattices: readonly string[];
  /** The couplings measured at every level: the model's even and odd coupling sets. */
  readonly couplings: {
    /** The even couplings, in coupling-set order (the y_t sector). */
    readonly even: readonly Coupling[];
    /** The odd couplings, in coupling-set order (the y_h sector). */
    readonly odd: readonly Coupling[];
  };
}
