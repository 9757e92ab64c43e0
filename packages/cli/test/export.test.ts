import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeResultH5 } from '@rsrg/campaigns';
import { Registry } from '@rsrg/core';
import { ensembleCodec, ensembleConfiguration, runMcrg, sampleMcrg } from '@rsrg/mcrg';
import { plugin as modelsPlugin } from '@rsrg/models';
import { plugin as projectorsPlugin } from '@rsrg/projectors';
import { plugin as samplersPlugin } from '@rsrg/samplers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureH5py, python } from '../../campaigns/test/fixtures/python.js';
import { main } from '../src/index.js';
import { expectOneLineError, type Run, rsrg } from './fixtures/run-rsrg.js';

// The Python side is Debian's h5py and numpy, installed by apt-get when missing.
beforeAll(ensureH5py, 300_000);

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-export-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const READ_EXPORTS = `
import h5py, json, sys, numpy as np
f = h5py.File(sys.argv[1], 'r')
c = f['configs']
n = np.load(sys.argv[2])
a = f.attrs
print(json.dumps({
  'h5': {'shape': list(c.shape), 'dtype': str(c.dtype), 'chunks': list(c.chunks), 'compression': c.compression,
         'first': int(c[0].sum()), 'total': int(c[()].astype(np.int64).sum()), 'values': sorted(int(v) for v in np.unique(c[()]))},
  'npy': {'shape': list(n.shape), 'dtype': str(n.dtype), 'first': int(n[0].sum()), 'same': bool(np.array_equal(n, c[()]))},
  'attrs': {'format': a['format'], 'kind': a['kind'], 'model': a['model'], 'seed': int(a['seed']),
            'coupling': float(a['coupling']), 'sampler': a['sampler'], 'interval': int(a['interval']),
            'thermalize': int(a['thermalize']), 'chains': int(a['chains']), 'sizes': [int(x) for x in a['sizes']],
            'chain_counts': [int(x) for x in a['chain_counts']], 'rng': a['rng'],
            'parameters': json.loads(a['parameters'])},
}))
`;

const READ_ESTIMATES = `
import h5py, json, math, sys
def num(x):
    x = float(x)
    return None if math.isnan(x) else x
f = h5py.File(sys.argv[1], 'r')
e = f['estimates']
print(json.dumps({
  'groups': sorted(f['mcrg'].keys()),
  'estimates': [{'sector': s, 'nr': int(r), 'nc': int(c), 'y': num(y), 'error': num(err)}
                for s, r, c, y, err in zip(e['sector'].asstr()[()], e['nr'][()], e['nc'][()], e['y'][()], e['error'][()])],
  'bin_sum': float(f['mcrg/level1/sum'][2, 0]),
}))
`;

