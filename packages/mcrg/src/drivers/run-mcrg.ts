import { type Registry, RNG_ALGORITHM, type SectorNames, sectorNames } from '@rsrg/core';
import { type Accumulator, mergeAccumulators } from '../accumulator.js';
import { analyze, type ProjectorEstimate } from '../analysis.js';
import { measureConfigurations, runChain } from '../chain.js';
import type { McrgConfig, McrgSetup, ResolvedMcrgConfig, ResolvedProjector } from '../config/types.js';
import { prepareMcrg } from '../config/validate.js';
import { type EnsembleHeader, ensembleChunks } from '../ensemble-file.js';
import { packageVersions } from '../package-versions.js';
import { allChains, runInThisThread, runInWorkers } from '../pool.js';
import type { ChainPhase, ChainResult, ChainTick } from '../protocol.js';
import type { McrgHooks } from './hooks.js';

/** The stored configurations a run measured: the ensemble's header and size. */
export interface McrgEnsembleSource {
  /** How the ensemble was sampled: model, lattice, coupling, sampler, seed. */
  readonly header: EnsembleHeader;
  /** Configurations the ensemble holds. */
  readonly count: number;
}

/** The merged bins of every chain, before analysis. */
export interface McrgSample {
  /** The validated run: configuration with defaults, model, lattice, sampler, projectors. */
  readonly setup: McrgSetup;
  /** Bins of every projector (in the run's projector order), each over all chains in chain order. */
  readonly accumulators: readonly Accumulator[];
  /** Per-chain summaries, in chain order (their accumulators are merged above). */
  readonly chains: readonly Omit<ChainResult, 'accumulators'>[];
  /** Present when the configurations came from an ensemble. */
  readonly ensemble?: McrgEnsembleSource;
  /** Wall-clock seconds of sampling and measuring. */
  readonly wallSeconds: number;
}

/** Everything a report of an MCRG run needs. */
export interface McrgResult {
  /** The configuration with every default filled in: enough to rerun it. */
  readonly config: ResolvedMcrgConfig;
  /** The simulated model, with the exponents to compare the estimates with. */
  readonly model: {
    /** Model id, e.g. 'ising2d'. */
    readonly id: string;
    /** Spatial dimension d. */
    readonly dimension: number;
    /** The names of its y_t and y_h sectors; absent for the Ising 'even' and 'odd'. */
    readonly sectors?: SectorNames;
    /** States per site q; absent for Ising spins. */
    readonly states?: number;
    /** Exact or best-known exponents (empty when the model declares none). */
    readonly exponents: {
      /** Thermal exponent y_t = 1/ν. */
      readonly yt?: number;
      /** Magnetic exponent y_h. */
      readonly yh?: number;
    };
  };
  /** Every projector, in order; each estimate names its projector by `label`. */
  readonly projectors: readonly ResolvedProjector[];
  /** The scale factor b shared by the projectors: y = ln λ / ln b. */
  readonly blockSize: number;
  /** Lattice of every level, e.g. ['32×32', '16×16', '8×8', '4×4']. */
  readonly lattices: readonly string[];
  /** Coupling names, in N_c order. */
  readonly couplings: {
    /** Names of the even couplings (y_t sector). */
    readonly even: readonly string[];
    /** Names of the odd couplings (y_h sector). */
    readonly odd: readonly string[];
  };
  /** Projector by projector (in order), then as `analyze` orders them. */
  readonly estimates: readonly ProjectorEstimate[];
  /** Measurements taken over all chains (each blocked by every projector). */
  readonly samples: number;
  /** Jackknife bins behind every error. */
  readonly bins: number;
  /** τ_int of the level-0 first even coupling series, averaged over chains. */
  readonly tauInt: {
    /** τ_int averaged over chains. */
    readonly value: number;
    /** Its error, from the chains' Madras–Sokal errors. */
    readonly error: number;
    /** τ_int counts measurements, each `movesPerMeasurement` sampler moves apart. */
    readonly unit: 'measurements';
  };
  /** Sampler moves between two measurements: the run's interval. */
  readonly movesPerMeasurement: number;
  /** Mean spins updated per sampler move during measurement (NaN over an ensemble). */
  readonly spinsUpdatedPerMove: number;
  /** Present when the configurations came from an ensemble. */
  readonly ensemble?: McrgEnsembleSource;
  /** The random-number generator and its seeding (`RNG_ALGORITHM`), for reproduction. */
  readonly rng: string;
  /** Wall-clock seconds of the whole run. */
  readonly wallSeconds: number;
  /** Versions of the packages behind the run. */
  readonly versions: Record<string, string>;
}

/**
 * Validates the configuration, then runs every chain (in worker threads when `workers` > 1,
 * else in this thread) and merges their bins in chain order, per projector. With an
 * ensemble, chain c measures chunk c of its configurations (see `ensembleChunks`) instead of
 * sampling. The result does not depend on the number of workers.
 */
