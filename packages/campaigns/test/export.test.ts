import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '@rsrg/core';
import { type Ensemble, ensembleConfiguration, sampleEnsemble } from '@rsrg/mcrg';
import { plugin as modelsPlugin } from '@rsrg/models';
import { plugin as projectorsPlugin } from '@rsrg/projectors';
import { plugin as samplersPlugin } from '@rsrg/samplers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openH5 } from '../src/hdf5/h5wasm.js';
import { decodeNpy, encodeNpy, exportEnsemble, npyHeader, readCampaignFile } from '../src/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-export-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('.npy', () => {
  it('writes a v1.0 header padded to a multiple of 64 bytes, ending in a newline', () => {
    for (const shape of [[3], [0, 4, 4], [1000, 128, 128, 128], []]) {
      const h = npyHeader('|i1', shape);
      expect(h.length % 64).toBe(0);
      expect(Array.from(h.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      expect(h[8] | (h[9] << 8)).toBe(h.length - 10);
      const text = Buffer.from(h.subarray(10)).toString('latin1');
      expect(text.endsWith('\n')).toBe(true);
      const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
      expect(text.trimEnd()).toBe(`{'descr': '|i1', 'fortran_order': False, 'shape': ${tuple}, }`);
    }
  });

  it('round-trips int8 and float64 arrays, float64 bit for bit', () => {
    const i8 = Int8Array.from([1, -1, -1, 1, 1, 1]);
    const back = decodeNpy(encodeNpy(i8, [2, 3]));
    expect(back).toEqual({ dtype: '|i1', shape: [2, 3], data: i8 });
    const f8 = Float64Array.from([Math.PI, -0, Number.NaN, Number.MIN_VALUE, 1e308]);
    const bytes = encodeNpy(f8, [5]);
    expect(Buffer.from(bytes.subarray(bytes.length - 40)).equals(Buffer.from(f8.buffer))).toBe(true);
    expect(decodeNpy(bytes).data).toEqual(f8);
    expect(() => encodeNpy(f8, [2, 2])).toThrow(/holds 4 values, not 5/);
  });
});

