import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFormatError, Registry, RsrgError, UsageError } from '@rsrg/core';
import {
  type Accumulator,
  analyze,
  createAccumulator,
  type McrgConfig,
  mergeAccumulators,
  runMcrg,
  sampleMcrg,
} from '@rsrg/mcrg';
import { plugin as modelsPlugin } from '@rsrg/models';
import { plugin as projectorsPlugin } from '@rsrg/projectors';
import { plugin as samplersPlugin } from '@rsrg/samplers';
import { afterAll, describe, expect, it } from 'vitest';
import { openH5 } from '../src/hdf5/h5wasm.js';
import {
  type CampaignFileContents,
  couplingObservables,
  readCampaignFile,
  readShard,
  writeAtomically,
  writeCampaignFile,
  writeResultH5,
} from '../src/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-h5-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An accumulator whose sums are random float64 bit patterns (NaN payloads, −0, subnormals). */
function randomAccumulator(levels: number, nEven: number, nOdd: number, bins: number): Accumulator {
  const a = createAccumulator({ levels, blockSize: 2, nEven, nOdd }, bins);
  for (const arr of [a.sum, a.sumSq, a.sumCross]) {
    new Uint8Array(arr.buffer).set(randomBytes(arr.byteLength));
  }
  a.sum[0] = -0;
  if (a.sum.length > 1) a.sum[1] = Number.MIN_VALUE;
  for (let k = 0; k < bins; k++) a.count[k] = 1000 + Math.floor(Math.random() * 2 ** 40);
  return a;
}

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function expectSameBits(actual: Accumulator, expected: Accumulator): void {
  expect(actual).toEqual(expected);
  for (const key of ['count', 'sum', 'sumSq', 'sumCross'] as const) {
    expect(bytes(actual[key]).equals(bytes(expected[key])), key).toBe(true);
  }
}

const couplings = { even: ['nearest neighbour', 'next-nearest (1,1)'], odd: ['magnetization'] };

function contents(chains: number[], projectors: string[], binsPerChain = 3): CampaignFileContents {
  return {
    parameters: { model: 'ising2d', size: 16, samples: 1234, note: 'ünïcode ✓' },
    seed: 2 ** 40 + 7,
    versions: { '@rsrg/core': '0.1.0', '@rsrg/mcrg': '0.1.0' },
    chains,
    binsPerChain,
    couplings,
    lattices: ['16×16', '8×8', '4×4'],
    projectors: projectors.map((label, i) => ({
      label,
      id: i === 0 ? 'majority' : 'decimation',
      options: i === 0 ? {} : { w: 0.5 },
      accumulator: randomAccumulator(2, 2, 1, chains.length * binsPerChain),
    })),
    estimates: [
      {
        projector: projectors[0],
        sector: 'even',
        exponent: 'y_t',
        nr: 1,
        nc: 2,
        y: 1.0023,
        error: 0.004,
        lambda: 2.001,
        lambdaError: 0.01,
      },
      {
        projector: projectors[0],
        sector: 'odd',
        exponent: 'y_h',
        nr: 2,
        nc: 1,
        y: Number.NaN,
        error: Number.NaN,
        lambda: Number.NaN,
        lambdaError: Number.NaN,
      },
    ],
    observables: {
      energy: { samples: Float64Array.from([1.5, -2.25, Math.PI]), binLength: 64 },
      'a/b': { samples: Float64Array.from([1, 2]), binLength: 3, counts: [3, 2] },
    },
    attributes: { model: 'ising2d', tau_int: 1.25, samples: 1234 },
  };
}

