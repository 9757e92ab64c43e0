/**
 * The campaign HDF5 file (docs/campaigns.md, "HDF5 and .npy"): one per shard, and the merged
 * or single-process result in the same shape. It holds the MCRG bins themselves, so shards
 * merge by concatenating bins and the jackknife runs on the union, plus the estimates and
 * Carlo.jl-style binned observables for readers in Python.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import {
  type EstimateRow as CoreEstimateRow,
  FileFormatError,
  legacySectorExponent,
  type ProjectorOptions,
  RsrgError,
  readFileChecked,
  UsageError,
} from '@rsrg/core';
import { type Accumulator, createAccumulator } from '@rsrg/mcrg';
import type { File, Group } from 'h5wasm/node';
import { writeAtomically } from '../files/atomic-output.js';
import {
  createH5,
  ensureGroup,
  getDataset,
  getGroup,
  getInteger,
  getIntegers,
  getJson,
  getNumber,
  getString,
  has,
  hasAttribute,
  hdf5Reason,
  LayoutError,
  linkName,
  openH5,
  readF64,
  readIntegers,
  readStrings,
  setF64,
  setI64,
  setI64s,
  setString,
  unlinkName,
  writeF64,
  writeI64,
  writeStrings,
} from './h5wasm.js';

/** The value of the root attribute `format` of every rsrg HDF5 file. */
export const H5_FORMAT = 'rsrg';
/** The layout version (root attribute `version`) this package writes and reads. */
export const H5_LAYOUT_VERSION = 1;

/** One projector's bins: its name in the run and the accumulator of every chain of the file. */
export interface CampaignProjector {
  /** The projector's label in the run (its estimates' `projector`). */
  readonly label: string;
  /** Its registry id. */
  readonly id: string;
  /** The options it was created with. */
  readonly options: ProjectorOptions;
  /** Its bins: `binsPerChain` per chain, chains in the order of `chains`. */
  readonly accumulator: Accumulator;
}

/** One row of `/estimates`: core's estimate row, always with its projector. */
export type EstimateRow = CoreEstimateRow & {
  /** The projector's label. */
  readonly projector: string;
};

/** A binned observable, as Carlo.jl stores one: `/observables/<name>/samples` and `bin_length`. */
export interface BinnedObservable {
  /** The bin means, in bin order. */
  readonly samples: Float64Array;
  /** Measurements per bin (when bins differ, see `counts`). */
  readonly binLength: number;
  /** Measurements in each bin, when known: stored as `/observables/<name>/counts`. */
  readonly counts?: readonly number[];
}

/** What a campaign HDF5 file holds. */
export interface CampaignFileContents {
  /** The run's parameters (the plan): stored as a JSON string. */
  readonly parameters: unknown;
  /** The master seed. */
  readonly seed: number;
  /** Versions of the packages that wrote it (root attribute `code_version`, a JSON object). */
  readonly versions: Readonly<Record<string, string>>;
  /** The chains whose bins the file holds, in bin order (a shard: a subset). */
  readonly chains: readonly number[];
  /** Jackknife bins per chain. */
  readonly binsPerChain: number;
  /** Names of the couplings of every level, even (y_t) then odd (y_h). */
  readonly couplings: {
    /** The even couplings (spin-flip symmetric, e.g. nearest-neighbour): they give y_t. */
    readonly even: readonly string[];
    /** The odd couplings (e.g. the field): they give y_h. */
    readonly odd: readonly string[];
  };
  /** Every projector of the run, in order, with its bins. */
  readonly projectors: readonly CampaignProjector[];
  /** The lattice of every level, e.g. ['32×32', '16×16'] (optional). */
  readonly lattices?: readonly string[];
  /** The estimates, when the file's bins were analyzed. */
  readonly estimates?: readonly EstimateRow[];
  /** Binned observables by name. */
  readonly observables?: Readonly<Record<string, BinnedObservable>>;
  /** More root attributes (strings; numbers: int64 when integer, else float64). */
  readonly attributes?: Readonly<Record<string, string | number>>;
}

/** A campaign file as read back. */
export interface CampaignFile extends CampaignFileContents {
  /** The layout version of the file. */
  readonly version: number;
  /** The accumulators of `projectors`, in order (the same objects). */
  readonly accumulators: readonly Accumulator[];
  /** Binned observables by name (none: empty). */
  readonly observables: Readonly<Record<string, BinnedObservable>>;
  /** Root attributes beyond the layout's own (none: empty). */
  readonly attributes: Readonly<Record<string, string | number>>;
}