describe('exportEnsemble', () => {
  let e2: Ensemble;
  let e3: Ensemble;

  beforeAll(async () => {
    const registry = new Registry().use(modelsPlugin).use(samplersPlugin).use(projectorsPlugin);
    // 6×6: 36 spins, not a multiple of 8, so the last byte of each packed configuration is partial.
    e2 = await sampleEnsemble(registry, {
      model: 'ising2d',
      size: 6,
      samples: 41,
      thermalize: 20,
      interval: 1,
      seed: 9,
      chains: 3,
      workers: 1,
    });
    e3 = await sampleEnsemble(registry, {
      model: 'ising3d',
      size: 4,
      samples: 10,
      thermalize: 10,
      seed: 2,
      chains: 2,
      workers: 1,
    });
  });

  /** All configurations, unpacked, back to back. */
  const unpacked = (e: Ensemble) => {
    const out = new Int8Array(e.count * e.volume);
    for (let i = 0; i < e.count; i++) out.set(ensembleConfiguration(e, i), i * e.volume);
    return out;
  };

  it('writes /configs as int8 [N, L, L], gzip, one configuration per chunk, with the header as attributes', async () => {
    const out = join(tmp, 'e2.h5');
    // A batch of 7 configurations: the dataset is created, then extended five times.
    const summary = await exportEnsemble(e2, { format: 'hdf5', out, batch: 7 });
    expect(summary).toEqual({ format: 'hdf5', out, shape: [41, 6, 6], dtype: 'int8', count: 41 });
    const f = await openH5(out);
    try {
      const configs = f.get('configs') as unknown as {
        shape: number[];
        dtype: string;
        value: Int8Array;
        filters: { name: string }[];
        metadata: { chunks: number[] };
      };
      expect(configs.shape).toEqual([41, 6, 6]);
      expect(configs.dtype).toBe('<b');
      expect(configs.metadata.chunks).toEqual([1, 6, 6]);
      expect(configs.filters.map((x) => x.name)).toEqual(['deflate']);
      expect(configs.value).toEqual(unpacked(e2));
      const attr = (k: string) => f.attrs[k].value;
      expect(attr('format')).toBe('rsrg');
      expect(attr('kind')).toBe('ensemble');
      expect(attr('model')).toBe('ising2d');
      expect(attr('sampler')).toBe(e2.header.sampler);
      expect(attr('coupling')).toBe(e2.header.coupling);
      expect(attr('seed')).toBe(9n);
      expect(Array.from(attr('sizes') as BigInt64Array)).toEqual([6n, 6n]);
      expect(Array.from(attr('chain_counts') as BigInt64Array)).toEqual([14n, 14n, 13n]);
      expect(attr('rng')).toBe(e2.header.rng);
      expect(JSON.parse(attr('parameters') as string)).toEqual(e2.header);
      expect(JSON.parse(attr('code_version') as string)).toEqual(e2.header.versions);
    } finally {
      f.close();
    }
    // An ensemble export is not a campaign file, and the reader says so.
    await expect(readCampaignFile(out)).rejects.toThrow(/holds an exported ensemble, not MCRG bins/);
  });

  it('writes a 3-D ensemble as [N, L, L, L]', async () => {
    const out = join(tmp, 'e3.h5');
    await exportEnsemble(e3, { format: 'hdf5', out });
    const f = await openH5(out);
    try {
      const configs = f.get('configs') as unknown as { shape: number[]; value: Int8Array };
      expect(configs.shape).toEqual([10, 4, 4, 4]);
      expect(configs.value).toEqual(unpacked(e3));
    } finally {
      f.close();
    }
  });

  it('writes the same array as .npy, streamed in batches, with the metadata in <out>.json', async () => {
    const out = join(tmp, 'e2.npy');
    const summary = await exportEnsemble(e2, { format: 'npy', out, batch: 5 });
    expect(summary.sidecar).toBe(`${out}.json`);
    const npy = decodeNpy(readFileSync(out));
    expect(npy.dtype).toBe('|i1');
    expect(npy.shape).toEqual([41, 6, 6]);
    expect(npy.data).toEqual(unpacked(e2));
    expect(statSync(out).size).toBe(128 + 41 * 36);
    const meta = JSON.parse(readFileSync(`${out}.json`, 'utf8'));
    expect(meta).toMatchObject({
      format: 'rsrg',
      kind: 'ensemble',
      model: 'ising2d',
      seed: 9,
      sizes: [6, 6],
      chains: 3,
      chainCounts: [14, 14, 13],
      count: 41,
      dtype: 'int8',
      shape: [41, 6, 6],
      file: 'e2.npy',
    });
    const e3npy = join(tmp, 'e3.npy');
    await exportEnsemble(e3, { format: 'npy', out: e3npy });
    expect(decodeNpy(readFileSync(e3npy)).shape).toEqual([10, 4, 4, 4]);
  });

  it('exports an empty ensemble as an empty array', async () => {
    const empty: Ensemble = { ...e2, count: 0, packed: new Uint8Array(0) };
    const out = join(tmp, 'empty.h5');
    await exportEnsemble(empty, { format: 'hdf5', out });
    const f = await openH5(out);
    try {
      expect((f.get('configs') as unknown as { shape: number[] }).shape).toEqual([0, 6, 6]);
    } finally {
      f.close();
    }
    await exportEnsemble(empty, { format: 'npy', out: join(tmp, 'empty.npy') });
    expect(decodeNpy(readFileSync(join(tmp, 'empty.npy'))).shape).toEqual([0, 6, 6]);
  });

  it('refuses an unknown format or gzip level', async () => {
    await expect(exportEnsemble(e2, { format: 'csv' as 'npy', out: join(tmp, 'x') })).rejects.toThrow(
      /unknown export format 'csv'/,
    );
    await expect(exportEnsemble(e2, { format: 'hdf5', out: join(tmp, 'x'), gzip: 11 })).rejects.toThrow(
      /gzip/,
    );
  });
});
