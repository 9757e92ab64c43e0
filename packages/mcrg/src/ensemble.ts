import {
  type Codec,
  type Coupling,
  defineCodec,
  Lattice,
  type Projector,
  type Registry,
  RNG_ALGORITHM,
  Rng,
  type Spins,
  UsageError,
} from '@rsrg/core';
import { type Accumulator, accumulate, createAccumulator } from './accumulator.js';
import { analyze, type ProjectorEstimate } from './analysis.js';
import { type ChainTick, walkChain } from './chain.js';
import {
  binSamples,
  chainSamples,
  prepareSampling,
  resolveLevels,
  type SamplingConfig,
  type SamplingSetup,
} from './config.js';
import { bytesPerConfiguration, packConfiguration, unpackConfiguration } from './configurations.js';
import { MeasurementPipeline } from './measure.js';
import { runInThisThread, runInWorkers } from './pool.js';
import type { McrgHooks } from './run.js';
import { packageVersions } from './versions.js';

/** How an ensemble was sampled: everything its configurations depend on, and provenance. */
export interface EnsembleHeader {
  readonly model: string;
  /** The linear size L the model was given. */
  readonly size: number;
  /** The lattice's sizes per axis (`model.lattice(size).sizes`). */
  readonly sizes: number[];
  readonly coupling: number;
  readonly sampler: string;
  /** Sampler moves between stored configurations. */
  readonly interval: number;
  /** Sampler moves per chain before the first stored configuration. */
  readonly thermalize: number;
  /** Master seed: chain c sampled with `Rng.stream(seed, 2c)`. */
  readonly seed: number;
  readonly chains: number;
  /** RNG algorithm of the streams. */
  readonly rng: string;
  /** Versions of the packages that sampled it. */
  readonly versions: Record<string, string>;
  /** ISO 8601 time of sampling. */
  readonly createdAt: string;
}

/**
 * Stored configurations of a model, in chain order (chain 0's, then chain 1's, ...; chain c
 * holds `chainSamples(count, chains, c)` of them). `packed` holds `count` configurations of
 * `ceil(volume / 8)` bytes each, in core's `packSpins` layout.
 */
export interface Ensemble {
  readonly header: EnsembleHeader;
  readonly count: number;
  readonly volume: number;
  readonly packed: Uint8Array;
}