describe('rsrg export', () => {
  beforeAll(async () => {
    const r = await rsrg(tmp, [
      'sample',
      '--model',
      'ising2d',
      '--size',
      '8',
      '--samples',
      '90',
      '--chains',
      '3',
      '--thermalize',
      '50',
      '--seed',
      '13',
      '--workers',
      '1',
      '--out',
      'e.rsrg',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('writes HDF5 and .npy that h5py and numpy read as the ensemble’s configurations', async () => {
    const [h5, npy] = await Promise.all([
      rsrg(tmp, ['export', 'e.rsrg', '--format', 'hdf5', '--out', 'e.h5', '--json']),
      rsrg(tmp, ['export', 'e.rsrg', '--out', 'out/e.npy']),
    ]);
    expect(h5.stderr).toBe('');
    expect(h5.code).toBe(0);
    expect(npy.stderr).toBe('');
    expect(npy.code).toBe(0);
    const doc = JSON.parse(h5.stdout);
    expect(doc).toMatchObject({
      command: 'export',
      format: 'hdf5',
      out: join(tmp, 'e.h5'),
      shape: [90, 8, 8],
      dtype: 'int8',
      count: 90,
    });
    expect(npy.stdout).toMatch(/int8 \[90, 8, 8\]/);
    expect(existsSync(join(tmp, 'out', 'e.npy.json'))).toBe(true);

    const e = ensembleCodec.decode(readFileSync(join(tmp, 'e.rsrg')));
    const configs = Array.from({ length: e.count }, (_, i) => ensembleConfiguration(e, i));
    const sum = (s: Int8Array) => s.reduce((t, x) => t + x, 0);
    const got = await python<Record<string, Record<string, unknown>>>(READ_EXPORTS, [
      join(tmp, 'e.h5'),
      join(tmp, 'out', 'e.npy'),
    ]);
    expect(got.h5).toEqual({
      shape: [90, 8, 8],
      dtype: 'int8',
      chunks: [1, 8, 8],
      compression: 'gzip',
      first: sum(configs[0]),
      total: configs.reduce((t, s) => t + sum(s), 0),
      values: [-1, 1],
    });
    expect(got.npy).toEqual({ shape: [90, 8, 8], dtype: 'int8', first: sum(configs[0]), same: true });
    expect(got.attrs).toEqual({
      format: 'rsrg',
      kind: 'ensemble',
      model: 'ising2d',
      seed: 13,
      coupling: e.header.coupling,
      sampler: e.header.sampler,
      interval: e.header.interval,
      thermalize: 50,
      chains: 3,
      sizes: [8, 8],
      chain_counts: [30, 30, 30],
      rng: e.header.rng,
      parameters: JSON.parse(JSON.stringify(e.header)),
    });
    const sidecar = JSON.parse(readFileSync(join(tmp, 'out', 'e.npy.json'), 'utf8'));
    expect(sidecar).toMatchObject({
      model: 'ising2d',
      seed: 13,
      shape: [90, 8, 8],
      dtype: 'int8',
      file: 'e.npy',
    });
  });

  it('refuses, in one line, an output that is the input, a missing input, a bad format, a damaged file', async () => {
    const before = readFileSync(join(tmp, 'e.rsrg'));
    writeFileSync(join(tmp, 'bad.rsrg'), 'not an ensemble');
    writeFileSync(join(tmp, 'meta.npy.json'), before);
    // In this process (main with its own streams): these fail before any HDF5 is written.
    const run = async (args: string[]): Promise<Run> => {
      let stdout = '';
      let stderr = '';
      const code = await main(args, {
        stdout: (t) => {
          stdout += t;
        },
        stderr: (t) => {
          stderr += t;
        },
        env: {},
        cwd: tmp,
      });
      return { code, stdout, stderr };
    };
    const runs = await Promise.all([
      run(['export', 'e.rsrg', '--format', 'hdf5', '--out', './e.rsrg']),
      run(['export', 'e.rsrg', '--out', 'e.rsrg']),
      run(['export', 'nope.rsrg', '--out', 'x.h5']),
      run(['export', 'e.rsrg', '--format', 'csv', '--out', 'x.csv']),
      run(['export', 'e.rsrg', '--out', 'x.bin']),
      run(['export', 'bad.rsrg', '--out', 'x.h5']),
      run(['export', 'e.rsrg', '--format', 'npy']),
      run(['export', 'meta.npy.json', '--out', 'meta.npy']),
    ]);
    expectOneLineError(
      runs[0],
      2,
      /--out '.*e\.rsrg' is the same file as the ensemble file .*: refusing to overwrite an input/,
    );
    expectOneLineError(runs[1], 2, /refusing to overwrite an input/);
    expectOneLineError(runs[2], 2, /ensemble file: no such file '.*nope\.rsrg'/);
    expectOneLineError(runs[3], 2, /argument 'csv' is invalid\. Allowed choices are hdf5, npy/);
    expectOneLineError(runs[4], 2, /--format is needed: hdf5 or npy/);
    expectOneLineError(runs[5], 1, /bad\.rsrg/);
    expectOneLineError(runs[6], 2, /--out/);
    expectOneLineError(
      runs[7],
      2,
      /the --out sidecar '.*meta\.npy\.json' is the same file as the ensemble file/,
    );
    expect(readFileSync(join(tmp, 'e.rsrg')).equals(before)).toBe(true);
    expect(existsSync(join(tmp, 'x.h5'))).toBe(false);
  });
});

describe('result.h5 in Python', () => {
  it('holds the estimates that rsrg mcrg --json prints, bit for bit', async () => {
    const args = { size: 8, samples: 1024, thermalize: 100, seed: 3, chains: 2, bins: 4 };
    const cli = await rsrg(tmp, [
      'mcrg',
      ...Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)]),
      '--workers',
      '1',
      '--json',
    ]);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const printed = JSON.parse(cli.stdout) as {
      estimates: { sector: string; nr: number; nc: number; y: number | null; error: number | null }[];
    };

    const registry = new Registry().use(modelsPlugin).use(samplersPlugin).use(projectorsPlugin);
    const config = {
      model: 'ising2d',
      size: args.size,
      samples: args.samples,
      thermalize: args.thermalize,
      seed: args.seed,
      chains: args.chains,
      binsPerChain: args.bins,
      workers: 1,
    };
    const [result, sample] = await Promise.all([runMcrg(registry, config), sampleMcrg(registry, config)]);
    const path = join(tmp, 'run', 'result.h5');
    mkdirSync(join(tmp, 'run'));
    await writeResultH5(path, result, sample.accumulators);
    expect(statSync(path).size).toBeGreaterThan(0);

    const got = await python<{
      groups: string[];
      estimates: typeof printed.estimates;
      bin_sum: number;
    }>(READ_ESTIMATES, [path]);
    expect(got.groups).toEqual(expect.arrayContaining(['level0', 'level1']));
    expect(got.estimates).toEqual(
      printed.estimates.map(({ sector, nr, nc, y, error }) => ({ sector, nr, nc, y, error })),
    );
    // Σ over bin 2 of the level-1 nearest-neighbour coupling: sum[(k·(levels+1) + n)·m + α].
    const a = sample.accumulators[0];
    const m = a.nEven + a.nOdd;
    expect(got.bin_sum).toBe(a.sum[(2 * (a.levels + 1) + 1) * m]);
  });
});
