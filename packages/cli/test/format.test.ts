import { describe, expect, it } from 'vitest';
import { renderTable } from '../src/format/table.js';
import { formatValueError } from '../src/format/value-error.js';
import { integerAtLeast, real } from '../src/options.js';

describe('formatValueError', () => {
  it.each([
    [0.96857, 0.00123, '0.9686(12)'],
    [1.0001, 0.0011, '1.0001(11)'],
    [0.904, 0.001, '0.9040(10)'],
    [0.99996, 0.000996, '1.0000(10)'],
    [1.875, 0.0456, '1.875(46)'],
    [-0.5, 0.25, '-0.50(25)'],
    [2.71, 1.5, '2.7(15)'],
    [123.456, 12.3, '123(12)'],
    [1234.5, 123, '1230(120)'],
    [2, 0, '2(0)'],
    [2, Number.NaN, '2(?)'],
    [Number.NaN, 0.1, 'NaN'],
  ])('%d ± %d → %s', (value, error, text) => {
    expect(formatValueError(value, error)).toBe(text);
  });

  it('keeps two significant error digits and the value to the same place (random values)', () => {
    let seed = 12345;
    const uniform = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let i = 0; i < 2000; i++) {
      const value = (uniform() - 0.5) * 10 ** (uniform() * 8 - 3);
      const error = 10 ** (uniform() * 8 - 6);
      const text = formatValueError(value, error);
      const m = /^(-?\d+(?:\.(\d+))?)\((\d+)\)$/.exec(text);
      expect(m, text).not.toBeNull();
      const [, v, decimals = '', e] = m!;
      expect(e.length, text).toBeLessThanOrEqual(3);
      const place = 10 ** -decimals.length;
      const shownError = decimals.length > 0 ? Number(e) * place : Number(e);
      // Two significant digits: the shown error is within 5% (rounding) of the true one.
      expect(Math.abs(shownError - error) / error, text).toBeLessThanOrEqual(0.05 + 1e-9);
      // The value is rounded to the error's second digit.
      const unit = decimals.length > 0 ? place : 10 ** (e.length - 2);
      expect(Math.abs(Number(v) - value), text).toBeLessThanOrEqual(unit / 2 + 1e-9 * Math.abs(value));
    }
  });
});

describe('strict option numbers', () => {
  const samples = integerAtLeast('--samples', 1);
  it('accepts integer-valued decimal and exponent forms', () => {
    expect(samples('1e6')).toBe(1_000_000);
    expect(samples('42')).toBe(42);
    expect(samples('2.0')).toBe(2);
    expect(integerAtLeast('--thermalize', 0)('0')).toBe(0);
    expect(real('--coupling')('-0.25')).toBe(-0.25);
    expect(real('--coupling')('.5e-1')).toBe(0.05);
  });
  it.each(['-5', '0', '12abc', '1.5', '', ' 3', '0x10', 'Infinity', '1e400', '9007199254740993'])(
    "rejects --samples '%s', naming option and value",
    (text) => {
      expect(() => samples(text)).toThrow(`--samples must be a positive integer, got '${text}'`);
    },
  );
  it.each(['nan', 'NaN', 'inf', '', '1/2', '1e999'])("rejects --coupling '%s'", (text) => {
    expect(() => real('--coupling')(text)).toThrow(`--coupling must be a finite number, got '${text}'`);
  });
});

describe('renderTable', () => {
  it('pads columns to the widest cell, right-aligning where asked', () => {
    const t = renderTable(
      ['N_c', 'name', 'y'],
      [
        ['1', 'nearest', '0.9(1)'],
        ['10', 'a', '1.00(12)'],
      ],
      ['right', 'left', 'right'],
    );
    expect(t.split('\n')).toEqual([
      'N_c  name            y',
      '  1  nearest    0.9(1)',
      ' 10  a        1.00(12)',
    ]);
  });
});
