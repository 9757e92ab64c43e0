import { describe, expect, it } from 'vitest';
import { readOptions, UsageError } from '../src/index.js';

const spec = {
  blockSize: { kind: 'integer', default: 2, min: 2 },
  w: { kind: 'number', min: 0 },
  kernel: { kind: 'string', choices: ['js', 'wasm'], default: 'wasm' },
  symmetrize: { kind: 'boolean', default: false },
} as const;

describe('readOptions', () => {
  it('applies defaults and converts command-line strings', () => {
    expect(readOptions('p', {}, spec)).toEqual({
      blockSize: 2,
      w: undefined,
      kernel: 'wasm',
      symmetrize: false,
    });
    expect(
      readOptions('p', { blockSize: '3', w: 'Infinity', kernel: 'js', symmetrize: 'true' }, spec),
    ).toEqual({
      blockSize: 3,
      w: Number.POSITIVE_INFINITY,
      kernel: 'js',
      symmetrize: true,
    });
  });

  it('refuses unknown keys and bad values with a usage error naming the owner and key', () => {
    expect(() => readOptions("projector 'x'", { size: 1 }, spec)).toThrow(
      /projector 'x' has no option 'size' \(known: blockSize, w, kernel, symmetrize\)/,
    );
    expect(() => readOptions('p', { blockSize: '1' }, spec)).toThrow(
      /blockSize must be an integer ≥ 2, got 1/,
    );
    expect(() => readOptions('p', { blockSize: '2.5' }, spec)).toThrow(UsageError);
    expect(() => readOptions('p', { w: 'abc' }, spec)).toThrow(/w must be a number ≥ 0/);
    expect(() => readOptions('p', { w: '' }, spec)).toThrow(UsageError);
    expect(() => readOptions('p', { kernel: 'c' }, spec)).toThrow(/one of js, wasm/);
    expect(() => readOptions('p', { symmetrize: 'yes' }, spec)).toThrow(/true or false/);
  });
});