describe('the campaign HDF5 file', () => {
  it('round-trips every accumulator bit for bit, with parameters, chains and estimates', async () => {
    const path = join(tmp, 'one.h5');
    const c = contents([4, 5, 9], ['majority']);
    await writeCampaignFile(path, c);
    const back = await readShard(path);
    expect(back.version).toBe(1);
    expect(back.parameters).toEqual(c.parameters);
    expect(back.seed).toBe(c.seed);
    expect(back.versions).toEqual(c.versions);
    expect(back.chains).toEqual([4, 5, 9]);
    expect(back.binsPerChain).toBe(3);
    expect(back.couplings).toEqual(couplings);
    expect(back.lattices).toEqual(c.lattices);
    expect(back.projectors.map(({ label, id, options }) => ({ label, id, options }))).toEqual([
      { label: 'majority', id: 'majority', options: {} },
    ]);
    expectSameBits(back.accumulators[0], c.projectors[0].accumulator);
    expect(back.estimates).toEqual(c.estimates);
    expect(back.observables).toEqual(c.observables);
    expect(back.attributes).toEqual(c.attributes);
  });

  it('puts a single projector at /mcrg/level<n> and several at /mcrg/<label>/level<n>', async () => {
    const single = join(tmp, 'single.h5');
    const several = join(tmp, 'several.h5');
    await writeCampaignFile(single, contents([0], ['majority']));
    const c = contents([0, 1], ['majority', 'dec/w=0.5']);
    await writeCampaignFile(several, c);
    const f1 = await openH5(single);
    try {
      expect((f1.get('mcrg') as { type?: string } | null)?.type).toBe('Group');
      expect((f1.get('mcrg') as unknown as { keys(): string[] }).keys().sort()).toEqual([
        'level0',
        'level1',
        'level2',
      ]);
      const sum = f1.get('mcrg/level1/sum') as unknown as { shape: number[]; dtype: string };
      expect(sum.shape).toEqual([3, 3]);
      expect(sum.dtype).toBe('<d');
      const sq = f1.get('mcrg/level0/sum_sq') as unknown as { shape: number[] };
      expect(sq.shape).toEqual([3, 3, 3]);
      expect(f1.get('mcrg/level1/sum_cross')).not.toBeNull();
      expect(f1.get('mcrg/level2/sum_cross')).toBeNull();
      const count = f1.get('mcrg/level0/count') as unknown as { dtype: string };
      expect(count.dtype).toBe('<q');
    } finally {
      f1.close();
    }
    const f2 = await openH5(several);
    try {
      expect((f2.get('mcrg') as unknown as { keys(): string[] }).keys().sort()).toEqual([
        'dec%2Fw=0.5',
        'majority',
      ]);
      expect(f2.get('mcrg/majority/level2/sum')).not.toBeNull();
    } finally {
      f2.close();
    }
    const back = await readCampaignFile(several);
    expect(back.projectors.map((p) => p.label)).toEqual(['majority', 'dec/w=0.5']);
    expect(back.projectors[1].options).toEqual({ w: 0.5 });
    back.accumulators.forEach((a, i) => {
      expectSameBits(a, c.projectors[i].accumulator);
    });
  });

  it('stores level n of the accumulator layout in /mcrg/level<n>', async () => {
    const path = join(tmp, 'layout.h5');
    const c = contents([0], ['majority'], 2);
    await writeCampaignFile(path, c);
    const a = c.projectors[0].accumulator;
    const m = 3;
    const f = await openH5(path);
    try {
      const value = (p: string) => (f.get(p) as unknown as { value: Float64Array }).value;
      // Bin 1, level 2, coupling 1 of sum; bin 0, level 1, (γ, α) = (2, 0) of sum_sq and sum_cross.
      expect(Object.is(value('mcrg/level2/sum')[1 * m + 1], a.sum[(1 * 3 + 2) * m + 1])).toBe(true);
      expect(Object.is(value('mcrg/level1/sum_sq')[2 * m + 0], a.sumSq[((0 * 3 + 1) * m + 2) * m + 0])).toBe(
        true,
      );
      expect(Object.is(value('mcrg/level1/sum_cross')[2 * m], a.sumCross[((0 * 2 + 1) * m + 2) * m])).toBe(
        true,
      );
    } finally {
      f.close();
    }
  });

  it('shards merge by concatenating bins: the union of two shard files is the whole', async () => {
    const whole = contents([0, 1, 2, 3], ['majority', 'decimation']);
    const split = (from: number, to: number): CampaignFileContents => ({
      ...whole,
      chains: whole.chains.slice(from, to),
      projectors: whole.projectors.map((p) => ({
        ...p,
        accumulator: sliceBins(p.accumulator, from * whole.binsPerChain, to * whole.binsPerChain),
      })),
    });
    await writeCampaignFile(join(tmp, 's0.h5'), split(0, 1));
    await writeCampaignFile(join(tmp, 's1.h5'), split(1, 4));
    const [s0, s1] = await Promise.all([readShard(join(tmp, 's0.h5')), readShard(join(tmp, 's1.h5'))]);
    expect([...s0.chains, ...s1.chains]).toEqual([0, 1, 2, 3]);
    for (let p = 0; p < 2; p++) {
      expectSameBits(
        mergeAccumulators([s0.accumulators[p], s1.accumulators[p]]),
        whole.projectors[p].accumulator,
      );
    }
  });

  it('refuses contents that do not fit, before writing anything', async () => {
    const path = join(tmp, 'refused.h5');
    const c = contents([0, 1], ['majority']);
    await expect(writeCampaignFile(path, { ...c, chains: [0] })).rejects.toThrow(UsageError);
    await expect(writeCampaignFile(path, { ...c, chains: [0, 0] })).rejects.toThrow(/listed twice/);
    await expect(writeCampaignFile(path, { ...c, attributes: { seed: 1 } })).rejects.toThrow(
      /part of the layout/,
    );
    await expect(writeCampaignFile(path, { ...c, couplings: { even: ['nn'], odd: ['m'] } })).rejects.toThrow(
      /couplings/,
    );
    expect(existsSync(path)).toBe(false);
  });

  it('keeps the old file when a write fails, and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmp, 'atomic-'));
    const path = join(dir, 'result.h5');
    await writeCampaignFile(path, contents([0], ['majority']));
    const before = readFileSync(path);
    await expect(
      writeAtomically(path, async (temp) => {
        writeFileSync(temp, 'half a file');
        throw new Error('disk on fire');
      }),
    ).rejects.toThrow(/^cannot write .*result\.h5: disk on fire$/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['result.h5']);
    await expect(
      writeCampaignFile(join(dir, 'no', 'such', 'x.h5'), contents([0], ['majority'])),
    ).rejects.toThrow(/^cannot write .*x\.h5: the directory .* does not exist/);
    await expect(writeCampaignFile(dir, contents([0], ['majority']))).rejects.toThrow(/it is a directory/);
  });

  it('reports unreadable inputs in one line: missing (usage), not HDF5, another kind of file', async () => {
    const missing = readCampaignFile(join(tmp, 'nope.h5'), { option: 'shard' });
    await expect(missing).rejects.toThrow(UsageError);
    await expect(readCampaignFile(join(tmp, 'nope.h5'), { option: 'shard' })).rejects.toThrow(
      /^shard: no such file '.*nope\.h5'$/,
    );
    const text = join(tmp, 'text.h5');
    writeFileSync(text, 'not hdf5 at all');
    await expect(readCampaignFile(text)).rejects.toThrow(FileFormatError);
    await expect(readCampaignFile(text)).rejects.toThrow(/is not an HDF5 file$/);
    // A truncated file: the signature is there, the rest is not.
    const whole = readFileSync(join(tmp, 'one.h5'));
    const cut = join(tmp, 'cut.h5');
    writeFileSync(cut, whole.subarray(0, 600));
    const err = await readCampaignFile(cut).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileFormatError);
    expect((err as Error).message).not.toContain('\n');
    expect(err).toBeInstanceOf(RsrgError);
  });

  it('derives Carlo-style observables from the level-0 bins', () => {
    const a = createAccumulator({ levels: 1, blockSize: 2, nEven: 1, nOdd: 1 }, 2);
    a.count.set([4, 3]);
    a.sum.set([8, -4, 1, 1, 6, 3, 0, 0]);
    const o = couplingObservables(a, { even: ['nn'], odd: ['m'] });
    expect(Array.from(o.nn.samples)).toEqual([2, 2]);
    expect(Array.from(o.m.samples)).toEqual([-1, 1]);
    expect(o.nn.binLength).toBe(3);
    expect(o.nn.counts).toEqual([4, 3]);
  });
});

