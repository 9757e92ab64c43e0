import { availableParallelism } from 'node:os';
import {
  type Coupling,
  defaultCoupling,
  type Hamiltonian,
  type Lattice,
  type Model,
  type Projector,
  type ProjectorOptions,
  type Registry,
  type Sampler,
  UnsupportedError,
  UsageError,
} from '@rsrg/core';
import type { Ensemble, EnsembleHeader } from './ensemble.js';

/** One projector of a run, by registry id. */
export interface McrgProjectorSpec {
  readonly id: string;
  readonly options?: ProjectorOptions;
  /** Names the projector's estimates; default the id. Labels within a run are distinct. */
  readonly label?: string;
}

/** A projector of a run with its defaults filled in: what a run records. */
export interface ResolvedProjector {
  readonly label: string;
  readonly id: string;
  readonly options: ProjectorOptions;
}

/** What to simulate: the Markov chains alone, as `sampleEnsemble` runs them. */
export interface SamplingConfig {
  /** Model id, e.g. 'ising2d'. */
  readonly model: string;
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
   * `os.availableParallelism()` when the registry can be rebuilt in a worker (it has
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
  /** Projector id; default: the model's default projector. Excludes `projectors`. */
  readonly projector?: string;
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
  readonly model: string;
  readonly size: number;
  readonly coupling: number;
  readonly sampler: string;
  readonly samples: number;
  readonly thermalize: number;
  readonly interval: number;
  readonly seed: number;
  readonly chains: number;
  readonly workers: number;
}

/** A configuration with every default filled in: what a run records. */
export interface ResolvedMcrgConfig extends ResolvedSamplingConfig {
  /** Id of the first projector of `projectors`. */
  readonly projector: string;
  /** Options of the first projector of `projectors`. */
  readonly projectorOptions: ProjectorOptions;
  /** Every projector, in the order the configurations are blocked. */
  readonly projectors: readonly ResolvedProjector[];
  readonly levels: number;
  readonly binsPerChain: number;
}

/** What a Markov chain needs, built from a registry and a resolved sampling configuration. */
export interface SamplingSetup {
  readonly config: ResolvedSamplingConfig;
  readonly model: Model;
  readonly lattice: Lattice;
  readonly hamiltonian: Hamiltonian;
  readonly sampler: Sampler;
}

/** A projector of a run, instantiated. */
export interface PreparedProjector extends ResolvedProjector {
  readonly projector: Projector;
}

/** Everything a chain needs, built from a registry and a resolved configuration. */
export interface McrgSetup extends SamplingSetup {
  readonly config: ResolvedMcrgConfig;
  /** The first projector (all projectors of a run share its block size). */
  readonly projector: Projector;
  readonly projectors: readonly PreparedProjector[];
  /** Labels of the lattices of levels 0..levels, e.g. ['32×32', '16×16', ...]. */
  readonly lattices: readonly string[];
  readonly couplings: { readonly even: readonly Coupling[]; readonly odd: readonly Coupling[] };
}

/** The smallest coarse-lattice side the default number of levels keeps. */
const DEFAULT_MIN_COARSE_SIDE = 4;
/** The smallest coarse-lattice side allowed at all (couplings become degenerate below). */
const MIN_COARSE_SIDE = 2;

/**
 * The default number of RG steps: as many as divide `size` while the coarsest lattice side
 * stays ≥ 4 (L = 32, b = 2 → 3: 32 → 16 → 8 → 4). The rule is the same in every dimension.
 */
export function defaultLevels(size: number, blockSize: number): number {
  let levels = 0;
  let side = size;
  while (side % blockSize === 0 && side / blockSize >= DEFAULT_MIN_COARSE_SIDE) {
    side /= blockSize;
    levels++;
  }
  return levels;
}

function integer(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    const what =
      min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`;
    throw new UsageError(`${name} must be ${what}, got ${String(value)}`);
  }
  return value;
}

/** Measurements of chain `chain`: samples/chains, the remainder to the first chains. */
export function chainSamples(samples: number, chains: number, chain: number): number {
  return Math.floor(samples / chains) + (chain < samples % chains ? 1 : 0);
}

/** Measurements in bin `bin` of a chain with `n` measurements: the remainder to the first bins. */
export function binSamples(n: number, bins: number, bin: number): number {
  return Math.floor(n / bins) + (bin < n % bins ? 1 : 0);
}

/** The ordered coupling lists of a model's two sectors, resolved through the registry. */
export function modelCouplings(
  registry: Registry,
  modelId: string,
): { even: Coupling[]; odd: Coupling[]; evenNames: string[]; oddNames: string[] } {
  const model = registry.models.get(modelId);
  const even = [...registry.couplingSets.get(model.couplingSets.even).couplings];
  const odd = [...registry.couplingSets.get(model.couplingSets.odd).couplings];
  return { even, odd, evenNames: even.map((c) => c.name), oddNames: odd.map((c) => c.name) };
}

/**
 * The RG steps for a lattice and block size: `levels` when given (checked: every level
 * divisible, the coarsest side ≥ 2), else `defaultLevels` of the smallest side.
 */
export function resolveLevels(lattice: Lattice, blockSize: number, levels?: number): number {
  const minSide = Math.min(...lattice.sizes);
  const size = lattice.sizes[0];
  const b = blockSize;
  let n: number;
  if (levels === undefined) {
    n = defaultLevels(minSide, b);
    if (n === 0) {
      throw new UsageError(
        `size ${size} leaves no RG step with block size ${b} and a coarse side ≥ ${DEFAULT_MIN_COARSE_SIDE}; give levels explicitly`,
      );
    }
  } else {
    n = integer('levels', levels, 1);
    if (minSide < MIN_COARSE_SIDE * b ** n) {
      throw new UsageError(
        `levels ${n} is too many for size ${size} with block size ${b}: the coarsest side would be below ${MIN_COARSE_SIDE}`,
      );
    }
  }
  const factor = b ** n;
  if (!lattice.sizes.every((L) => L % factor === 0)) {
    throw new UsageError(`size ${size} is not divisible by ${b}^${n} = ${factor} needed for ${n} levels`);
  }
  return n;
}

/**
 * Validates a sampling configuration against the registry and fills in every default.
 * Throws a UsageError (UnknownIdError, UnsupportedError) with a one-line message.
 */
export function prepareSampling(registry: Registry, config: SamplingConfig): SamplingSetup {
  const samples = integer('samples', config.samples, 1);
  const thermalize = integer('thermalize', config.thermalize, 0);
  const seed = integer('seed', config.seed, 0);
  const chains = integer('chains', config.chains ?? 8, 1);
  const canUseWorkers = registry.sources.length > 0;
  const workers = integer('workers', config.workers ?? (canUseWorkers ? availableParallelism() : 1), 1);
  if (workers > 1 && !canUseWorkers) {
    throw new UsageError(
      'worker threads cannot rebuild a registry whose plugins were added with use(): load them with registry.load() or set workers to 1',
    );
  }
  if (typeof config.model !== 'string') throw new UsageError('a model is required (or an ensemble)');
  const model = registry.models.get(config.model);
  const size = integer('size', config.size, 1);
  const coupling = config.coupling ?? defaultCoupling(model);
  if (coupling === undefined)
    throw new UsageError(`model '${model.id}' has no critical or default coupling: give a coupling`);
  if (typeof coupling !== 'number' || !Number.isFinite(coupling)) {
    throw new UsageError(`coupling must be a finite number, got ${String(coupling)}`);
  }
  const sampler = registry.samplers.get(config.sampler ?? model.defaults.sampler);
  const interval = integer('interval', config.interval ?? model.defaults.interval, 1);
  const lattice = model.lattice(size);
  const hamiltonian = model.hamiltonian(coupling);
  const unsupported = sampler.supports(lattice, hamiltonian);
  if (unsupported !== undefined) {
    throw new UnsupportedError(`sampler '${sampler.id}' cannot simulate model '${model.id}': ${unsupported}`);
  }
  return {
    config: {
      model: model.id,
      size,
      coupling,
      sampler: sampler.id,
      samples,
      thermalize,
      interval,
      seed,
      chains,
      workers,
    },
    model,
    lattice,
    hamiltonian,
    sampler,
  };
}

/** How an ensemble was sampled, as sampling settings: sample more of the same with these. */
export function ensembleSamplingSettings(h: EnsembleHeader) {
  return {
    model: h.model,
    size: h.size,
    coupling: h.coupling,
    sampler: h.sampler,
    interval: h.interval,
    thermalize: h.thermalize,
    chains: h.chains,
  };
}

/** The sampling part of a configuration over stored configurations: the ensemble's header. */
function ensembleSampling(config: McrgConfig, ensemble: Ensemble): SamplingConfig {
  const h = ensemble.header;
  const given: [keyof typeof h & keyof McrgConfig, unknown][] = [
    ['model', config.model],
    ['size', config.size],
    ['coupling', config.coupling],
    ['sampler', config.sampler],
    ['interval', config.interval],
    ['thermalize', config.thermalize],
  ];
  for (const [key, value] of given) {
    if (value !== undefined && value !== h[key]) {
      throw new UsageError(
        `${key} ${String(value)} was given, but the ensemble was sampled with ${key} ${String(h[key])}`,
      );
    }
  }
  const samples = config.samples ?? ensemble.count;
  if (typeof samples === 'number' && samples > ensemble.count) {
    throw new UsageError(`samples ${samples} is more than the ensemble's ${ensemble.count} configurations`);
  }
  return {
    ...ensembleSamplingSettings(h),
    samples,
    seed: config.seed ?? h.seed,
    chains: config.chains ?? h.chains,
    ...(config.workers !== undefined && { workers: config.workers }),
  };
}