/** Root attributes the layout itself uses; `attributes` may not take these names. */
const RESERVED = new Set([
  'format',
  'version',
  'kind',
  'code_version',
  'seed',
  'parameters',
  'chains',
  'bins_per_chain',
]);

const KIND = 'mcrg';

/** The group of the projector `label` of a run with `projectors` of them: '/mcrg' for the only one, else '/mcrg/<label>'. */
export function projectorGroupPath(label: string, projectors: number): string {
  return projectors === 1 ? '/mcrg' : `/mcrg/${linkName(label)}`;
}

function levelCount(a: Accumulator): number {
  return a.nEven + a.nOdd;
}

/** Checks what a file would hold before anything is written: UsageErrors in one line. */
function validate(c: CampaignFileContents): void {
  const bad = (what: string) => {
    throw new UsageError(`cannot write the campaign file: ${what}`);
  };
  if (!Number.isSafeInteger(c.seed) || c.seed < 0) bad(`seed ${c.seed} is not a non-negative integer`);
  if (!Number.isSafeInteger(c.binsPerChain) || c.binsPerChain < 1) bad('binsPerChain must be ≥ 1');
  if (c.chains.length === 0) bad('it covers no chain');
  if (!c.chains.every((x) => Number.isSafeInteger(x) && x >= 0)) bad('chains must be non-negative integers');
  if (new Set(c.chains).size !== c.chains.length) bad('a chain is listed twice');
  if (c.projectors.length === 0) bad('no projector');
  const labels = new Set(c.projectors.map((p) => p.label));
  if (labels.size !== c.projectors.length) bad('two projectors share a label');
  const bins = c.chains.length * c.binsPerChain;
  for (const p of c.projectors) {
    const a = p.accumulator;
    if (a.bins !== bins)
      bad(
        `projector '${p.label}' has ${a.bins} bins, ${c.chains.length} chains × ${c.binsPerChain} expected`,
      );
    if (a.nEven !== c.couplings.even.length || a.nOdd !== c.couplings.odd.length)
      bad(`projector '${p.label}' measures ${a.nEven}+${a.nOdd} couplings, the names are for other ones`);
    if (c.lattices && c.lattices.length !== a.levels + 1)
      bad(`${c.lattices.length} lattices given for ${a.levels + 1} levels`);
  }
  for (const key of Object.keys(c.attributes ?? {}))
    if (RESERVED.has(key)) bad(`attribute '${key}' is part of the layout`);
  for (const [name, o] of Object.entries(c.observables ?? {})) {
    if (!Number.isSafeInteger(o.binLength) || o.binLength < 0)
      bad(`observable '${name}': bin_length must be a non-negative integer`);
    if (o.counts && o.counts.length !== o.samples.length)
      bad(`observable '${name}': ${o.counts.length} counts for ${o.samples.length} samples`);
  }
  try {
    JSON.stringify(c.parameters);
  } catch (err) {
    bad(`the parameters are not JSON (${(err as Error).message})`);
  }
}

/** Bin-major rows of level `n`: `width` values per (bin, level) block out of `stride` per bin. */
function levelRows(data: Float64Array, bins: number, stride: number, offset: number, width: number) {
  const out = new Float64Array(bins * width);
  for (let k = 0; k < bins; k++)
    out.set(data.subarray(k * stride + offset, k * stride + offset + width), k * width);
  return out;
}

function writeProjector(group: Group, p: CampaignProjector, lattices?: readonly string[]): void {
  const a = p.accumulator;
  const m = levelCount(a);
  const L1 = a.levels + 1;
  setString(group, 'projector', p.label);
  setString(group, 'projector_id', p.id);
  setString(group, 'projector_options', JSON.stringify(p.options));
  setI64(group, 'levels', a.levels);
  setI64(group, 'block_size', a.blockSize);
  setI64(group, 'n_even', a.nEven);
  setI64(group, 'n_odd', a.nOdd);
  setI64(group, 'bins', a.bins);
  for (let n = 0; n <= a.levels; n++) {
    const level = ensureGroup(group, `level${n}`);
    setI64(level, 'level', n);
    if (lattices) setString(level, 'lattice', lattices[n]);
    writeI64(level, 'count', a.count);
    writeF64(level, 'sum', levelRows(a.sum, a.bins, L1 * m, n * m, m), [a.bins, m]);
    writeF64(level, 'sum_sq', levelRows(a.sumSq, a.bins, L1 * m * m, n * m * m, m * m), [a.bins, m, m]);
    if (n < a.levels) {
      const cross = levelRows(a.sumCross, a.bins, a.levels * m * m, n * m * m, m * m);
      writeF64(level, 'sum_cross', cross, [a.bins, m, m]);
    }
  }
}

