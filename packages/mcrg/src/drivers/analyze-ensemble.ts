import { type Coupling, Lattice, type Projector, Rng, type Spins, UsageError } from '@rsrg/core';
import { type Accumulator, accumulate, createAccumulator } from '../accumulator.js';
import { analyze, type ProjectorEstimate } from '../analysis.js';
import { resolveLevels } from '../config/levels.js';
import { binSamples } from '../config/partition.js';
import { type Ensemble, ensembleSpins } from '../ensemble-file.js';
import { MeasurementPipeline } from '../measurement-pipeline.js';
import { unpackConfiguration } from '../packed-configurations.js';

/** Options of `analyzeEnsemble`. */
export interface AnalyzeEnsembleOptions {
  /** Even couplings in N_c order (e.g. from `modelCouplings`). */
  readonly even: readonly Coupling[];
  /** Odd couplings in N_c order. */
  readonly odd: readonly Coupling[];
  /** Names reported for the even couplings; default their own names. */
  readonly evenNames?: readonly string[];
  /** Names reported for the odd couplings; default their own names. */
  readonly oddNames?: readonly string[];
  /** RG steps; default `defaultLevels` of the lattice and block size. */
  readonly levels?: number;
  /** Master seed of the projecting stream `Rng.stream(seed, 1)`. */
  readonly seed: number;
  /** Jackknife bins of consecutive configurations (default 32). */
  readonly bins?: number;
  /** Largest truncation N_c to report. */
  readonly maxNc?: number;
  /** Label on the estimates; default the projector's id. */
  readonly label?: string;
}

/** What `analyzeEnsemble` returns. */
export interface EnsembleAnalysis {
  /** The exponent estimates y with jackknife errors, labelled with `label` (default the projector's id). */
  readonly estimates: ProjectorEstimate[];
  /** Jackknife bins behind every error. */
  readonly bins: number;
  /** Configurations measured: every one of the ensemble. */
  readonly samples: number;
  /** RG steps the configurations were blocked. */
  readonly levels: number;
  /** Lattice of every level, e.g. ['32×32', '16×16', '8×8', '4×4']. */
  readonly lattices: string[];
  /** Coupling names as reported, in N_c order. */
  readonly couplings: {
    /** Names of the even couplings (y_t sector). */
    readonly even: string[];
    /** Names of the odd couplings (y_h sector). */
    readonly odd: string[];
  };
  /** The bins behind the estimates. */
  readonly accumulator: Accumulator;
}

/**
 * Swendsen's MCRG over stored configurations with a projector object (no registry: e.g. an
 * RBM filter in the middle of training). Single-threaded and in-process; the projecting
 * stream is `Rng.stream(seed, 1)`, as chunk 0 of `runMcrg` over the ensemble, so with
 * chains = 1 and binsPerChain = bins the two agree bit for bit. No allocation per
 * configuration.
 */
export function analyzeEnsemble(
  e: Ensemble,
  projector: Projector,
  opts: AnalyzeEnsembleOptions,
): EnsembleAnalysis {
  const lattice = new Lattice(e.header.sizes);
  const levels = resolveLevels(lattice, projector.blockSize, opts.levels);
  const bins = opts.bins ?? 32;
  if (!Number.isSafeInteger(bins) || bins < 2)
    throw new UsageError(`bins must be an integer ≥ 2, got ${bins}`);
  if (e.count < bins)
    throw new UsageError(`the ensemble's ${e.count} configurations are too few for ${bins} bins`);
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0)
    throw new UsageError(`seed must be a non-negative integer, got ${opts.seed}`);
  for (const [names, list, sector] of [
    [opts.evenNames, opts.even, 'even'],
    [opts.oddNames, opts.odd, 'odd'],
  ] as const) {
    if (names !== undefined && names.length !== list.length)
      throw new UsageError(`${names.length} ${sector} names for ${list.length} ${sector} couplings`);
  }
  const spins = ensembleSpins(e.header);
  const pipeline = new MeasurementPipeline(
    lattice,
    projector,
    { even: opts.even, odd: opts.odd },
    levels,
    spins,
  );
  const acc = createAccumulator(
    { levels, blockSize: projector.blockSize, nEven: opts.even.length, nOdd: opts.odd.length },
    bins,
  );
  const rng = Rng.stream(opts.seed, 1);
  const configuration: Spins = new Int8Array(e.volume);
  let i = 0;
  for (let k = 0; k < bins; k++) {
    const n = binSamples(e.count, bins, k);
    for (let j = 0; j < n; j++, i++)
      accumulate(acc, k, pipeline.measure(unpackConfiguration(e.packed, i, configuration, spins), rng));
  }
  return {
    estimates: analyze(acc, {
      projector: opts.label ?? projector.id,
      ...(opts.maxNc !== undefined && { maxNc: opts.maxNc }),
    }),
    bins,
    samples: e.count,
    levels,
    lattices: pipeline.lattices.map((l) => l.label),
    couplings: {
      even: [...(opts.evenNames ?? opts.even.map((c) => c.name))],
      odd: [...(opts.oddNames ?? opts.odd.map((c) => c.name))],
    },
    accumulator: acc,
  };
}
