import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineCodec, FileFormatError, Lattice, Rng, UnsupportedError, UsageError } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import {
  type RbmFilter,
  rbm,
  rbmFilter,
  rbmProjectorCodec,
  readWeightDat,
  trainedProjectorFile,
  trainRbm,
  writeWeightDat,
} from '../src/rbm/index.js';

function randomFilter(width: number, seed: number): RbmFilter {
  const rng = Rng.stream(seed, 0);
  const f = rbmFilter({ dimension: 2, width, blockSize: 2 });
  for (let k = 0; k < f.weights.length; k++) f.weights[k] = (2 * rng.nextFloat() - 1) * 0.3;
  return f;
}

describe('RBM projector files', () => {
  const lattice = Lattice.cubic(2, 8);
  const rng = Rng.stream(40, 0);
  const configs = Int8Array.from({ length: 20 * 64 }, () => rng.nextSign());
  const trained = trainRbm(
    { lattice, configs, description: 'random spins' },
    { seed: 3, width: 4, epochs: 2 },
  );

  it('round-trips a trained projector through msgpack, filter bits and metadata included', () => {
    const file = trainedProjectorFile(trained);
    const back = rbmProjectorCodec.decode(rbmProjectorCodec.encode(file));
    expect(back.filter.dimension).toBe(2);
    expect(back.filter.width).toBe(4);
    expect(back.filter.blockSize).toBe(2);
    expect(back.filter.weights).toBeInstanceOf(Float64Array);
    expect(Array.from(back.filter.weights)).toEqual(Array.from(trained.filter.weights));
    expect(back.training).toEqual(JSON.parse(JSON.stringify(trained.metadata)));
    expect(back.training?.options.seed).toBe(3);
    expect(back.training?.data.description).toBe('random spins');
    expect(back.training?.history).toHaveLength(2);
    const bare = rbmProjectorCodec.decode(rbmProjectorCodec.encode({ filter: randomFilter(3, 1) }));
    expect(bare.training).toBeUndefined();
  });

  it('rejects corrupt bytes, other kinds, other versions and malformed fields with FileFormatErrors', () => {
    const good = rbmProjectorCodec.encode({ filter: randomFilter(2, 2) });
    expect(() => rbmProjectorCodec.decode(good.subarray(0, good.length - 3), 'f.rsrg')).toThrow(
      FileFormatError,
    );
    expect(() => rbmProjectorCodec.decode(new Uint8Array([0xc1]), 'f.rsrg')).toThrow(
      /f.rsrg is not a readable rsrg file/,
    );
    const other = defineCodec<number>({
      kind: 'chain-state',
      version: 1,
      toData: (x) => x,
      fromData: (x) => x as number,
    });
    expect(() => rbmProjectorCodec.decode(other.encode(1), 'f.rsrg')).toThrow(
      /holds a chain-state, expected a rbm-projector/,
    );
    const future = defineCodec<unknown>({
      kind: 'rbm-projector',
      version: 2,
      toData: (x) => x,
      fromData: (x) => x,
    });
    expect(() => rbmProjectorCodec.decode(future.encode({}), 'f.rsrg')).toThrow(
      /version 2; this build reads 1/,
    );
    const raw = defineCodec<unknown>({
      kind: 'rbm-projector',
      version: 1,
      toData: (x) => x,
      fromData: (x) => x,
    });
    const malformed: [unknown, RegExp][] = [
      [{ dimension: 2, width: 2, blockSize: 2, weights: [1, 2, 3] }, /'weights' must hold 4 numbers/],
      [{ dimension: 2, width: 0, blockSize: 2, weights: [] }, /'width' must be a positive integer/],
      [{ dimension: 2, width: 1, blockSize: 2, weights: ['x'] }, /weight 0 is not a finite number/],
      [{ dimension: 1, width: 2, blockSize: 2, weights: [0, Infinity] }, /weight 1 is not a finite number/],
      // Finite as a double, beyond float32: weight.dat could not hold it.
      [{ dimension: 1, width: 2, blockSize: 2, weights: [-3.5e38, 0] }, /weight 0 .*float32 range/],
      [{ dimension: 1, width: 1, blockSize: 1, weights: [1] }, /'blockSize' must be an integer ≥ 2, got 1/],
      [{ dimension: 1, width: 1, blockSize: 2, weights: [1], training: 5 }, /'training' must be a map/],
      [[1, 2], /blockSize|dimension/],
    ];
    for (const [data, message] of malformed) {
      expect(() => rbmProjectorCodec.decode(raw.encode(data))).toThrow(FileFormatError);
      expect(() => rbmProjectorCodec.decode(raw.encode(data))).toThrow(message);
    }
    // The float32 range is closed: ±3.4028234663852886e38 (the largest float32) is a weight.
    const largest = 3.4028234663852886e38;
    expect(Math.fround(largest)).toBe(largest);
    const edge = rbmProjectorCodec.decode(
      raw.encode({ dimension: 1, width: 2, blockSize: 2, weights: [largest, -largest] }),
    );
    expect(Array.from(edge.filter.weights)).toEqual([largest, -largest]);
    expect(
      Array.from(
        readWeightDat(writeWeightDat(rbmFilter({ dimension: 2, width: 1, weights: [largest] }))).weights,
      ),
    ).toEqual([largest]);
    expect(() => writeWeightDat(rbmFilter({ dimension: 2, width: 1, weights: [1e39] }))).toThrow(
      /weight 0 \(1e\+39\) is beyond its range/,
    );
  });

  it('reads and writes the authors’ weight.dat (float32 LE, w×w row-major from the block corner)', () => {
    const f = randomFilter(8, 3);
    const bytes = writeWeightDat(f);
    expect(bytes.byteLength).toBe(256);
    // Entry (a, c) = weight of the spin at offset (a, c): index a·w + c, little-endian float32.
    const view = new DataView(bytes.buffer);
    expect(view.getFloat32(4 * (2 * 8 + 5), true)).toBe(Math.fround(f.weights[2 * 8 + 5]));
    const back = readWeightDat(bytes);
    expect(back).toMatchObject({ dimension: 2, width: 8, blockSize: 2 });
    expect(Array.from(back.weights)).toEqual(Array.from(f.weights, Math.fround));
    // Bytes survive a second round trip exactly.
    expect(Array.from(writeWeightDat(back))).toEqual(Array.from(bytes));
    expect(readWeightDat(bytes, { blockSize: 4 }).blockSize).toBe(4);
    // An unaligned view into a larger buffer reads the same.
    const padded = new Uint8Array(300);
    padded.set(bytes, 3);
    expect(Array.from(readWeightDat(padded.subarray(3, 259)).weights)).toEqual(Array.from(back.weights));
  });

  it('rejects a weight.dat of the wrong length or with non-finite values, and non-2D filters', () => {
    for (const n of [0, 3, 12, 255, 260]) {
      expect(() => readWeightDat(new Uint8Array(n), { source: 'w.dat' })).toThrow(FileFormatError);
      expect(() => readWeightDat(new Uint8Array(n), { source: 'w.dat' })).toThrow(
        /w.dat has \d+ bytes; a weight.dat filter is w×w float32/,
      );
    }
    const nan = new Uint8Array(16);
    new DataView(nan.buffer).setFloat32(8, Number.NaN, true);
    expect(() => readWeightDat(nan)).toThrow(/weight 2 is not a finite number/);
    expect(() => writeWeightDat(rbmFilter({ dimension: 3, width: 2 }))).toThrow(UnsupportedError);
  });

  it('the rbm factory loads both file formats and reports bad options clearly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsrg-rbm-'));
    const msgpack = join(dir, 'filter.rsrg');
    writeFileSync(msgpack, rbmProjectorCodec.encode(trainedProjectorFile(trained)));
    const dat = join(dir, 'weight.dat');
    writeFileSync(dat, writeWeightDat(trained.filter));
    expect(rbm.id).toBe('rbm');
    const a = await rbm.create({ weights: msgpack });
    expect(a.id).toBe('rbm');
    expect(a.blockSize).toBe(2);
    const sigma = Int8Array.from({ length: 64 }, (_, i) => (i % 3 ? 1 : -1));
    const mu = new Int8Array(16);
    a.create(lattice).apply(sigma, mu, Rng.stream(1));
    const b = await rbm.create({ weights: dat });
    const c = await rbm.create({ weights: msgpack, format: 'rsrg', blockSize: '2' });
    expect(a.probability?.(lattice, sigma, mu)).toBeCloseTo(
      b.probability?.(lattice, sigma, mu) ?? Number.NaN,
      5,
    );
    expect(c.probability?.(lattice, sigma, mu)).toBe(a.probability?.(lattice, sigma, mu));
    expect(() => rbm.create({})).toThrow(/needs option 'weights'/);
    expect(() => rbm.create({ weights: join(dir, 'missing.rsrg') })).toThrow(UsageError);
    expect(() => rbm.create({ weights: msgpack, colour: 'red' })).toThrow(/no option 'colour'/);
    expect(() => rbm.create({ weights: msgpack, format: 'csv' })).toThrow(
      /format must be one of rsrg, weight.dat, got csv/,
    );
    expect(() => rbm.create({ weights: msgpack, blockSize: 4 })).toThrow(/block size 2, not 4/);
    expect(() => rbm.create({ weights: dat, format: 'rsrg' })).toThrow(FileFormatError);
  });
});

describe('readWeightDat refuses rsrg files', () => {
  it('an rsrg envelope of 4·w² bytes is named, not read as floats', async () => {
    const { isRsrgFile } = await import('@rsrg/core');
    const envelope = rbmProjectorCodec.encode({ filter: rbmFilter({ dimension: 2, width: 4 }) });
    expect(isRsrgFile(envelope)).toBe(true);
    // Pad to the next 4·w² length, as a file that happens to have one would be.
    let n = 1;
    while (4 * n * n < envelope.length) n++;
    const padded = new Uint8Array(4 * n * n);
    padded.set(envelope);
    expect(() => readWeightDat(padded, { source: 'x.dat' })).toThrow(FileFormatError);
    expect(() => readWeightDat(padded, { source: 'x.dat' })).toThrow(
      /^x\.dat is an rsrg file, not a weight\.dat/,
    );
    expect(isRsrgFile(new Uint8Array(256))).toBe(false);
  });
});
