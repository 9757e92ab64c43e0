import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '@rsrg/core';
import { type Accumulator, createAccumulator, type McrgConfig, runMcrg, sampleMcrg } from '@rsrg/mcrg';
import { plugin as modelsPlugin } from '@rsrg/models';
import { plugin as projectorsPlugin } from '@rsrg/projectors';
import { plugin as samplersPlugin } from '@rsrg/samplers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportEnsemble, resultContents, writeCampaignFile, writeResultH5 } from '../src/index.js';
import { ensureH5py, python } from './fixtures/python.js';

// h5py (Debian 12: h5py 3.7 on HDF5 1.10) reads what h5wasm (HDF5 2.0) writes, as documented
// in docs/campaigns.md. apt-get installs h5py when it is missing; the hook waits for it.
beforeAll(ensureH5py, 300_000);

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-py-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const READ_RESULT = `
import h5py, json, math, sys
def num(x):
    x = float(x)
    return None if math.isnan(x) else x
f = h5py.File(sys.argv[1], 'r')
a = f.attrs
e = f['estimates']
projectors = json.loads(f['mcrg'].attrs['projectors'])
groups = {p['label']: ('mcrg' if len(projectors) == 1 else 'mcrg/' + p['label']) for p in projectors}
mcrg = {}
for label, path in groups.items():
    g = f[path]
    levels = int(g.attrs['levels'])
    mcrg[label] = {
        'levels': levels,
        'block_size': int(g.attrs['block_size']),
        'count': [int(c) for c in g['level0/count'][()]],
        'dtypes': {k: str(g['level0'][k].dtype) for k in g['level0']},
        'shapes': {k: list(g['level0'][k].shape) for k in g['level0']},
        'levels_data': [
            {k: [float(x) for x in g['level%d' % n][k][()].ravel()] for k in g['level%d' % n] if k != 'count'}
            for n in range(levels + 1)
        ],
        'mean_nn': float(g['level0/sum'][:, 0].sum() / g['level0/count'][()].sum()),
    }
nn = f['observables/nearest neighbour/samples']
print(json.dumps({
    'format': a['format'], 'version': int(a['version']), 'kind': a['kind'],
    'seed': int(a['seed']), 'chains': [int(c) for c in a['chains']],
    'bins_per_chain': int(a['bins_per_chain']),
    'parameters': json.loads(a['parameters']), 'code_version': json.loads(a['code_version']),
    'estimate_dtypes': {k: str(e[k].dtype) for k in e},
    'estimates': [
        {'projector': p, 'sector': s, 'exponent': x, 'nr': int(r), 'nc': int(c), 'y': num(y), 'error': num(err),
         'lambda': num(l), 'lambdaError': num(le)}
        for p, s, x, r, c, y, err, l, le in zip(e['projector'].asstr()[()], e['sector'].asstr()[()],
            e['exponent'].asstr()[()], e['nr'][()], e['nc'][()], e['y'][()], e['error'][()], e['lambda'][()],
            e['lambda_error'][()])
    ],
    'mcrg': mcrg,
    'nn': {'samples': [float(x) for x in nn[()]], 'bin_length': int(nn.attrs['bin_length'])},
}))
`;

const MERGE_SHARDS = `
import h5py, json, sys, numpy as np
whole = h5py.File(sys.argv[1], 'r')
shards = [h5py.File(p, 'r') for p in sys.argv[2:]]
same = {}
for n in range(int(whole['mcrg/majority'].attrs['levels']) + 1):
    for k in whole['mcrg/majority/level%d' % n]:
        path = 'mcrg/majority/level%d/%s' % (n, k)
        same[path] = bool(np.array_equal(np.concatenate([s[path][()] for s in shards]), whole[path][()]))
print(json.dumps({'chains': [[int(c) for c in s.attrs['chains']] for s in shards], 'same': same}))
`;

type ResultRead = {
  format: string;
  version: number;
  kind: string;
  seed: number;
  chains: number[];
  bins_per_chain: number;
  parameters: unknown;
  code_version: Record<string, string>;
  estimate_dtypes: Record<string, string>;
  estimates: Record<string, unknown>[];
  mcrg: Record<
    string,
    {
      levels: number;
      block_size: number;
      count: number[];
      dtypes: Record<string, string>;
      shapes: Record<string, number[]>;
      levels_data: Record<string, number[]>[];
      mean_nn: number;
    }
  >;
  nn: { samples: number[]; bin_length: number };
};

