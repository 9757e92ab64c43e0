// The resource guards: byte sizes both ways, the memory limit and its refusal, typed-array
// lengths and the worker cap.
import { totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  assertMemoryFits,
  assertTypedArrayLength,
  capWorkers,
  formatBytes,
  MAX_SITES,
  MAX_TYPED_ARRAY_LENGTH,
  memoryLimit,
  parseByteSize,
  type RsrgError,
  UsageError,
} from '../src/index.js';

describe('byte sizes', () => {
  it.each([
    [0, '0 bytes'],
    [1023, '1023 bytes'],
    [1536, '1.50 KiB'],
    [100 * 2 ** 20, '100 MiB'],
    [23.4 * 2 ** 30, '23.4 GiB'],
    [1.5 * 2 ** 40, '1.50 TiB'],
  ])('formatBytes(%d) is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it.each([
    ['1000', 1000],
    ['1e9', 1e9],
    ['512M', 512 * 2 ** 20],
    ['512mb', 512 * 2 ** 20],
    ['4G', 4 * 2 ** 30],
    ['1.5GiB', 1.5 * 2 ** 30],
    ['2t', 2 * 2 ** 40],
    [' 3 k ', 3 * 1024],
  ])('parseByteSize(%j) is %d', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it.each(['', 'lots', '-1G', '0', '4 X', '1e400', 'G', '4GG'])('parseByteSize(%j) is NaN', (text) => {
    expect(parseByteSize(text)).toBeNaN();
  });
});

describe('memory', () => {
  it('is limited by the machine, or by what the caller says', () => {
    const limit = memoryLimit();
    expect(limit.bytes).toBeGreaterThan(0);
    expect(limit.bytes).toBeLessThanOrEqual(totalmem());
    expect(memoryLimit({ bytes: 2 ** 30, source: '--max-memory' })).toEqual({
      bytes: 2 ** 30,
      source: '--max-memory',
    });
  });

  it('refuses an estimate above the limit in one line with both numbers and the hint', () => {
    const limit = { bytes: 2 ** 30, source: '--max-memory' };
    expect(() => assertMemoryFits({ bytes: 2 ** 30, detail: 'x' }, limit)).not.toThrow();
    let error: unknown;
    try {
      assertMemoryFits({ bytes: 3 * 2 ** 30, detail: '8×8 lattice, 2 chains at a time' }, limit, 'use less');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as RsrgError).exitCode).toBe(2);
    expect((error as Error).message).toBe(
      'the run needs about 3.00 GiB of memory (8×8 lattice, 2 chains at a time), more than --max-memory (1.00 GiB): use less',
    );
  });
});

describe('typed arrays', () => {
  it('allows what the engine allows and refuses more, as a usage error naming the array', () => {
    expect(MAX_SITES).toBe(2 ** 31 - 1);
    expect(MAX_TYPED_ARRAY_LENGTH).toBeGreaterThanOrEqual(2 ** 31 - 1);
    expect(() => assertTypedArrayLength(MAX_TYPED_ARRAY_LENGTH, 'a table')).not.toThrow();
    expect(() =>
      assertTypedArrayLength(MAX_TYPED_ARRAY_LENGTH + 1, 'the neighbour table', 'smaller'),
    ).toThrow(
      new UsageError(
        `the neighbour table would need ${MAX_TYPED_ARRAY_LENGTH + 1} array elements, more than the ${MAX_TYPED_ARRAY_LENGTH} one typed array can hold: smaller`,
      ),
    );
  });
});

describe('worker cap', () => {
  it('keeps what fits, and says why it reduced the rest', () => {
    expect(capWorkers({ requested: 2, chains: 8, cores: 4 })).toEqual({ workers: 2 });
    expect(capWorkers({ requested: 256, chains: 256, cores: 8 })).toEqual({
      workers: 8,
      reduced: '256 workers asked for, 8 cores: using 8',
    });
    expect(capWorkers({ requested: 16, chains: 4, cores: 32 })).toEqual({
      workers: 4,
      reduced: '16 workers asked for, 4 chains: using 4',
    });
    expect(capWorkers({ requested: 16, chains: 4, cores: 4 })).toEqual({
      workers: 4,
      reduced: '16 workers asked for, 4 cores and 4 chains: using 4',
    });
    expect(capWorkers({ requested: 3, chains: 1, cores: 1 })).toEqual({
      workers: 1,
      reduced: '3 workers asked for, 1 core and 1 chain: using 1',
    });
  });

  it('forced, runs what was asked', () => {
    expect(capWorkers({ requested: 256, chains: 4, cores: 2, force: true })).toEqual({ workers: 256 });
  });
});