function writeContents(file: File, c: CampaignFileContents): void {
  setString(file, 'format', H5_FORMAT);
  setI64(file, 'version', H5_LAYOUT_VERSION);
  setString(file, 'kind', KIND);
  setString(file, 'code_version', JSON.stringify(c.versions));
  setI64(file, 'seed', c.seed);
  setString(file, 'parameters', JSON.stringify(c.parameters) ?? 'null');
  setI64s(file, 'chains', c.chains);
  setI64(file, 'bins_per_chain', c.binsPerChain);
  for (const [key, value] of Object.entries(c.attributes ?? {})) {
    if (typeof value === 'string') setString(file, key, value);
    else if (Number.isSafeInteger(value)) setI64(file, key, value);
    else setF64(file, key, value);
  }

  const mcrg = ensureGroup(file, 'mcrg');
  setString(
    mcrg,
    'projectors',
    JSON.stringify(c.projectors.map(({ label, id, options }) => ({ label, id, options }))),
  );
  setString(mcrg, 'couplings', JSON.stringify({ even: c.couplings.even, odd: c.couplings.odd }));
  if (c.lattices) setString(mcrg, 'lattices', JSON.stringify(c.lattices));
  for (const p of c.projectors) {
    writeProjector(ensureGroup(file, projectorGroupPath(p.label, c.projectors.length)), p, c.lattices);
  }

  if (c.estimates) {
    const e = c.estimates;
    const g = ensureGroup(file, 'estimates');
    writeStrings(
      g,
      'projector',
      e.map((r) => r.projector),
    );
    writeStrings(
      g,
      'sector',
      e.map((r) => r.sector),
    );
    writeStrings(
      g,
      'exponent',
      e.map((r) => r.exponent),
    );
    writeI64(
      g,
      'nr',
      e.map((r) => r.nr),
    );
    writeI64(
      g,
      'nc',
      e.map((r) => r.nc),
    );
    for (const [name, key] of [
      ['y', 'y'],
      ['error', 'error'],
      ['lambda', 'lambda'],
      ['lambda_error', 'lambdaError'],
    ] as const) {
      writeF64(
        g,
        name,
        Float64Array.from(e, (r) => r[key]),
      );
    }
  }

  const observables = Object.entries(c.observables ?? {});
  if (observables.length > 0) {
    const g = ensureGroup(file, 'observables');
    for (const [name, o] of observables) {
      const og = ensureGroup(g, linkName(name));
      setString(og, 'name', name);
      setI64(writeF64(og, 'samples', o.samples), 'bin_length', o.binLength);
      if (o.counts) writeI64(og, 'counts', o.counts);
    }
  }
}

/**
 * Writes a campaign HDF5 file (layout in docs/campaigns.md) atomically: a temporary file in
 * the same directory, synced, then renamed over `path`. Checks the contents first (UsageError,
 * nothing written); a failure to write is an RsrgError naming `options.label` (default the path).
 *
 * @example
 * await writeCampaignFile('run/shards/0.h5', { parameters: plan, seed: 1, versions, chains: [0, 1],
 *   binsPerChain: 16, couplings, projectors: [{ label: 'majority', id: 'majority', options: {}, accumulator }] });
 */
export async function writeCampaignFile(
  path: string,
  contents: CampaignFileContents,
  options: { readonly label?: string } = {},
): Promise<void> {
  validate(contents);
  await writeAtomically(
    path,
    async (temp) => {
      const file = await createH5(temp);
      try {
        writeContents(file, contents);
      } finally {
        file.close();
      }
    },
    options,
  );
}

// ---- reading ----