/** One chain's configurations from `sampleEnsembleChain`. */
export interface EnsembleChain {
  readonly chain: number;
  /** `chainSamples(samples, chains, chain)` bit-packed configurations. */
  readonly packed: Uint8Array;
  readonly moves: number;
  readonly spinsUpdated: number;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(what);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function headerFrom(d: unknown): EnsembleHeader {
  check(typeof d === 'object' && d !== null, 'no header');
  const h = d as Record<string, unknown>;
  for (const key of ['model', 'sampler', 'rng', 'createdAt'])
    check(typeof h[key] === 'string', `header field '${key}' is not a string`);
  for (const key of ['thermalize', 'seed'])
    check(isCount(h[key]), `header field '${key}' is not a non-negative integer`);
  for (const key of ['size', 'interval', 'chains'])
    check(isCount(h[key]) && h[key] > 0, `header field '${key}' is not a positive integer`);
  check(typeof h.coupling === 'number', "header field 'coupling' is not a number");
  check(
    Array.isArray(h.sizes) && h.sizes.length > 0 && h.sizes.every((L) => isCount(L) && L > 0),
    "header field 'sizes' is not a list of positive integers",
  );
  check(
    typeof h.versions === 'object' &&
      h.versions !== null &&
      Object.values(h.versions).every((v) => typeof v === 'string'),
    "header field 'versions' is not a map of strings",
  );
  return {
    model: h.model as string,
    size: h.size as number,
    sizes: [...(h.sizes as number[])],
    coupling: h.coupling as number,
    sampler: h.sampler as string,
    interval: h.interval as number,
    thermalize: h.thermalize as number,
    seed: h.seed as number,
    chains: h.chains as number,
    rng: h.rng as string,
    versions: { ...(h.versions as Record<string, string>) },
    createdAt: h.createdAt as string,
  };
}

/** Saves and loads ensembles (msgpack; the configurations as one binary field). */
export const ensembleCodec: Codec<Ensemble> = defineCodec<Ensemble>({
  kind: 'ensemble',
  version: 1,
  toData: (e) => ({ header: e.header, count: e.count, volume: e.volume, packed: e.packed }),
  fromData: (d) => {
    check(typeof d === 'object' && d !== null, 'no data');
    const o = d as Record<string, unknown>;
    const header = headerFrom(o.header);
    check(isCount(o.count), "field 'count' is not a non-negative integer");
    const volume = header.sizes.reduce((v, L) => v * L, 1);
    check(o.volume === volume, `field 'volume' is ${String(o.volume)}, the lattice has ${volume} sites`);
    const count = o.count as number;
    const packed = o.packed;
    check(
      packed instanceof Uint8Array && packed.length === count * bytesPerConfiguration(volume),
      `field 'packed' does not hold ${count} configurations of ${volume} spins`,
    );
    // A copy: the decoder's bytes are a view into the input buffer.
    return { header, count, volume, packed: (packed as Uint8Array).slice() };
  },
});

/** Configuration `i` of an ensemble, unpacked into `out` (a new array by default). */
export function ensembleConfiguration(
  e: Ensemble,
  i: number,
  out: Int8Array = new Int8Array(e.volume),
): Int8Array {
  if (!Number.isInteger(i) || i < 0 || i >= e.count) {
    throw new UsageError(`configuration ${i} is not in the ensemble (0..${e.count - 1})`);
  }
  if (out.length !== e.volume)
    throw new UsageError(`output holds ${out.length} spins, the ensemble ${e.volume}`);
  return unpackConfiguration(e.packed, i, out);
}

/**
 * Samples chain `chain` of a sampling setup and packs its kept configurations: exactly those
 * that `runChain` measures for the same sampling parameters (see `walkChain`).
 */
export async function sampleEnsembleChain(
  setup: SamplingSetup,
  chain: number,
  tick?: ChainTick,
): Promise<EnsembleChain> {
  const n = chainSamples(setup.config.samples, setup.config.chains, chain);
  const packed = new Uint8Array(n * bytesPerConfiguration(setup.lattice.volume));
  const { moves, spinsUpdated } = await walkChain(
    setup,
    chain,
    n,
    (spins, k) => packConfiguration(spins, packed, k),
    tick,
  );
  return { chain, packed, moves, spinsUpdated };
}

/**
 * Samples and stores configurations: the chains of `runMcrg` with the same model, size,
 * coupling, sampler, interval, thermalize, seed, chains and samples, so `runMcrg` over the
 * ensemble measures exactly the configurations a sampling run would. Chains run on worker
 * threads when `workers` > 1; the ensemble does not depend on the worker count.
 */
export async function sampleEnsemble(
  registry: Registry,
  config: SamplingConfig,
  hooks: McrgHooks = {},
): Promise<Ensemble> {
  const { signal, onProgress } = hooks;
  signal?.throwIfAborted();
  const setup = prepareSampling(registry, config);
  const { chains, thermalize, interval, samples, workers } = setup.config;
  const total = chains * thermalize + samples * interval;
  let done = 0;
  const tick = (moves: number, phase: 'thermalize' | 'measure') => {
    done += moves;
    onProgress?.({ done, total, phase });
  };
  const parts =
    workers === 1
      ? await runInThisThread(chains, (c, t) => sampleEnsembleChain(setup, c, t), tick, signal)
      : await runInWorkers<EnsembleChain>(
          Math.min(workers, chains),
          chains,
          (chain, port) => ({
            task: { kind: 'sample', sources: registry.sources, config: setup.config, chain, port },
          }),
          tick,
          signal,
        );
  if (done < total) onProgress?.({ done: total, total, phase: 'measure' });
  const packed = new Uint8Array(parts.reduce((s, p) => s + p.packed.length, 0));
  let offset = 0;
  for (const p of parts) {
    packed.set(p.packed, offset);
    offset += p.packed.length;
  }
  const c = setup.config;
  return {
    header: {
      model: c.model,
      size: c.size,
      sizes: [...setup.lattice.sizes],
      coupling: c.coupling,
      sampler: c.sampler,
      interval: c.interval,
      thermalize: c.thermalize,
      seed: c.seed,
      chains: c.chains,
      rng: RNG_ALGORITHM,
      versions: packageVersions(registry.sources),
      createdAt: new Date().toISOString(),
    },
    count: samples,
    volume: setup.lattice.volume,
    packed,
  };
}

/**
 * The configurations a run over `e` measures, as `chunks` bit-packed slices: the first
 * `chainSamples(samples, header.chains, h)` configurations of every stored chain h,
 * concatenated, then cut into contiguous chunks of `chainSamples(samples, chunks, c)`.
 * With chunks = header.chains, chunk c is (a prefix of) stored chain c.
 */
export function ensembleChunks(e: Ensemble, samples: number, chunks: number): Uint8Array[] {
  if (samples > e.count) throw new UsageError(`samples ${samples} is more than the ensemble's ${e.count}`);
  const H = e.header.chains;
  const bytes = bytesPerConfiguration(e.volume);
  const selected = new Uint8Array(samples * bytes);
  let from = 0;
  let to = 0;
  for (let h = 0; h < H; h++) {
    const take = chainSamples(samples, H, h) * bytes;
    selected.set(e.packed.subarray(from, from + take), to);
    to += take;
    from += chainSamples(e.count, H, h) * bytes;
  }
  const out: Uint8Array[] = [];
  let start = 0;
  for (let c = 0; c < chunks; c++) {
    const end = start + chainSamples(samples, chunks, c) * bytes;
    out.push(selected.slice(start, end));
    start = end;
  }
  return out;
}

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
  readonly estimates: ProjectorEstimate[];
  readonly bins: number;
  readonly samples: number;
  readonly levels: number;
  /** Lattice of every level, e.g. ['32×32', '16×16', '8×8', '4×4']. */
  readonly lattices: string[];
  readonly couplings: { readonly even: string[]; readonly odd: string[] };
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
  const pipeline = new MeasurementPipeline(lattice, projector, { even: opts.even, odd: opts.odd }, levels);
  const acc = createAccumulator(
    { levels, blockSize: projector.blockSize, nEven: opts.even.length, nOdd: opts.odd.length },
    bins,
  );
  const rng = Rng.stream(opts.seed, 1);
  const spins: Spins = new Int8Array(e.volume);
  let i = 0;
  for (let k = 0; k < bins; k++) {
    const n = binSamples(e.count, bins, k);
    for (let j = 0; j < n; j++, i++)
      accumulate(acc, k, pipeline.measure(unpackConfiguration(e.packed, i, spins), rng));
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