/** Level n of an accumulator as the layout stores it, flattened: sum, sum_sq, sum_cross. */
function level(a: Accumulator, n: number): Record<string, number[]> {
  const m = a.nEven + a.nOdd;
  const L1 = a.levels + 1;
  const rows = (data: Float64Array, stride: number, offset: number, width: number) =>
    Array.from({ length: a.bins }, (_, k) =>
      Array.from(data.subarray(k * stride + offset, k * stride + offset + width)),
    ).flat();
  return {
    sum: rows(a.sum, L1 * m, n * m, m),
    sum_sq: rows(a.sumSq, L1 * m * m, n * m * m, m * m),
    ...(n < a.levels && { sum_cross: rows(a.sumCross, a.levels * m * m, n * m * m, m * m) }),
  };
}

function sliceChains(a: Accumulator, from: number, to: number, binsPerChain: number): Accumulator {
  const [b0, b1] = [from * binsPerChain, to * binsPerChain];
  const out = createAccumulator(a, b1 - b0);
  const per = (x: Float64Array) => x.length / a.bins;
  out.count.set(a.count.subarray(b0, b1));
  for (const key of ['sum', 'sumSq', 'sumCross'] as const)
    out[key].set(a[key].subarray(b0 * per(a[key]), b1 * per(a[key])));
  return out;
}