function readProjector(file: File, path: string, label: string, id: string, options: ProjectorOptions) {
  const g = getGroup(file, path);
  const stored = getString(g, 'projector');
  if (stored !== label) throw new LayoutError(`'${path}' holds projector '${stored}', expected '${label}'`);
  const shape = {
    levels: getInteger(g, 'levels'),
    blockSize: getInteger(g, 'block_size'),
    nEven: getInteger(g, 'n_even'),
    nOdd: getInteger(g, 'n_odd'),
  };
  const bins = getInteger(g, 'bins');
  let a: Accumulator;
  try {
    a = createAccumulator(shape, bins);
  } catch (err) {
    throw new LayoutError(`'${path}': ${(err as Error).message}`);
  }
  const m = levelCount(a);
  const L1 = a.levels + 1;
  const count = readIntegers(g, 'level0/count', [bins]);
  a.count.set(count);
  const place = (target: Float64Array, rows: Float64Array, stride: number, offset: number, width: number) => {
    for (let k = 0; k < bins; k++) target.set(rows.subarray(k * width, (k + 1) * width), k * stride + offset);
  };
  for (let n = 0; n <= a.levels; n++) {
    const level = getGroup(g, `level${n}`);
    const c = readIntegers(level, 'count', [bins]);
    if (c.some((x, k) => x !== count[k]))
      throw new LayoutError(`'${level.path}/count' differs from level 0's`);
    place(a.sum, readF64(level, 'sum', [bins, m]), L1 * m, n * m, m);
    place(a.sumSq, readF64(level, 'sum_sq', [bins, m, m]), L1 * m * m, n * m * m, m * m);
    if (n < a.levels)
      place(a.sumCross, readF64(level, 'sum_cross', [bins, m, m]), a.levels * m * m, n * m * m, m * m);
  }
  return { label, id, options, accumulator: a };
}

function readEstimates(file: File): EstimateRow[] | undefined {
  if (!has(file, 'estimates')) return undefined;
  const g = getGroup(file, 'estimates');
  const sector = readStrings(g, 'sector');
  const n = sector.length;
  const projector = readStrings(g, 'projector', [n]);
  const nr = readIntegers(g, 'nr', [n]);
  const nc = readIntegers(g, 'nc', [n]);
  const [y, error, lambda, lambdaError] = ['y', 'error', 'lambda', 'lambda_error'].map((k) =>
    readF64(g, k, [n]),
  );
  // Files written before models named their sectors hold Ising parities, which fix the exponent.
  const exponent = has(g, 'exponent')
    ? readStrings(g, 'exponent', [n])
    : sector.map((s, i) => {
        const x = legacySectorExponent(s);
        if (x === undefined) throw new LayoutError(`estimate ${i} has sector '${s}'`);
        return x;
      });
  return sector.map((s, i) => {
    const x = exponent[i];
    if (s === '' || (x !== 'y_t' && x !== 'y_h'))
      throw new LayoutError(`estimate ${i} has sector '${s}' and exponent '${x}'`);
    return {
      projector: projector[i],
      sector: s,
      exponent: x,
      nr: nr[i],
      nc: nc[i],
      y: y[i],
      error: error[i],
      lambda: lambda[i],
      lambdaError: lambdaError[i],
    };
  });
}

function readObservables(file: File): Record<string, BinnedObservable> {
  const out: Record<string, BinnedObservable> = {};
  if (!has(file, 'observables')) return out;
  const g = getGroup(file, 'observables');
  for (const key of g.keys()) {
    const og = getGroup(g, key);
    const name = hasAttribute(og, 'name') ? getString(og, 'name') : unlinkName(key);
    const samples = readF64(og, 'samples');
    const counts = has(og, 'counts') ? readIntegers(og, 'counts', [samples.length]) : undefined;
    const binLength = getInteger(getDataset(og, 'samples'), 'bin_length');
    out[name] = { samples, binLength, ...(counts && { counts }) };
  }
  return out;
}

function stringRecord(v: unknown, what: string): Record<string, string> {
  if (
    typeof v !== 'object' ||
    v === null ||
    Array.isArray(v) ||
    !Object.values(v).every((x) => typeof x === 'string')
  )
    throw new LayoutError(`${what} is not a map of strings`);
  return v as Record<string, string>;
}

function stringList(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    throw new LayoutError(`${what} is not a list of names`);
  return v;
}

