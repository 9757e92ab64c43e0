/**
 * The few things the HDF5 files of rsrg need from h5wasm (HDF5 compiled to WebAssembly), with
 * its traps closed: the module is loaded once and on first use (it takes a fraction of a
 * second); HDF5 errors throw instead of printing a trace on stderr and carrying on; integers
 * are written with explicit 64-bit types (h5wasm guesses int32 for a JavaScript number and
 * silently wraps larger ones); groups are created one level at a time; every read checks the
 * type and shape it gets.
 */
import type { Attribute, Dataset, File, Group } from 'h5wasm/node';

type H5wasm = typeof import('h5wasm/node');

let loading: Promise<H5wasm> | undefined;

/** The h5wasm module, ready, with HDF5's errors turned into exceptions. Loaded once. */
export function loadH5wasm(): Promise<H5wasm> {
  loading ??= (async () => {
    const h5 = await import('h5wasm/node');
    const module = await h5.ready;
    module.activate_throwing_error_handler();
    return h5;
  })();
  return loading;
}

/**
 * HDF5's error stack, thrown as one multi-line message, as one phrase: the innermost frame's
 * description and its minor class, e.g. "file signature not found (Not an HDF5 file)".
 * Undefined when `err` is not an HDF5 error.
 */
export function hdf5Reason(err: unknown): string | undefined {
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  if (!text.startsWith('HDF5-DIAG')) return undefined;
  const frames = [...text.matchAll(/#\d+: .*? in [\w.]+\(\): (.*)\n\s*major: (.*)\n\s*minor: (.*)/g)];
  const last = frames.at(-1);
  if (!last) return 'HDF5 error';
  const what = last[1].replace(/, errno = .*$/, '').trim();
  return `${what} (${last[3].trim()})`;
}

/** The library version bounds of every file written (objects no newer than HDF5 1.10 knows; h5wasm is HDF5 2.0). */
export const LIBVER: ['v108', 'v110'] = ['v108', 'v110'];

/** Opens `path` for writing (created or truncated), readable by HDF5 1.10 (h5py on Debian 12). */
export async function createH5(path: string): Promise<File> {
  const h5 = await loadH5wasm();
  return new h5.File(path, 'w', { libver: LIBVER });
}

/** Opens `path` read-only. */
export async function openH5(path: string): Promise<File> {
  const h5 = await loadH5wasm();
  return new h5.File(path, 'r');
}

/**
 * The group at `path` below `parent` ('a/b/c'), created one level at a time as h5wasm needs
 * (a nested path in one call fails); levels that exist are reused.
 */
export function ensureGroup(parent: Group, path: string): Group {
  let group = parent;
  for (const name of path.split('/').filter(Boolean)) {
    const existing = group.keys().includes(name) ? group.get(name) : null;
    const next = existing ?? group.create_group(name);
    if (!isGroup(next)) throw new Error(`'${group.path}/${name}' exists and is not a group`);
    group = next;
  }
  return group;
}

function isGroup(x: unknown): x is Group {
  return x !== null && typeof x === 'object' && (x as { type?: unknown }).type === 'Group';
}

function isDataset(x: unknown): x is Dataset {
  return x !== null && typeof x === 'object' && (x as { type?: unknown }).type === 'Dataset';
}

/**
 * A name that HDF5 accepts for one link: '/' would start a subgroup and '.' names the group
 * itself, so '%' and '/' are percent-encoded and a name of dots gets a '%2E' first.
 */
export function linkName(name: string): string {
  const escaped = name.replace(/%/g, '%25').replace(/\//g, '%2F');
  return escaped === '' || /^\.+$/.test(escaped) ? `%2E${escaped.slice(1)}` : escaped;
}

/** The name `linkName` encoded. */
export function unlinkName(name: string): string {
  return name.replace(/%2E/g, '.').replace(/%2F/g, '/').replace(/%25/g, '%');
}

// ---- writing ----

/** Float64 data (exact: HDF5 '<f8' is IEEE binary64 little-endian), shape [n] by default. */
export function writeF64(
  group: Group,
  name: string,
  data: Float64Array,
  shape: readonly number[] = [data.length],
): Dataset {
  return group.create_dataset({ name, data, shape: [...shape], dtype: '<d' });
}

/** Integers as int64; each must be a safe integer. */
export function writeI64(
  group: Group,
  name: string,
  data: ArrayLike<number>,
  shape: readonly number[] = [data.length],
): void {
  group.create_dataset({ name, data: toBigInt64(data, name), shape: [...shape], dtype: '<q' });
}

/** Variable-length UTF-8 strings. */
export function writeStrings(group: Group, name: string, data: readonly string[]): void {
  group.create_dataset({ name, data: [...data], shape: [data.length], dtype: 'S' });
}

/** A string attribute (variable-length UTF-8). */
export function setString(target: Group | Dataset, name: string, value: string): void {
  target.create_attribute(name, value, [], 'S');
}

/** A scalar float64 attribute. */
export function setF64(target: Group | Dataset, name: string, value: number): void {
  target.create_attribute(name, new Float64Array([value]), [], '<d');
}

/** A scalar int64 attribute (a safe integer). */
export function setI64(target: Group | Dataset, name: string, value: number): void {
  target.create_attribute(name, toBigInt64([value], name), [], '<q');
}

/** A 1-D int64 attribute (safe integers; at least one). */
export function setI64s(target: Group | Dataset, name: string, values: readonly number[]): void {
  if (values.length === 0) throw new Error(`attribute '${name}' needs at least one value`);
  target.create_attribute(name, toBigInt64(values, name), [values.length], '<q');
}

function toBigInt64(data: ArrayLike<number>, name: string): BigInt64Array {
  const out = new BigInt64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isSafeInteger(v)) throw new Error(`'${name}' holds ${v}, not a safe integer`);
    out[i] = BigInt(v);
  }
  return out;
}

// ---- reading ----

/** A problem with the contents of a file: what is wrong, where. */
export class LayoutError extends Error {}

/** The object at `path` (absolute, or relative to `group`), or undefined when there is none. */
export function child(group: Group, path: string): Group | Dataset | undefined {
  let at: Group = group;
  const parts = path.split('/').filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    if (!at.keys().includes(parts[i])) return undefined;
    const next = at.get(parts[i]);
    if (i === parts.length - 1) return isGroup(next) || isDataset(next) ? next : undefined;
    if (!isGroup(next)) return undefined;
    at = next;
  }
  return at;
}

