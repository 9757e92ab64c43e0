import { type Coupling, type Lattice, type Projector, UsageError } from '@rsrg/core';
import {
  type Accumulator,
  accumulate,
  analyze,
  binSamples,
  createAccumulator,
  type Estimate,
  MeasurementPipeline,
  projectingStream,
  resolveLevels,
} from '@rsrg/mcrg';

/** Configurations stored once and re-blocked by every projector: `count` of `lattice.volume` ±1 spins, back to back. */
export interface StoredConfigurations {
  /** The lattice of every configuration. */
  readonly lattice: Lattice;
  /** `count` configurations, one after the other. */
  readonly configurations: Int8Array;
  /** Number of configurations. */
  readonly count: number;
}

/** Ordered even and odd coupling lists. */
export interface SectorCouplings {
  /** The y_t sector, in N_c order. */
  readonly even: readonly Coupling[];
  /** The y_h sector, in N_c order. */
  readonly odd: readonly Coupling[];
}

/** Options of a `Reblocking`. */
export interface ReblockingOptions {
  /** Even (y_t sector) and odd (y_h sector) couplings, in N_c order. */
  readonly couplings: SectorCouplings;
  /** Block size b of every projector measured. */
  readonly blockSize: number;
  /** RG steps (default: `resolveLevels` of the lattice, coarsest side ≥ 4). */
  readonly levels?: number;
  /** Jackknife bins of consecutive configurations (default 32). */
  readonly bins?: number;
  /** Seed of the projecting streams: bin k draws from `projectingStream(seed, k)`. */
  readonly seed: number;
}

/** The MCRG estimates of one projector on the stored configurations. */
export interface ReblockedExponents {
  /** y with jackknife errors for every sector, N_r and N_c (as `analyze` gives them). */
  readonly estimates: readonly Estimate[];
  /** The bins behind them. */
  readonly accumulator: Accumulator;
}

/**
 * Swendsen's MCRG of any projector of one block size over configurations stored once: the
 * fine configurations never change, so their level-0 coupling sums are evaluated on the first
 * measurement and copied after that, and only the blocking and the coarse levels are redone
 * per projector. The random numbers are common to every projector: bin k draws from
 * `projectingStream(seed, k)`, configuration after configuration, so a projector that draws a
 * fixed number of numbers per configuration (the stochastic majority rule draws one per block)
 * sees the same draws at every θ, and the estimates are a smooth function of θ. The analysis
 * is the analyzer's: `accumulate` and `analyze` of @rsrg/mcrg.
 */
export class Reblocking {
  /** The stored configurations. */
  readonly data: StoredConfigurations;
  /** RG steps measured. */
  readonly levels: number;
  /** Jackknife bins. */
  readonly bins: number;
  /** Block size b of the projectors. */
  readonly blockSize: number;
  private readonly options: ReblockingOptions;
  private readonly m: number;
  /**
   * Configuration i as a view, and its level-0 sums (m values, valid once its bin is `cached`):
   * made on the first measurement (a thread that only merges sums never needs them), once, so
   * that a measurement allocates nothing per configuration.
   */
  private rows?: { readonly spins: readonly Int8Array[]; readonly level0: readonly Float64Array[] };
  /** Whether bin k's level-0 sums are in `level0` (1) or still to be evaluated (0). */
  private readonly cached: Uint8Array;

  /** @param data the stored configurations @param options couplings, b, levels, bins and the seed */
  constructor(data: StoredConfigurations, options: ReblockingOptions) {
    const { lattice, count, configurations } = data;
    if (configurations.length !== count * lattice.volume) {
      throw new UsageError(
        `${count} configurations of ${lattice.label} need ${count * lattice.volume} spins, got ${configurations.length}`,
      );
    }
    this.bins = options.bins ?? 32;
    if (!Number.isSafeInteger(this.bins) || this.bins < 2)
      throw new UsageError(`bins must be an integer ≥ 2, got ${this.bins}`);
    if (count < this.bins) throw new UsageError(`${count} configurations are too few for ${this.bins} bins`);
    if (!Number.isSafeInteger(options.seed) || options.seed < 0)
      throw new UsageError(`seed must be a non-negative integer, got ${options.seed}`);
    this.data = data;
    this.options = options;
    this.blockSize = options.blockSize;
    this.levels = resolveLevels(lattice, options.blockSize, options.levels);
    this.m = options.couplings.even.length + options.couplings.odd.length;
    this.cached = new Uint8Array(this.bins);
  }

