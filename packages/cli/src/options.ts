import { UsageError } from '@rsrg/core';

// Decimal numbers only: no hex, no blanks, no 'nan' or 'Infinity'; '1e6' is allowed.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function decimal(option: string, text: string): number {
  const x = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(x)) throw new UsageError(`${option} must be a finite number, got '${text}'`);
  return x;
}

/** Parser for an integer option ≥ `min`; integer-valued exponent forms like 1e6 are accepted. */
export function integerAtLeast(option: string, min: number): (text: string) => number {
  const what =
    min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`;
  return (text) => {
    const x = DECIMAL.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(x) || x < min) throw new UsageError(`${option} must be ${what}, got '${text}'`);
    return x;
  };
}

/** Parser for a finite real option. */
export function real(option: string): (text: string) => number {
  return (text) => decimal(option, text);
}

/** Collects a repeatable option's values in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