describe('h5py reads the campaign file', () => {
  const config: McrgConfig = {
    model: 'ising2d',
    size: 8,
    samples: 600,
    thermalize: 40,
    seed: 11,
    chains: 3,
    binsPerChain: 2,
    workers: 1,
    projectors: [{ id: 'majority' }, { id: 'decimation' }],
  };
  let read: ResultRead;
  let result: Awaited<ReturnType<typeof runMcrg>>;
  let accumulators: readonly Accumulator[];

  beforeAll(async () => {
    const registry = new Registry().use(modelsPlugin).use(samplersPlugin).use(projectorsPlugin);
    const [r, sample] = await Promise.all([runMcrg(registry, config), sampleMcrg(registry, config)]);
    result = r;
    accumulators = sample.accumulators;
    await writeResultH5(join(tmp, 'result.h5'), result, accumulators);
    read = await python<ResultRead>(READ_RESULT, [join(tmp, 'result.h5')]);
  });

  it('root attributes: format, version, kind, seed, chains, parameters and code version', () => {
    expect(read).toMatchObject({
      format: 'rsrg',
      version: 1,
      kind: 'mcrg',
      seed: 11,
      chains: [0, 1, 2],
      bins_per_chain: 2,
      code_version: result.versions,
    });
    expect(read.parameters).toEqual(JSON.parse(JSON.stringify(result.config)));
  });

  it('/estimates: one row per estimate, equal to the run’s, with y_t for even and y_h for odd', () => {
    expect(read.estimate_dtypes).toEqual({
      projector: 'object',
      sector: 'object',
      exponent: 'object',
      nr: 'int64',
      nc: 'int64',
      y: 'float64',
      error: 'float64',
      lambda: 'float64',
      lambda_error: 'float64',
    });
    const nan = (x: number) => (Number.isNaN(x) ? null : x);
    expect(read.estimates).toEqual(
      result.estimates.map((e) => ({
        projector: e.projector,
        sector: e.sector,
        exponent: e.sector === 'even' ? 'y_t' : 'y_h',
        nr: e.nr,
        nc: e.nc,
        y: nan(e.y),
        error: nan(e.error),
        lambda: nan(e.lambda),
        lambdaError: nan(e.lambdaError),
      })),
    );
  });

  it('/mcrg/<projector>/level<n>: the per-bin sums of every projector, exactly', () => {
    expect(Object.keys(read.mcrg)).toEqual(['majority', 'decimation']);
    result.projectors.forEach((p, i) => {
      const a = accumulators[i];
      const got = read.mcrg[p.label];
      const m = a.nEven + a.nOdd;
      expect(got.levels).toBe(a.levels);
      expect(got.block_size).toBe(a.blockSize);
      expect(got.count).toEqual(Array.from(a.count));
      expect(got.dtypes).toEqual({ count: 'int64', sum: 'float64', sum_sq: 'float64', sum_cross: 'float64' });
      expect(got.shapes).toEqual({ count: [6], sum: [6, m], sum_sq: [6, m, m], sum_cross: [6, m, m] });
      for (let n = 0; n <= a.levels; n++) expect(got.levels_data[n]).toEqual(level(a, n));
      let s = 0;
      for (let k = 0; k < a.bins; k++) s += a.sum[k * (a.levels + 1) * m];
      expect(got.mean_nn).toBe(s / result.samples);
    });
  });

  it('/observables/<name>/samples: bin means with bin_length', () => {
    expect(read.nn.bin_length).toBe(100);
    const a = accumulators[0];
    const stride = (a.levels + 1) * (a.nEven + a.nOdd);
    expect(read.nn.samples).toEqual(Array.from(a.count, (n, k) => a.sum[k * stride] / n));
  });

  it('shards concatenate to the whole in numpy, bin for bin', async () => {
    const whole = resultContents(result, accumulators);
    const shard = (from: number, to: number) => ({
      ...whole,
      estimates: undefined,
      chains: whole.chains.slice(from, to),
      projectors: whole.projectors.map((p) => ({
        ...p,
        accumulator: sliceChains(p.accumulator, from, to, whole.binsPerChain),
      })),
      observables: undefined,
    });
    await writeCampaignFile(join(tmp, 'shard0.h5'), shard(0, 2));
    await writeCampaignFile(join(tmp, 'shard1.h5'), shard(2, 3));
    const merged = await python<{ chains: number[][]; same: Record<string, boolean> }>(MERGE_SHARDS, [
      join(tmp, 'result.h5'),
      join(tmp, 'shard0.h5'),
      join(tmp, 'shard1.h5'),
    ]);
    expect(merged.chains).toEqual([[0, 1], [2]]);
    expect(Object.keys(merged.same).length).toBeGreaterThanOrEqual(4);
    expect(Object.values(merged.same).every(Boolean)).toBe(true);
  });

  it('reads an exported 3-D ensemble: int8 [N, L, L, L], gzip, one configuration per chunk', async () => {
    const registry = new Registry().use(modelsPlugin).use(samplersPlugin).use(projectorsPlugin);
    const { sampleEnsemble, ensembleConfiguration } = await import('@rsrg/mcrg');
    const e = await sampleEnsemble(registry, {
      model: 'ising3d',
      size: 4,
      samples: 12,
      thermalize: 10,
      seed: 4,
      chains: 2,
      workers: 1,
    });
    await exportEnsemble(e, { format: 'hdf5', out: join(tmp, 'e3.h5'), batch: 5 });
    await exportEnsemble(e, { format: 'npy', out: join(tmp, 'e3.npy'), batch: 5 });
    const got = await python<Record<string, unknown>>(
      `
import h5py, json, sys, numpy as np
f = h5py.File(sys.argv[1], 'r')
c = f['configs']
n = np.load(sys.argv[2])
print(json.dumps({'shape': list(c.shape), 'dtype': str(c.dtype), 'chunks': list(c.chunks),
  'compression': c.compression, 'first': int(c[0].sum()), 'sums': [int(x) for x in c[()].reshape(len(c), -1).sum(axis=1)],
  'corner': int(c[3, 1, 2, 3]), 'npy_shape': list(n.shape), 'npy_dtype': str(n.dtype), 'same': bool(np.array_equal(n, c[()])),
  'sizes': [int(x) for x in f.attrs['sizes']], 'model': f.attrs['model']}))
`,
      [join(tmp, 'e3.h5'), join(tmp, 'e3.npy')],
    );
    const configs = Array.from({ length: e.count }, (_, i) => ensembleConfiguration(e, i));
    const sum = (s: Int8Array) => s.reduce((t, x) => t + x, 0);
    expect(got).toEqual({
      shape: [12, 4, 4, 4],
      dtype: 'int8',
      chunks: [1, 4, 4, 4],
      compression: 'gzip',
      first: sum(configs[0]),
      sums: configs.map(sum),
      // configs[3, x, y, z] is the spin at lattice.index([x, y, z]) = 16x + 4y + z.
      corner: configs[3][16 * 1 + 4 * 2 + 3],
      npy_shape: [12, 4, 4, 4],
      npy_dtype: 'int8',
      same: true,
      sizes: [4, 4, 4],
      model: 'ising3d',
    });
  });
});