function readContents(file: File): CampaignFile {
  const format = hasAttribute(file, 'format') ? getString(file, 'format') : undefined;
  if (format !== H5_FORMAT) throw new LayoutError('not an rsrg HDF5 file (no format attribute "rsrg")');
  const version = getInteger(file, 'version');
  if (version > H5_LAYOUT_VERSION)
    throw new LayoutError(`layout version ${version} is newer than this rsrg reads (${H5_LAYOUT_VERSION})`);
  const kind = getString(file, 'kind');
  if (kind !== KIND)
    throw new LayoutError(
      `it holds ${kind === 'ensemble' ? 'an exported ensemble' : `'${kind}'`}, not MCRG bins`,
    );
  const chains = getIntegers(file, 'chains');
  const binsPerChain = getInteger(file, 'bins_per_chain');

  const mcrg = getGroup(file, 'mcrg');
  const listed = getJson(mcrg, 'projectors');
  if (!Array.isArray(listed) || listed.length === 0) throw new LayoutError("'/mcrg' lists no projector");
  const couplingsJson = getJson(mcrg, 'couplings') as { even?: unknown; odd?: unknown } | null;
  const couplings = {
    even: stringList(couplingsJson?.even, "'/mcrg' couplings.even"),
    odd: stringList(couplingsJson?.odd, "'/mcrg' couplings.odd"),
  };
  const lattices = hasAttribute(mcrg, 'lattices')
    ? stringList(getJson(mcrg, 'lattices'), "'/mcrg' lattices")
    : undefined;
  const projectors = listed.map((entry: unknown, i: number) => {
    const e = entry as { label?: unknown; id?: unknown; options?: unknown } | null;
    if (typeof e?.label !== 'string' || typeof e.id !== 'string')
      throw new LayoutError(`projector ${i} of '/mcrg' has no label or id`);
    const options = (
      typeof e.options === 'object' && e.options !== null ? e.options : {}
    ) as ProjectorOptions;
    return readProjector(file, projectorGroupPath(e.label, listed.length), e.label, e.id, options);
  });

  const attributes: Record<string, string | number> = {};
  for (const key of Object.keys(file.attrs)) {
    if (RESERVED.has(key)) continue;
    const v = file.attrs[key].value;
    if (typeof v === 'string') attributes[key] = v;
    else if (typeof v === 'number' || typeof v === 'bigint') attributes[key] = getNumber(file, key);
  }
  const estimates = readEstimates(file);
  const result: CampaignFile = {
    version,
    parameters: getJson(file, 'parameters'),
    seed: getInteger(file, 'seed'),
    versions: stringRecord(getJson(file, 'code_version'), "'code_version'"),
    chains,
    binsPerChain,
    couplings,
    projectors,
    accumulators: projectors.map((p) => p.accumulator),
    ...(lattices && { lattices }),
    ...(estimates && { estimates }),
    observables: readObservables(file),
    attributes,
  };
  const bins = chains.length * binsPerChain;
  for (const p of projectors)
    if (p.accumulator.bins !== bins)
      throw new LayoutError(
        `projector '${p.label}' has ${p.accumulator.bins} bins, ${chains.length} chains × ${binsPerChain} expected`,
      );
  return result;
}

/** The first bytes of an HDF5 file (its superblock at offset 0, as h5wasm writes it). */
const HDF5_SIGNATURE = '\x89HDF\r\n\x1a\n';

/**
 * The first `n` bytes of an input file; the path's own errors (missing, a directory,
 * unreadable) as every rsrg input reports them (core's `readFileChecked`).
 */
export function readHead(path: string, n: number, option?: string): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(n);
    const read = readSync(fd, buffer, 0, n, 0);
    return buffer.subarray(0, read);
  } catch {
    readFileChecked(path, { option }); // throws the one-line error for this path
    throw new RsrgError(`cannot read '${path}'`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Reads a campaign HDF5 file back: parameters, seed, versions, the chains it covers, and one
 * accumulator per projector equal to the one written, bit for bit. Errors are one line naming
 * `options.option` and the path: a missing file is a UsageError, a file that is not one of
 * these (not HDF5, another layout, damaged) a FileFormatError.
 *
 * @example
 * const shard = await readCampaignFile('run/shards/3.h5');
 * shard.chains; // [6, 7]
 * const merged = mergeAccumulators([a.accumulators[0], b.accumulators[0]]);
 */
export async function readCampaignFile(
  path: string,
  options: { readonly option?: string } = {},
): Promise<CampaignFile> {
  const head = readHead(path, 8, options.option);
  const prefix = options.option ? `${options.option}: ` : '';
  if (head.toString('latin1') !== HDF5_SIGNATURE)
    throw new FileFormatError(`${prefix}'${path}' is not an HDF5 file`);
  let file: File | undefined;
  try {
    file = await openH5(path);
    return readContents(file);
  } catch (err) {
    const why = err instanceof LayoutError ? err.message : (hdf5Reason(err) ?? (err as Error).message);
    throw new FileFormatError(`${prefix}'${path}' is not a readable rsrg campaign file: ${why}`);
  } finally {
    file?.close();
  }
}

/** `readCampaignFile` under the name the merge command uses for its inputs. */
export const readShard = readCampaignFile;
