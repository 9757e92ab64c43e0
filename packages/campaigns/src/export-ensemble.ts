/**
 * Ensembles for numpy and h5py: the configurations of an ensemble file as an int8 array of
 * shape [N, ...sizes] (C order: `configs[i, x₀, …]` is the spin at `lattice.index([x₀, …])`
 * of configuration i; chain 0's configurations first), in HDF5 or .npy.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { UsageError, writeFileAtomic } from '@rsrg/core';
import { chainSamples, type Ensemble, ensembleConfigurations } from '@rsrg/mcrg';
import { writeAtomically } from './files/atomic-output.js';
import { H5_FORMAT, H5_LAYOUT_VERSION } from './hdf5/campaign-file.js';
import { createH5, setF64, setI64, setI64s, setString } from './hdf5/h5wasm.js';
import { npyData, npyHeader } from './npy.js';

/** The formats `exportEnsemble` writes. */
export type ExportFormat = 'hdf5' | 'npy';

/** Options of `exportEnsemble`. */
export interface ExportOptions {
  /** 'hdf5' (`/configs` with the metadata as attributes) or 'npy' (plus a JSON sidecar). */
  readonly format: ExportFormat;
  /** The file to write (replaced atomically); the .npy sidecar is `<out>.json`. */
  readonly out: string;
  /** How `out` is named in error messages (default: the path), e.g. `--out file x.h5`. */
  readonly label?: string;
  /** gzip level of the HDF5 dataset, 0–9 (default 4). */
  readonly gzip?: number;
  /** Aborted before the file is complete: the export throws its reason and leaves no output. */
  readonly signal?: AbortSignal;
  /** Configurations unpacked and written at a time (default: about 16 MiB of int8). */
  readonly batch?: number;
}

/** What `exportEnsemble` wrote. */
export interface ExportSummary {
  /** The format written. */
  readonly format: ExportFormat;
  /** The file written. */
  readonly out: string;
  /** The .npy export's metadata file, `<out>.json`. */
  readonly sidecar?: string;
  /** Shape of the array: [configurations, ...lattice sizes]. */
  readonly shape: number[];
  /** Always 'int8': ±1 spins. */
  readonly dtype: 'int8';
  /** Configurations written. */
  readonly count: number;
}

/**
 * Configurations unpacked per batch: about 2 MiB of int8 at a time, however large the ensemble;
 * between batches a stop request (Ctrl-C) is heard.
 */
const BATCH_BYTES = 1 << 21;

/** Lets a pending signal handler run, then throws if the export was asked to stop. */
async function checkStop(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  signal.throwIfAborted();
}

/** The ensemble's metadata as the export records it (HDF5 root attributes; the .npy sidecar). */
export function ensembleMetadata(e: Ensemble) {
  const h = e.header;
  return {
    /** Always 'rsrg': marks an rsrg file. */
    format: H5_FORMAT,
    /** The rsrg HDF5 layout version. */
    version: H5_LAYOUT_VERSION,
    /** Always 'ensemble': what the file holds. */
    kind: 'ensemble',
    /** Model id, e.g. 'ising2d'. */
    model: h.model,
    /** The linear size L the model was given. */
    size: h.size,
    /** The lattice's sizes per axis: the trailing dimensions of the array. */
    sizes: [...h.sizes],
    /** The nearest-neighbour coupling K simulated. */
    coupling: h.coupling,
    /** Sampler id, e.g. 'wolff'. */
    sampler: h.sampler,
    /** Master seed: chain c sampled with `Rng.stream(seed, 2c)`. */
    seed: h.seed,
    /** Sampler moves between stored configurations. */
    interval: h.interval,
    /** Sampler moves per chain before the first stored configuration. */
    thermalize: h.thermalize,
    /** Independent Markov chains the configurations come from. */
    chains: h.chains,
    /** Configurations per chain, in order: chain c's rows follow chains 0..c-1's. */
    chainCounts: Array.from({ length: h.chains }, (_, c) => chainSamples(e.count, h.chains, c)),
    /** Configurations in all: the array's first dimension. */
    count: e.count,
    /** RNG algorithm of the streams. */
    rng: h.rng,
    /** ISO 8601 time of sampling. */
    createdAt: h.createdAt,
    /** Versions of the packages that sampled the ensemble. */
    versions: { ...h.versions },
  };
}

function defaultBatch(e: Ensemble): number {
  return Math.max(1, Math.floor(BATCH_BYTES / Math.max(1, e.volume)));
}