function sliceBins(a: Accumulator, from: number, to: number): Accumulator {
  const out = createAccumulator(a, to - from);
  const per = (x: Float64Array) => x.length / a.bins;
  out.count.set(a.count.subarray(from, to));
  out.sum.set(a.sum.subarray(from * per(a.sum), to * per(a.sum)));
  out.sumSq.set(a.sumSq.subarray(from * per(a.sumSq), to * per(a.sumSq)));
  out.sumCross.set(a.sumCross.subarray(from * per(a.sumCross), to * per(a.sumCross)));
  return out;
}

describe('writeResultH5', () => {
  it('writes a real MCRG run: estimates as analyzed, bins that give them again', async () => {
    const registry = new Registry().use(modelsPlugin).use(samplersPlugin).use(projectorsPlugin);
    const config: McrgConfig = {
      model: 'ising2d',
      size: 8,
      samples: 512,
      thermalize: 50,
      seed: 5,
      chains: 2,
      binsPerChain: 4,
      workers: 1,
      projectors: [{ id: 'majority' }, { id: 'decimation' }],
    };
    const [result, sample] = await Promise.all([runMcrg(registry, config), sampleMcrg(registry, config)]);
    const path = join(tmp, 'result.h5');
    await writeResultH5(path, result, sample.accumulators);
    const back = await readCampaignFile(path);
    expect(back.chains).toEqual([0, 1]);
    expect(back.binsPerChain).toBe(4);
    expect(back.seed).toBe(5);
    expect(back.parameters).toEqual(JSON.parse(JSON.stringify(result.config)));
    expect(back.versions).toEqual(result.versions);
    expect(back.lattices).toEqual(result.lattices);
    back.accumulators.forEach((a, i) => {
      expectSameBits(a, sample.accumulators[i]);
    });
    const again = result.projectors.flatMap((p, i) => analyze(back.accumulators[i], { projector: p.label }));
    expect(again).toEqual(result.estimates);
    expect(back.estimates).toEqual(
      result.estimates.map(({ projector, sector, exponent, nr, nc, y, error, lambda, lambdaError }) => ({
        projector,
        sector,
        exponent,
        nr,
        nc,
        y,
        error,
        lambda,
        lambdaError,
      })),
    );
    const nn = back.observables['nearest neighbour'];
    expect(nn.samples.length).toBe(8);
    expect(nn.binLength).toBe(64);
    expect(back.attributes).toMatchObject({ model: 'ising2d', samples: 512, rng: result.rng });
    await expect(writeResultH5(path, result, sample.accumulators.slice(1))).rejects.toThrow(
      /1 accumulators for the 2 projectors/,
    );
  });
});