export async function sampleMcrg(
  registry: Registry,
  config: McrgConfig,
  hooks: McrgHooks = {},
): Promise<McrgSample> {
  const start = performance.now();
  const { signal, onProgress } = hooks;
  signal?.throwIfAborted();
  const setup = await prepareMcrg(registry, config);
  const { chains, thermalize, interval, samples, workers } = setup.config;
  const ensemble = config.ensemble;
  const chunks = ensemble ? ensembleChunks(ensemble, samples, chains) : undefined;
  const total = chunks ? samples : chains * thermalize + samples * interval;
  let done = 0;
  const tick = (moves: number, phase: ChainPhase) => {
    done += moves;
    onProgress?.({ done, total, phase });
  };
  const results =
    workers === 1
      ? await runInThisThread(
          allChains(chains),
          (c: number, t: ChainTick) =>
            chunks ? measureConfigurations(setup, c, chunks[c], t) : runChain(setup, c, t),
          tick,
          { signal },
        )
      : await runInWorkers<ChainResult>(
          Math.min(workers, chains),
          allChains(chains),
          (chain, port) => ({
            task: {
              kind: 'measure',
              sources: registry.sources,
              config: setup.config,
              chain,
              port,
              ...(chunks && { configurations: chunks[chain] }),
            },
            transfer: chunks ? [chunks[chain].buffer as ArrayBuffer] : [],
          }),
          tick,
          { signal },
        );
  if (done < total) onProgress?.({ done: total, total, phase: 'measure' });
  const accumulators = setup.projectors.map((_, p) =>
    mergeAccumulators(results.map((r) => r.accumulators[p])),
  );
  return {
    setup,
    accumulators,
    chains: results.map(({ accumulators: _, ...summary }) => summary),
    ...(ensemble && { ensemble: { header: ensemble.header, count: ensemble.count } }),
    wallSeconds: (performance.now() - start) / 1000,
  };
}

/**
 * Swendsen's MCRG end to end: samples the model (see `sampleMcrg`) or reads an ensemble,
 * blocks every configuration with every projector, analyzes each projector's bins
 * (`analyze`) and returns the estimates with everything needed to reproduce them.
 * Throws UsageError subclasses with one-line messages for invalid configurations.
 *
 * Random streams: chain c samples with `Rng.stream(seed, 2c)` and projects with
 * `Rng.stream(seed, 2c + 1)`, each projector from its own copy. So the configurations depend
 * only on (seed, chain, model, size, coupling, sampler, interval, thermalize), two runs with
 * different projectors and the same seed see the same configurations, and a projector's
 * estimates do not depend on the other projectors of the run. Over an ensemble, chunk c
 * projects with `Rng.stream(seed, 2c + 1)`.
 *
 * @example
 * // Plugins loaded by URL, so that worker threads can rebuild the registry from `sources`.
 * const registry = new Registry();
 * for (const p of ['@rsrg/models', '@rsrg/samplers', '@rsrg/projectors']) await registry.load(import.meta.resolve(p));
 * const result = await runMcrg(registry, {
 *   model: 'ising2d', size: 32, samples: 100_000, thermalize: 1000, seed: 1,
 *   projectors: [{ id: 'majority' }, { id: 'decimation' }],
 * });
 * for (const e of result.estimates) console.log(e.projector, e.sector, e.nr, e.nc, e.y, e.error);
 */
export async function runMcrg(
  registry: Registry,
  config: McrgConfig,
  hooks: McrgHooks = {},
): Promise<McrgResult> {
  const start = performance.now();
  const sample = await sampleMcrg(registry, config, hooks);
  return mcrgResult(sample, { versions: packageVersions(registry.sources), start });
}

/**
 * The report of a run from its merged bins: each projector's bins analyzed (`analyze`), τ_int
 * over the chains, and what reproduces the run. `runMcrg` is `sampleMcrg` then this, so a
 * sample put together otherwise (merged shards) gives the same report bit for bit, timing aside.
 *
 * @param options.versions the packages behind the run (`packageVersions(registry.sources)`)
 * @param options.start when the run started (`performance.now()`); default: the sample's own
 * wall-clock seconds are reported
 */
export function mcrgResult(
  sample: McrgSample,
  options: { readonly versions: Record<string, string>; readonly start?: number },
): McrgResult {
  const { setup, accumulators } = sample;
  const sectors = sectorNames(setup.model);
  const estimates = setup.projectors.flatMap((p, i) =>
    analyze(accumulators[i], { projector: p.label, sectors }),
  );
  const taus = sample.chains.map((c) => c.tau);
  const tauErrors = sample.chains.map((c) => c.tauError);
  const moves = sample.chains.reduce((s, c) => s + c.moves, 0);
  const spinsUpdated = sample.chains.reduce((s, c) => s + c.spinsUpdated, 0);
  // Every projector measured the same configurations into the same bins: count them once.
  const first = accumulators[0];
  return {
    config: setup.config,
    model: {
      id: setup.model.id,
      dimension: setup.model.dimension,
      ...(setup.model.sectors && { sectors: { ...setup.model.sectors } }),
      ...(setup.model.spins?.kind === 'state' && { states: setup.model.spins.states }),
      exponents: { ...setup.model.exponents },
    },
    projectors: setup.config.projectors,
    blockSize: setup.blockSize,
    lattices: setup.lattices,
    couplings: { even: setup.couplings.even.map((c) => c.name), odd: setup.couplings.odd.map((c) => c.name) },
    estimates,
    samples: first.count.reduce((s, n) => s + n, 0),
    bins: first.bins,
    tauInt: {
      value: taus.reduce((s, t) => s + t, 0) / taus.length,
      error: Math.sqrt(tauErrors.reduce((s, e) => s + e * e, 0)) / taus.length,
      unit: 'measurements',
    },
    movesPerMeasurement: setup.config.interval,
    spinsUpdatedPerMove: moves > 0 ? spinsUpdated / moves : Number.NaN,
    ...(sample.ensemble && { ensemble: sample.ensemble }),
    rng: RNG_ALGORITHM,
    wallSeconds:
      options.start === undefined ? sample.wallSeconds : (performance.now() - options.start) / 1000,
    versions: options.versions,
  };
}