  /** The configurations' views and level-0 rows, made on first use. */
  private views(): NonNullable<Reblocking['rows']> {
    if (!this.rows) {
      const { lattice, count, configurations } = this.data;
      const V = lattice.volume;
      const m = this.m;
      const sums = new Float64Array(count * m);
      this.rows = {
        spins: Array.from({ length: count }, (_, i) => configurations.subarray(i * V, (i + 1) * V)),
        level0: Array.from({ length: count }, (_, i) => sums.subarray(i * m, (i + 1) * m)),
      };
    }
    return this.rows;
  }

  /** Blocks every stored configuration with `projector` and accumulates the MCRG sums. */
  accumulate(projector: Projector): Accumulator {
    return this.accumulateBins(projector, 0, this.bins);
  }

  /**
   * The MCRG sums of bins `first`..`end` − 1 only, as an accumulator of `end` − `first` bins:
   * each bin blocked whole, as `accumulate` blocks it, so the accumulators of consecutive
   * ranges, merged in bin order (`mergeAccumulators`), are `accumulate`'s bit for bit. A worker
   * thread's share; the level-0 sums of a bin are cached where the bin is measured.
   */
  accumulateBins(projector: Projector, first: number, end: number): Accumulator {
    if (projector.blockSize !== this.blockSize) {
      throw new UsageError(
        `projector '${projector.id}' has block size ${projector.blockSize}, not ${this.blockSize}`,
      );
    }
    checkBinRange(first, end, this.bins);
    const { lattice } = this.data;
    const { couplings, seed } = this.options;
    const pipeline = new MeasurementPipeline(lattice, projector, couplings, this.levels);
    const acc = createAccumulator(
      {
        levels: this.levels,
        blockSize: this.blockSize,
        nEven: couplings.even.length,
        nOdd: couplings.odd.length,
      },
      end - first,
    );
    const m = this.m;
    const { spins, level0 } = this.views();
    let i = firstConfiguration(this.data.count, this.bins, first);
    for (let k = first; k < end; k++) {
      const rng = projectingStream(seed, k);
      const n = binSamples(this.data.count, this.bins, k);
      const cached = this.cached[k] === 1;
      for (let j = 0; j < n; j++, i++) {
        const row = level0[i];
        const values = pipeline.measure(spins[i], rng, cached ? row : undefined);
        if (!cached) for (let a = 0; a < m; a++) row[a] = values[a];
        accumulate(acc, k - first, values);
      }
      this.cached[k] = 1;
    }
    return acc;
  }

  /** The MCRG estimates of `projector` (every N_r, N_c up to `maxNc`). */
  measure(projector: Projector, maxNc?: number): ReblockedExponents {
    const accumulator = this.accumulate(projector);
    return {
      estimates: analyze(accumulator, maxNc === undefined ? {} : { maxNc }),
      accumulator,
    };
  }
}

/** The index of the first configuration of bin `bin` of `count` in `bins` (the remainder to the first bins, as `binSamples`). */
export function firstConfiguration(count: number, bins: number, bin: number): number {
  return bin * Math.floor(count / bins) + Math.min(bin, count % bins);
}

/** Throws UsageError unless `first`..`end` − 1 is a non-empty range of bins 0..bins − 1. */
export function checkBinRange(first: number, end: number, bins: number): void {
  if (!Number.isInteger(first) || !Number.isInteger(end) || first < 0 || end > bins || first >= end)
    throw new UsageError(`bins ${first}..${end - 1} are not a range of bins 0..${bins - 1}`);
}