/** The projectors a configuration asks for, with labels and options filled in. */
function resolveProjectors(config: McrgConfig, model: Model): ResolvedProjector[] {
  if (config.projectors === undefined) {
    const id = config.projector ?? model.defaults.projector;
    return [{ label: id, id, options: config.projectorOptions ?? {} }];
  }
  if (config.projector !== undefined || config.projectorOptions !== undefined) {
    throw new UsageError('give either projectors or projector (with projectorOptions), not both');
  }
  if (!Array.isArray(config.projectors) || config.projectors.length === 0) {
    throw new UsageError('projectors must list at least one projector');
  }
  const out = config.projectors.map((p) => ({ label: p.label ?? p.id, id: p.id, options: p.options ?? {} }));
  const seen = new Set<string>();
  for (const p of out) {
    if (seen.has(p.label)) {
      throw new UsageError(
        `projector label '${p.label}' appears twice: give each projector a distinct label`,
      );
    }
    seen.add(p.label);
  }
  return out;
}

/**
 * Validates a configuration against the registry and fills in every default. Throws a
 * UsageError (UnknownIdError, UnsupportedError) with a one-line message naming the problem.
 */
export async function prepareMcrg(registry: Registry, config: McrgConfig): Promise<McrgSetup> {
  const sampling = prepareSampling(
    registry,
    config.ensemble ? ensembleSampling(config, config.ensemble) : (config as SamplingConfig),
  );
  const { samples, chains } = sampling.config;
  const binsPerChain = integer('binsPerChain', config.binsPerChain ?? 16, 1);
  if (chains * binsPerChain < 2)
    throw new UsageError('the jackknife needs at least 2 bins: raise chains or binsPerChain');
  if (Math.floor(samples / chains) < binsPerChain) {
    throw new UsageError(
      `samples ${samples} is too few for ${chains} chains × ${binsPerChain} bins (need at least ${chains * binsPerChain})`,
    );
  }
  const { model, lattice } = sampling;
  const stored = config.ensemble?.header.sizes;
  if (stored && (stored.length !== lattice.dimension || stored.some((L, a) => L !== lattice.sizes[a]))) {
    throw new UsageError(
      `the ensemble's lattice ${stored.join('×')} is not that of model '${model.id}' at size ${sampling.config.size} (${lattice.label})`,
    );
  }

  const resolved = resolveProjectors(config, model);
  const projectors: PreparedProjector[] = [];
  for (const p of resolved) {
    projectors.push({ ...p, projector: await registry.projectors.get(p.id).create(p.options) });
  }
  const b = projectors[0].projector.blockSize;
  for (const p of projectors) {
    if (p.projector.blockSize !== b) {
      throw new UsageError(
        `the projectors of one run must share the block size: '${projectors[0].label}' has b = ${b}, '${p.label}' has b = ${p.projector.blockSize}`,
      );
    }
  }
  const { even, odd } = modelCouplings(registry, model.id);
  const levels = resolveLevels(lattice, b, config.levels);
  const lattices: string[] = [lattice.label];
  let level = lattice;
  for (let n = 0; n < levels; n++) {
    for (const { projector } of projectors) {
      const reason = projector.supports(level);
      if (reason !== undefined)
        throw new UnsupportedError(`projector '${projector.id}' cannot block ${level.label}: ${reason}`);
    }
    level = level.coarsen(b);
    lattices.push(level.label);
  }

  return {
    ...sampling,
    config: {
      ...sampling.config,
      projector: resolved[0].id,
      projectorOptions: resolved[0].options,
      projectors: resolved,
      levels,
      binsPerChain,
    },
    projector: projectors[0].projector,
    projectors,
    lattices,
    couplings: { even, odd },
  };
}

/**
 * The configuration that rebuilds `config`'s setup elsewhere (a worker thread): the
 * resolved values, with the projectors given as a list.
 */
export function reconfigure(config: ResolvedMcrgConfig): McrgConfig {
  const { projector: _, projectorOptions: __, ...rest } = config;
  return rest;
}