/** The group at `path` below `group`; a LayoutError when it is missing. */
export function getGroup(group: Group, path: string): Group {
  const g = child(group, path);
  if (!isGroup(g)) throw new LayoutError(`no group '${join(group, path)}'`);
  return g;
}

/** Whether `group` has a member called `name`. */
export function has(group: Group, name: string): boolean {
  return group.keys().includes(name);
}

function join(group: Group, path: string): string {
  return `${group.path === '/' ? '' : group.path}/${path}`;
}

/** The dataset at `path` below `group` (checked against `shape` when given); a LayoutError when missing. */
export function getDataset(group: Group, name: string, shape?: readonly number[]): Dataset {
  const d = child(group, name);
  if (!isDataset(d)) throw new LayoutError(`no dataset '${join(group, name)}'`);
  const actual = d.shape ?? [];
  if (shape && (actual.length !== shape.length || actual.some((n, i) => n !== shape[i]))) {
    throw new LayoutError(
      `dataset '${d.path}' has shape [${actual.join(', ')}], expected [${shape.join(', ')}]`,
    );
  }
  return d;
}

/** A float64 dataset's values (checked: its type and, when given, its shape). */
export function readF64(group: Group, name: string, shape?: readonly number[]): Float64Array {
  const d = getDataset(group, name, shape);
  const v = d.value;
  if (!(v instanceof Float64Array)) throw new LayoutError(`dataset '${d.path}' is not float64`);
  return v;
}

/** An integer dataset's values as numbers (checked: an integer type, safe values, the shape). */
export function readIntegers(group: Group, name: string, shape?: readonly number[]): number[] {
  const d = getDataset(group, name, shape);
  return integers(d.value, `dataset '${d.path}'`);
}

/** A string dataset's values. */
export function readStrings(group: Group, name: string, shape?: readonly number[]): string[] {
  const d = getDataset(group, name, shape);
  const v = d.value;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))
    throw new LayoutError(`dataset '${d.path}' does not hold strings`);
  return v as string[];
}

function attribute(target: Group | Dataset, name: string): Attribute {
  const a = target.attrs[name];
  if (!a) throw new LayoutError(`'${target.path}' has no attribute '${name}'`);
  return a;
}

/** Whether `target` has the attribute `name`. */
export function hasAttribute(target: Group | Dataset, name: string): boolean {
  return Object.hasOwn(target.attrs, name);
}

/** A string attribute. */
export function getString(target: Group | Dataset, name: string): string {
  const v = attribute(target, name).value;
  if (typeof v !== 'string') throw new LayoutError(`attribute '${name}' of '${target.path}' is not a string`);
  return v;
}

/** A JSON string attribute, parsed. */
export function getJson(target: Group | Dataset, name: string): unknown {
  const text = getString(target, name);
  try {
    return JSON.parse(text);
  } catch {
    throw new LayoutError(`attribute '${name}' of '${target.path}' is not JSON`);
  }
}

/** A scalar integer attribute as a number. */
export function getInteger(target: Group | Dataset, name: string): number {
  const values = getIntegers(target, name);
  if (values.length !== 1) throw new LayoutError(`attribute '${name}' of '${target.path}' is not a scalar`);
  return values[0];
}

/** An integer attribute (scalar or 1-D) as numbers. */
export function getIntegers(target: Group | Dataset, name: string): number[] {
  return integers(attribute(target, name).value, `attribute '${name}' of '${target.path}'`);
}

/** A scalar float attribute. */
export function getNumber(target: Group | Dataset, name: string): number {
  const v = attribute(target, name).value;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return integers(v, `attribute '${name}' of '${target.path}'`)[0];
  throw new LayoutError(`attribute '${name}' of '${target.path}' is not a number`);
}

function integers(v: unknown, what: string): number[] {
  const integerArray =
    v instanceof BigInt64Array ||
    v instanceof BigUint64Array ||
    v instanceof Int32Array ||
    v instanceof Uint32Array ||
    v instanceof Int16Array ||
    v instanceof Uint16Array ||
    v instanceof Int8Array ||
    v instanceof Uint8Array;
  if (!integerArray && typeof v !== 'bigint' && !(typeof v === 'number' && Number.isInteger(v)))
    throw new LayoutError(`${what} does not hold integers`);
  const list: (number | bigint)[] = integerArray
    ? Array.from(v as ArrayLike<number | bigint>)
    : [v as number];
  return list.map((x) => {
    const n = Number(x);
    if (!Number.isSafeInteger(n)) throw new LayoutError(`${what} holds ${String(x)}, not a safe integer`);
    return n;
  });
}
