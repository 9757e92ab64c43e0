import { UsageError } from './errors/index.js';

/** Options a plugin (projector, model, trainer) is instantiated with: plain data, strings from the command line. */
export type PluginOptions = Readonly<Record<string, string | number | boolean | undefined>>;

/** How one option is read: its kind, default and bounds. */
export type OptionSpec =
  | {
      /** A whole number, e.g. a block size or a width. */
      readonly kind: 'integer';
      /** The value when the option is not given. */
      readonly default?: number;
      /** The smallest value accepted. */
      readonly min?: number;
      /** The largest value accepted. */
      readonly max?: number;
    }
  | {
      /** A real number, e.g. a learning rate or a coupling. */
      readonly kind: 'number';
      /** The value when the option is not given. */
      readonly default?: number;
      /** The smallest value accepted. */
      readonly min?: number;
      /** The largest value accepted. */
      readonly max?: number;
    }
  | {
      /** A string, e.g. a path or a preset name. */
      readonly kind: 'string';
      /** The value when the option is not given. */
      readonly default?: string;
      /** The only values accepted, when the string is one of a list. */
      readonly choices?: readonly string[];
    }
  | {
      /** true or false (also the strings 'true' and 'false'). */
      readonly kind: 'boolean';
      /** The value when the option is not given. */
      readonly default?: boolean;
    };

type Value<S extends OptionSpec> = S extends { kind: 'string' }
  ? string
  : S extends { kind: 'boolean' }
    ? boolean
    : number;
/** The parsed options: those with a default are always present. */
export type ParsedOptions<T extends Record<string, OptionSpec>> = {
  readonly [K in keyof T]: T[K] extends {
    /** An option with a default is always present. */
    default: unknown;
  }
    ? Value<T[K]>
    : Value<T[K]> | undefined;
};

/**
 * Reads `options` against `spec`: the one parser of projector and model options. Strings
 * (from `--projector-option k=v`) are converted; an unknown key or a bad value is a UsageError
 * that names the owner, the key and what it accepts.
 *
 * @example
 * const { blockSize } = readOptions("projector 'majority'", options, {
 *   blockSize: { kind: 'integer', default: 2, min: 2 },
 * });
 */
export function readOptions<T extends Record<string, OptionSpec>>(
  owner: string,
  options: PluginOptions,
  spec: T,
): ParsedOptions<T> {
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && !Object.hasOwn(spec, key)) {
      const known = Object.keys(spec);
      throw new UsageError(
        `${owner} has no option '${key}' (known: ${known.length ? known.join(', ') : 'none'})`,
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(spec)) {
    const raw = options[key];
    out[key] = raw === undefined ? s.default : readOne(owner, key, raw, s);
  }
  return out as ParsedOptions<T>;
}

function readOne(owner: string, key: string, raw: string | number | boolean, s: OptionSpec): unknown {
  const bad = (what: string) => new UsageError(`${owner}: ${key} must be ${what}, got ${String(raw)}`);
  switch (s.kind) {
    case 'integer':
    case 'number': {
      const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      const what = `${s.kind === 'integer' ? 'an integer' : 'a number'}${bounds(s.min, s.max)}`;
      if (typeof v !== 'number' || Number.isNaN(v)) throw bad(what);
      if (s.kind === 'integer' && !Number.isInteger(v)) throw bad(what);
      if ((s.min !== undefined && v < s.min) || (s.max !== undefined && v > s.max)) throw bad(what);
      return v;
    }
    case 'string':
      if (typeof raw !== 'string' || (s.choices && !s.choices.includes(raw))) {
        throw bad(s.choices ? `one of ${s.choices.join(', ')}` : 'a string');
      }
      return raw;
    case 'boolean':
      if (raw === true || raw === 'true') return true;
      if (raw === false || raw === 'false') return false;
      throw bad('true or false');
  }
}

function bounds(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return ` in [${min}, ${max}]`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return '';
}
