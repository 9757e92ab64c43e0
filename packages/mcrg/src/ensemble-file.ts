import { type Codec, defineCodec, MAX_SITES, type SpinEncoding, stateSpins, UsageError } from '@rsrg/core';
import { chainSamples } from './config/partition.js';
import { bytesPerConfiguration, unpackConfiguration } from './packed-configurations.js';

/** How an ensemble was sampled: everything its configurations depend on, and provenance. */
export interface EnsembleHeader {
  /** Model id, e.g. 'ising2d'. */
  readonly model: string;
  /** The model's options, e.g. { q: 3 }; absent for a model without options (all older files). */
  readonly modelOptions?: Readonly<Record<string, string | number | boolean>>;
  /** States per site q of q-state spins, stored in ⌈log₂ q⌉ bits; absent for Ising ±1 (one bit). */
  readonly states?: number;
  /** The linear size L the model was given. */
  readonly size: number;
  /** The lattice's sizes per axis (`model.lattice(size).sizes`). */
  readonly sizes: number[];
  /** The nearest-neighbour coupling K simulated. */
  readonly coupling: number;
  /** Sampler id, e.g. 'wolff'. */
  readonly sampler: string;
  /** Sampler moves between stored configurations. */
  readonly interval: number;
  /** Sampler moves per chain before the first stored configuration. */
  readonly thermalize: number;
  /** Master seed: chain c sampled with `Rng.stream(seed, 2c)`. */
  readonly seed: number;
  /** Independent Markov chains the configurations come from. */
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
  /** How the configurations were sampled. */
  readonly header: EnsembleHeader;
  /** Configurations stored, over all chains. */
  readonly count: number;
  /** Sites per configuration: the product of `header.sizes`. */
  readonly volume: number;
  /** The configurations, bit-packed back to back (see `ensembleConfiguration`). */
  readonly packed: Uint8Array;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(what);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** A registry id, as the registry accepts it. */
const ID = /^[a-z0-9][a-z0-9._-]*$/i;

/** A header value for a message: short, and printable whatever it is. */
function shown(v: unknown): string {
  const text =
    typeof v === 'string' ? `'${v}'` : typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * The header, checked as data: every field of its type and in its range, so that a damaged
 * header is reported as a damaged file naming the field, never passed on as settings that a
 * run would then blame on the user. Ids are checked against a registry by `checkEnsembleHeader`.
 */
function headerFrom(d: unknown): EnsembleHeader {
  check(typeof d === 'object' && d !== null && !Array.isArray(d), 'no header');
  const h = d as Record<string, unknown>;
  for (const key of ['model', 'sampler', 'rng', 'createdAt'])
    check(typeof h[key] === 'string', `header field '${key}' is not a string`);
  for (const key of ['model', 'sampler'])
    check(ID.test(h[key] as string), `header field '${key}' is ${shown(h[key])}, not an id`);
  for (const key of ['thermalize', 'seed'])
    check(isCount(h[key]), `header field '${key}' is ${shown(h[key])}, not a non-negative integer`);
  for (const key of ['size', 'interval', 'chains'])
    check(isCount(h[key]) && h[key] > 0, `header field '${key}' is ${shown(h[key])}, not a positive integer`);
  check(
    typeof h.coupling === 'number' && Number.isFinite(h.coupling),
    `header field 'coupling' is ${shown(h.coupling)}, not a finite number`,
  );
  check(
    Array.isArray(h.sizes) && h.sizes.length > 0 && h.sizes.every((L) => isCount(L) && L > 0),
    "header field 'sizes' is not a list of positive integers",
  );
  const sites = (h.sizes as number[]).reduce((v, L) => v * L, 1);
  check(
    sites <= MAX_SITES,
    `header field 'sizes' is ${(h.sizes as number[]).join('×')}, more sites than a lattice can have`,
  );
  check(
    typeof h.versions === 'object' &&
      h.versions !== null &&
      Object.values(h.versions).every((v) => typeof v === 'string'),
    "header field 'versions' is not a map of strings",
  );
  if (h.modelOptions !== undefined)
    check(
      typeof h.modelOptions === 'object' &&
        h.modelOptions !== null &&
        !Array.isArray(h.modelOptions) &&
        Object.values(h.modelOptions).every((v) => ['string', 'number', 'boolean'].includes(typeof v)),
      "header field 'modelOptions' is not a map of plain values",
    );
  if (h.states !== undefined)
    check(
      isCount(h.states) && h.states >= 2 && h.states <= 256,
      `header field 'states' is ${shown(h.states)}, not an integer in [2, 256]`,
    );
  return {
    model: h.model as string,
    ...(h.modelOptions !== undefined && {
      modelOptions: { ...(h.modelOptions as Record<string, string | number | boolean>) },
    }),
    ...(h.states !== undefined && { states: h.states as number }),
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
    // Every chain kept at least one configuration (sampling refuses fewer samples than chains).
    check(
      header.chains <= count,
      `header field 'chains' is ${header.chains}, more than the ${count} configurations the file holds`,
    );
    const packed = o.packed;
    check(
      packed instanceof Uint8Array &&
        packed.length === count * bytesPerConfiguration(volume, ensembleSpins(header)),
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
  return unpackConfiguration(e.packed, i, out, ensembleSpins(e.header));
}

/**
 * Configurations `from`..`to` − 1 of an ensemble, unpacked one after the other into `out` (a
 * new array by default); returns the part of `out` they fill.
 */
export function ensembleConfigurations(e: Ensemble, from = 0, to = e.count, out?: Int8Array): Int8Array {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || from > to || to > e.count)
    throw new UsageError(`configurations ${from}..${to - 1} are not in the ensemble (0..${e.count - 1})`);
  const v = e.volume;
  const n = (to - from) * v;
  const into = out ?? new Int8Array(n);
  if (into.length < n)
    throw new UsageError(`output holds ${into.length} spins, ${to - from} configurations need ${n}`);
  for (let i = from; i < to; i++)
    ensembleConfiguration(e, i, into.subarray((i - from) * v, (i - from + 1) * v));
  return into.subarray(0, n);
}

/** How an ensemble stores its spins: q-state when its header says `states`, else Ising ±1. */
export function ensembleSpins(h: EnsembleHeader): SpinEncoding | undefined {
  return h.states === undefined ? undefined : stateSpins(h.states);
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
  const bytes = bytesPerConfiguration(e.volume, ensembleSpins(e.header));
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

/** The sampling settings stored in an ensemble header. */
export interface EnsembleSamplingSettings {
  /** Model id. */
  readonly model: string;
  /** The model's options, when it has any. */
  readonly modelOptions?: Readonly<Record<string, string | number | boolean>>;
  /** Linear size L. */
  readonly size: number;
  /** The coupling K. */
  readonly coupling: number;
  /** Sampler id. */
  readonly sampler: string;
  /** Sampler moves between stored configurations. */
  readonly interval: number;
  /** Sampler moves per chain before the first stored configuration. */
  readonly thermalize: number;
  /** Independent Markov chains. */
  readonly chains: number;
}

/** How an ensemble was sampled, as sampling settings: sample more of the same with these. */
export function ensembleSamplingSettings(h: EnsembleHeader): EnsembleSamplingSettings {
  return {
    /** Model id. */
    model: h.model,
    ...(h.modelOptions !== undefined && { modelOptions: h.modelOptions }),
    /** Linear size L. */
    size: h.size,
    /** The coupling K. */
    coupling: h.coupling,
    /** Sampler id. */
    sampler: h.sampler,
    /** Sampler moves between stored configurations. */
    interval: h.interval,
    /** Sampler moves per chain before the first stored configuration. */
    thermalize: h.thermalize,
    /** Independent Markov chains. */
    chains: h.chains,
  };
}