async function writeHdf5(
  e: Ensemble,
  temp: string,
  gzip: number,
  batch: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const meta = ensembleMetadata(e);
  const file = await createH5(temp);
  try {
    setString(file, 'format', meta.format);
    setI64(file, 'version', meta.version);
    setString(file, 'kind', meta.kind);
    setString(file, 'code_version', JSON.stringify(meta.versions));
    setI64(file, 'seed', meta.seed);
    setString(file, 'parameters', JSON.stringify(e.header));
    setString(file, 'model', meta.model);
    setI64(file, 'size', meta.size);
    setI64s(file, 'sizes', meta.sizes);
    setF64(file, 'coupling', meta.coupling);
    setString(file, 'sampler', meta.sampler);
    setI64(file, 'interval', meta.interval);
    setI64(file, 'thermalize', meta.thermalize);
    setI64(file, 'chains', meta.chains);
    setI64s(file, 'chain_counts', meta.chainCounts);
    setI64(file, 'count', meta.count);
    setString(file, 'rng', meta.rng);
    setString(file, 'created_at', meta.createdAt);
    const sizes = meta.sizes;
    const buffer = new Int8Array(Math.min(batch, Math.max(1, e.count)) * e.volume);
    // One configuration per chunk; the first batch creates the dataset, later ones extend it.
    const first = Math.min(batch, e.count);
    const configs = file.create_dataset({
      name: 'configs',
      data: ensembleConfigurations(e, 0, first, buffer),
      shape: [first, ...sizes],
      maxshape: [e.count, ...sizes],
      dtype: '<b',
      chunks: [1, ...sizes],
      ...(gzip > 0 && { compression: 'gzip' as const, compression_opts: gzip }),
    });
    for (let from = first; from < e.count; from += batch) {
      await checkStop(signal);
      const to = Math.min(from + batch, e.count);
      configs.resize([to, ...sizes]);
      configs.write_slice([[from, to]], ensembleConfigurations(e, from, to, buffer));
    }
    const q = e.header.states;
    setString(configs, 'values', q === undefined ? 'spins: +1 up, -1 down' : `states 0…${q - 1} (q = ${q})`);
  } finally {
    file.close();
  }
}

async function writeNpyStream(
  e: Ensemble,
  temp: string,
  batch: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const fd = openSync(temp, 'wx', 0o666);
  try {
    const write = (bytes: Uint8Array) => {
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    };
    write(npyHeader('|i1', [e.count, ...e.header.sizes]));
    const buffer = new Int8Array(Math.min(batch, Math.max(1, e.count)) * e.volume);
    for (let from = 0; from < e.count; from += batch) {
      await checkStop(signal);
      write(npyData(ensembleConfigurations(e, from, Math.min(from + batch, e.count), buffer)));
    }
  } finally {
    closeSync(fd);
  }
}

/** After the temp file is written, before it becomes the output: an abort leaves no output. */
async function finish(written: void | Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  await written;
  signal?.throwIfAborted();
}

/**
 * Writes the configurations of `ensemble` for numpy and h5py: int8 ±1, shape [N, ...sizes]
 * (from the header's lattice sizes), in chain order. HDF5: dataset `/configs`, gzip, one
 * configuration per chunk, with the header as root attributes (model, coupling, sampler,
 * seed, sizes, interval, thermalize, chains, chain_counts, rng, …). npy: the same array in a
 * .npy v1.0 file, and the metadata in `<out>.json`. Both are written atomically and in
 * batches, so the unpacked array never has to fit in memory at once. h5wasm must be able to
 * create the file: give a path on the local file system.
 *
 * @example
 * const { value: ensemble } = readCodecFile('e.rsrg', ensembleCodec);
 * await exportEnsemble(ensemble, { format: 'hdf5', out: 'e.h5' });
 * // python: h5py.File('e.h5')['configs'][0].sum()
 */
export async function exportEnsemble(ensemble: Ensemble, options: ExportOptions): Promise<ExportSummary> {
  const { format, out } = options;
  const gzip = options.gzip ?? 4;
  if (format !== 'hdf5' && format !== 'npy')
    throw new UsageError(`unknown export format '${String(format)}' (known: hdf5, npy)`);
  if (!Number.isInteger(gzip) || gzip < 0 || gzip > 9)
    throw new UsageError(`gzip level must be 0–9, got ${gzip}`);
  const batch = options.batch ?? defaultBatch(ensemble);
  if (!Number.isSafeInteger(batch) || batch < 1)
    throw new UsageError(`batch must be a positive integer, got ${batch}`);
  const label = options.label ?? out;
  const shape = [ensemble.count, ...ensemble.header.sizes];
  if (format === 'hdf5') {
    await writeAtomically(
      out,
      (temp) => finish(writeHdf5(ensemble, temp, gzip, batch, options.signal), options.signal),
      {
        label,
      },
    );
    return { format, out, shape, dtype: 'int8', count: ensemble.count };
  }
  await writeAtomically(
    out,
    (temp) => finish(writeNpyStream(ensemble, temp, batch, options.signal), options.signal),
    {
      label,
    },
  );
  const sidecar = `${out}.json`;
  const meta = {
    ...ensembleMetadata(ensemble),
    file: out.split(/[\\/]/).pop(),
    dtype: 'int8',
    shape,
    order: 'C: configs[i, x0, ...] is the spin at lattice site (x0, ...) of configuration i, chains in order',
  };
  writeFileAtomic(sidecar, `${JSON.stringify(meta, null, 2)}\n`, { label: `${label}.json` });
  return { format, out, sidecar, shape, dtype: 'int8', count: ensemble.count };
}
