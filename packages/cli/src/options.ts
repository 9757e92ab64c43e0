import { parseByteSize, UsageError } from '@rsrg/core';

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

/**
 * A repeatable `--<thing>-option key=value` (projector, model, trainer options): each use adds
 * one entry to the record; values stay strings, and the plugin reads them with core's `readOptions`.
 */
export function keyValue(
  option: string,
): (text: string, previous?: Record<string, string>) => Record<string, string> {
  return (text, previous) => {
    const m = /^([A-Za-z][\w.-]*)=(.+)$/.exec(text);
    if (!m) throw new UsageError(`${option}: expected key=value, got '${text}'`);
    return { ...previous, [m[1]]: m[2] };
  };
}

/** Parser for a size in bytes with an optional binary unit: `512M`, `4G`, `1.5GiB`, `2T`, `1e9`. */
export function byteSize(option: string): (text: string) => number {
  return (text) => {
    const bytes = parseByteSize(text);
    if (!Number.isFinite(bytes)) {
      throw new UsageError(`${option} must be a size in bytes such as 512M, 4G or 1.5T, got '${text}'`);
    }
    return bytes;
  };
}

/** Parses a number of seconds > 0 (e.g. `--checkpoint-every 0.5`). */
export function positiveSeconds(option: string): (text: string) => number {
  return (text) => {
    const x = Number(text);
    if (text.trim() === '' || !Number.isFinite(x) || x <= 0)
      throw new UsageError(`${option} must be a number of seconds > 0, got '${text}'`);
    return x;
  };
}
