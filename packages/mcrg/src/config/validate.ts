import {
  type Coupling,
  defaultCoupling,
  defaultWorkerCount,
  FileFormatError,
  type Model,
  type PluginOptions,
  type Registry,
  resolveModel,
  UnsupportedError,
  UsageError,
} from '@rsrg/core';
import { type Ensemble, ensembleSamplingSettings } from '../ensemble-file.js';
import { resolveLevels } from './levels.js';
import type {
  McrgConfig,
  McrgSetup,
  PreparedProjector,
  ResolvedProjector,
  SamplingConfig,
  SamplingSetup,
} from './types.js';

function integer(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    const what =
      min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`;
    throw new UsageError(`${name} must be ${what}, got ${String(value)}`);
  }
  return value;
}

/**
 * The model a configuration names, at its options: the registered model itself when there are
 * none (a UsageError when it takes none and some were given).
 */
export function configuredModel(registry: Registry, modelId: string, options?: PluginOptions): Model {
  return resolveModel(registry.models.get(modelId), options);
}

/**
 * The ordered coupling lists of a model's two sectors: the model's own sets where it carries
 * them (they depend on its options), else resolved through the registry by id.
 */
export function modelCouplings(
  registry: Registry,
  modelOrId: string | Model,
): {
  /** The even couplings (y_t sector), in coupling-set order. */
  even: Coupling[];
  /** The odd couplings (y_h sector), in coupling-set order. */
  odd: Coupling[];
  /** The names of `even`, for table headers and files. */
  evenNames: string[];
  /** The names of `odd`. */
  oddNames: string[];
} {
  const model = typeof modelOrId === 'string' ? registry.models.get(modelOrId) : modelOrId;
  const even = [...(model.couplings?.even ?? registry.couplingSets.get(model.couplingSets.even)).couplings];
  const odd = [...(model.couplings?.odd ?? registry.couplingSets.get(model.couplingSets.odd)).couplings];
  return { even, odd, evenNames: even.map((c) => c.name), oddNames: odd.map((c) => c.name) };
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
  if (samples < chains) {
    throw new UsageError(
      `samples ${samples} is fewer than the ${chains} chains: every chain must keep at least one configuration`,
    );
  }
  const canUseWorkers = registry.sources.length > 0;
  const workers = integer('workers', config.workers ?? (canUseWorkers ? defaultWorkerCount() : 1), 1);
  if (workers > 1 && !canUseWorkers) {
    throw new UsageError(
      'worker threads cannot rebuild a registry whose plugins were added with use(): load them with registry.load() or set workers to 1',
    );
  }
  if (typeof config.model !== 'string') throw new UsageError('a model is required (or an ensemble)');
  const model = configuredModel(registry, config.model, config.modelOptions);
  const modelOptions = model.optionValues;
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
      ...(modelOptions !== undefined && { modelOptions: { ...modelOptions } }),
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

/**
 * Checks an ensemble's header against the registry: its model and sampler are registered, its
 * lattice is the model's at its size, and the sampler takes its coupling. The header holds
 * no user input, so a failure is a FileFormatError (exit code 1) naming `source` (the file) and
 * the field, never a usage error about a value nobody typed. Run it right after reading a file;
 * `prepareMcrg` runs it too, with source 'the ensemble'.
 *
 * @example
 * const ensemble = ensembleCodec.decode(readFileSync(path), path);
 * checkEnsembleHeader(registry, ensemble, path);
 * // e.rsrg: header field 'model' is 'isig2d', a model no loaded plugin provides (known: ising1d, ising2d, ising3d): the file is damaged, or was written with a plugin that is not loaded
 */
export function checkEnsembleHeader(registry: Registry, ensemble: Ensemble, source: string): void {
  const h = ensemble.header;
  const damaged = (what: string) =>
    new FileFormatError(`${source}: ${what}: the file is damaged, or was written with other plugins`);
  const known = (kind: 'model' | 'sampler') => {
    const table = kind === 'model' ? registry.models : registry.samplers;
    if (!table.has(h[kind])) {
      const ids = table.list().map((x) => x.id);
      throw damaged(
        `header field '${kind}' is '${h[kind]}', a ${kind} no loaded plugin provides (known: ${ids.join(', ') || 'none'})`,
      );
    }
  };
  known('model');
  known('sampler');
  let model: Model;
  try {
    model = configuredModel(registry, h.model, h.modelOptions);
  } catch (err) {
    throw damaged(`header field 'modelOptions' is not taken by model '${h.model}' (${messageOf(err)})`);
  }
  const states = model.spins?.kind === 'state' ? model.spins.states : undefined;
  if (states !== h.states) {
    throw damaged(
      `header field 'states' is ${h.states ?? 'absent (Ising spins)'}, but model '${h.model}' has ${states ?? 'Ising spins'}`,
    );
  }
  let sizes: readonly number[];
  try {
    sizes = model.lattice(h.size).sizes;
  } catch (err) {
    throw damaged(`header field 'size' is ${h.size}, which model '${h.model}' refuses (${messageOf(err)})`);
  }
  if (sizes.length !== h.sizes.length || sizes.some((L, a) => L !== h.sizes[a])) {
    throw damaged(
      `header field 'sizes' is ${h.sizes.join('×')}, but model '${h.model}' at size ${h.size} is ${sizes.join('×')}`,
    );
  }
  try {
    prepareSampling(registry, {
      ...ensembleSamplingSettings(h),
      samples: Math.max(ensemble.count, h.chains),
      seed: h.seed,
      workers: 1,
    });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const reason = messageOf(err).replace(/^sampler '[^']*' cannot simulate model '[^']*': /, '');
    throw damaged(
      `header field 'coupling' is ${h.coupling}, which its sampler '${h.sampler}' cannot take on model '${h.model}' (${reason})`,
    );
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The sampling part of a configuration over stored configurations: the ensemble's header. */
function ensembleSampling(registry: Registry, config: McrgConfig, ensemble: Ensemble): SamplingConfig {
  checkEnsembleHeader(registry, ensemble, 'the ensemble');
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
    config.ensemble ? ensembleSampling(registry, config, config.ensemble) : (config as SamplingConfig),
  );
  const { samples, chains } = sampling.config;
  const binsPerChain = integer('binsPerChain', config.binsPerChain ?? 16, 1);
  if (chains * binsPerChain < 2)
    throw new UsageError('the jackknife needs at least 2 bins: raise chains or binsPerChain');
  if (Math.floor(samples / chains) < binsPerChain) {
    if (config.ensemble && config.samples === undefined) {
      throw new UsageError(
        `the ensemble's ${samples} configurations are too few for ${chains} chains × ${binsPerChain} bins (need at least ${chains * binsPerChain}): ask for fewer bins or chains`,
      );
    }
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
  for (const { label, projector } of projectors) {
    const pb = projector.blockSize;
    // b < 2 never shrinks the lattice: the levels would never end.
    if (!Number.isSafeInteger(pb) || pb < 2)
      throw new UsageError(`projector '${label}' has block size ${String(pb)}; RG needs an integer b ≥ 2`);
  }
  const b = projectors[0].projector.blockSize;
  for (const p of projectors) {
    if (p.projector.blockSize !== b) {
      throw new UsageError(
        `the projectors of one run must share the block size: '${projectors[0].label}' has b = ${b}, '${p.label}' has b = ${p.projector.blockSize}`,
      );
    }
  }
  const { even, odd } = modelCouplings(registry, model);
  const levels = resolveLevels(lattice, b, config.levels);
  const lattices: string[] = [lattice.label];
  let level = lattice;
  for (let n = 0; n < levels; n++) {
    for (const { projector } of projectors) {
      const reason = projector.supports(level, model.spins);
      if (reason !== undefined)
        throw new UnsupportedError(`projector '${projector.id}' cannot block ${level.label}: ${reason}`);
    }
    level = level.coarsen(b);
    lattices.push(level.label);
  }

  return {
    ...sampling,
    config: { ...sampling.config, projectors: resolved, levels, binsPerChain },
    projectors,
    blockSize: b,
    lattices,
    couplings: { even, odd },
  };
}
