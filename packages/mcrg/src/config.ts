import { availableParallelism } from 'node:os';
import {
  type Coupling,
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

/** What to simulate and measure. Every id is resolved through the registry. */
export interface McrgConfig {
  /** Model id, e.g. 'ising2d'. */
  readonly model: string;
  /** Linear size L of the simulated lattice. */
  readonly size: number;
  /** Nearest-neighbour coupling K; default: the model's critical coupling. */
  readonly coupling?: number;
  /** Sampler id; default: the model's default sampler. */
  readonly sampler?: string;
  /** Projector id; default: the model's default projector. */
  readonly projector?: string;
  readonly projectorOptions?: ProjectorOptions;
  /** Total measurements over all chains; the remainder of samples/chains goes to the first chains. */
  readonly samples: number;
  /** Sampler moves per chain before measuring. */
  readonly thermalize: number;
  /** Sampler moves between measurements; default: the model's default interval. */
  readonly interval?: number;
  /** RG steps; default `defaultLevels(size, blockSize)`. */
  readonly levels?: number;
  /** Master seed: chain c draws from `Rng.stream(seed, c)`. */
  readonly seed: number;
  /** Independent Markov chains, the unit of randomness (default 8). */
  readonly chains?: number;
  /** Jackknife bins per chain, each of consecutive measurements (default 16). */
  readonly binsPerChain?: number;
  /**
   * Worker threads that run the chains; results do not depend on it. Default:
   * `os.availableParallelism()` when the registry can be rebuilt in a worker (it has
   * `sources`, i.e. plugins came from `registry.load`), else 1 (chains run in this thread).
   */
  readonly workers?: number;
}

/** A configuration with every default filled in: what a run records. */
export interface ResolvedMcrgConfig extends Required<Omit<McrgConfig, 'projectorOptions'>> {
  readonly projectorOptions: ProjectorOptions;
}

/** Everything a chain needs, built from a registry and a resolved configuration. */
export interface McrgSetup {
  readonly config: ResolvedMcrgConfig;
  readonly model: Model;
  readonly lattice: Lattice;
  readonly hamiltonian: Hamiltonian;
  readonly sampler: Sampler;
  readonly projector: Projector;
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

/**
 * Validates a configuration against the registry and fills in every default. Throws a
 * UsageError (UnknownIdError, UnsupportedError) with a one-line message naming the problem.
 */
export async function prepareMcrg(registry: Registry, config: McrgConfig): Promise<McrgSetup> {
  const samples = integer('samples', config.samples, 1);
  const thermalize = integer('thermalize', config.thermalize, 0);
  const seed = integer('seed', config.seed, 0);
  const chains = integer('chains', config.chains ?? 8, 1);
  const binsPerChain = integer('binsPerChain', config.binsPerChain ?? 16, 1);
  const canUseWorkers = registry.sources.length > 0;
  const workers = integer('workers', config.workers ?? (canUseWorkers ? availableParallelism() : 1), 1);
  if (chains * binsPerChain < 2)
    throw new UsageError('the jackknife needs at least 2 bins: raise chains or binsPerChain');
  if (Math.floor(samples / chains) < binsPerChain) {
    throw new UsageError(
      `samples ${samples} is too few for ${chains} chains × ${binsPerChain} bins (need at least ${chains * binsPerChain})`,
    );
  }
  if (workers > 1 && !canUseWorkers) {
    throw new UsageError(
      'worker threads cannot rebuild a registry whose plugins were added with use(): load them with registry.load() or set workers to 1',
    );
  }

  const model = registry.models.get(config.model);
  const size = integer('size', config.size, 1);
  const coupling = config.coupling ?? model.criticalCoupling;
  if (typeof coupling !== 'number' || !Number.isFinite(coupling)) {
    throw new UsageError(`coupling must be a finite number, got ${String(coupling)}`);
  }
  const sampler = registry.samplers.get(config.sampler ?? model.defaults.sampler);
  const projectorId = config.projector ?? model.defaults.projector;
  const projectorOptions = config.projectorOptions ?? {};
  const projector = await registry.projectors.get(projectorId).create(projectorOptions);
  const even = registry.couplingSets.get(model.couplingSets.even).couplings;
  const odd = registry.couplingSets.get(model.couplingSets.odd).couplings;
  const interval = integer('interval', config.interval ?? model.defaults.interval, 1);

  const b = projector.blockSize;
  const lattice = model.lattice(size);
  const minSide = Math.min(...lattice.sizes);
  let levels: number;
  if (config.levels === undefined) {
    levels = defaultLevels(minSide, b);
    if (levels === 0) {
      throw new UsageError(
        `size ${size} leaves no RG step with block size ${b} and a coarse side ≥ ${DEFAULT_MIN_COARSE_SIDE}; give levels explicitly`,
      );
    }
  } else {
    levels = integer('levels', config.levels, 1);
    const factor = b ** levels;
    if (minSide < MIN_COARSE_SIDE * factor) {
      throw new UsageError(
        `levels ${levels} is too many for size ${size} with block size ${b}: the coarsest side would be below ${MIN_COARSE_SIDE}`,
      );
    }
  }
  const factor = b ** levels;
  if (!lattice.sizes.every((L) => L % factor === 0)) {
    throw new UsageError(
      `size ${size} is not divisible by ${b}^${levels} = ${factor} needed for ${levels} levels`,
    );
  }
  const lattices: string[] = [lattice.label];
  let level = lattice;
  for (let n = 0; n < levels; n++) {
    const reason = projector.supports(level);
    if (reason !== undefined)
      throw new UnsupportedError(`projector '${projector.id}' cannot block ${level.label}: ${reason}`);
    level = level.coarsen(b);
    lattices.push(level.label);
  }

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
      projector: projectorId,
      projectorOptions,
      samples,
      thermalize,
      interval,
      levels,
      seed,
      chains,
      binsPerChain,
      workers,
    },
    model,
    lattice,
    hamiltonian,
    sampler,
    projector,
    lattices,
    couplings: { even, odd },
  };
}
