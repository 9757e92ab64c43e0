/**
 * NumPy's .npy format, version 1.0 (numpy.lib.format): the magic "\x93NUMPY", version 1.0,
 * a little-endian uint16 header length, then a Python dict literal padded with spaces and a
 * newline so that the data starts at a multiple of 64 bytes; the data follow in C order.
 */
import { UsageError, writeFileAtomic } from '@rsrg/core';

/** The dtypes rsrg writes: int8 (spins) and float64, both little-endian (or byte-sized). */
export type NpyDtype = '|i1' | '<f8';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const PREAMBLE = 10; // magic, version, header length

function checkShape(shape: readonly number[]): void {
  if (!shape.every((n) => Number.isSafeInteger(n) && n >= 0))
    throw new UsageError(`npy shape [${shape.join(', ')}] is not a list of non-negative integers`);
}

/** The header of a .npy v1.0 file of `dtype` and `shape`: a multiple of 64 bytes. */
export function npyHeader(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  checkShape(shape);
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${tuple}, }`;
  const length = Math.ceil((PREAMBLE + dict.length + 1) / 64) * 64 - PREAMBLE;
  if (length > 0xffff) throw new UsageError('npy header too long for version 1.0');
  const out = new Uint8Array(PREAMBLE + length);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  out[8] = length & 0xff;
  out[9] = length >> 8;
  const text = `${dict.padEnd(length - 1, ' ')}\n`;
  for (let i = 0; i < text.length; i++) out[PREAMBLE + i] = text.charCodeAt(i);
  return out;
}

/** The bytes of `data` as little-endian .npy data (a view when the platform is little-endian). */
export function npyData(data: Int8Array | Float64Array): Uint8Array {
  if (data instanceof Int8Array || new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f)
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat64(i * 8, data[i], true);
  return out;
}

/** A whole .npy file: int8 data as '|i1', float64 as '<f8'; the product of `shape` is the length. */
export function encodeNpy(data: Int8Array | Float64Array, shape: readonly number[]): Uint8Array {
  checkShape(shape);
  const size = shape.reduce((p, n) => p * n, 1);
  if (size !== data.length)
    throw new UsageError(`npy shape [${shape.join(', ')}] holds ${size} values, not ${data.length}`);
  const header = npyHeader(data instanceof Int8Array ? '|i1' : '<f8', shape);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header);
  out.set(npyData(data), header.length);
  return out;
}

/** A .npy file of dtype '|i1' or '<f8' read back (C order only). Throws on anything else. */
export function decodeNpy(bytes: Uint8Array): {
  /** The element type: '|i1' (int8 spins) or '<f8' (little-endian float64). */
  dtype: NpyDtype;
  /** The array's shape, C order. */
  shape: number[];
  /** The values, flat in C order, typed after `dtype`. */
  data: Int8Array | Float64Array;
} {
  const fail = (why: string): never => {
    throw new Error(`not a .npy file rsrg reads: ${why}`);
  };
  if (bytes.length < PREAMBLE || MAGIC.some((b, i) => bytes[i] !== b)) fail('no magic');
  if (bytes[6] !== 1) fail(`version ${bytes[6]}.${bytes[7]}`);
  const length = bytes[8] | (bytes[9] << 8);
  const text = String.fromCharCode(...bytes.subarray(PREAMBLE, PREAMBLE + length));
  const descr = /'descr':\s*'([^']*)'/.exec(text)?.[1];
  if (descr !== '|i1' && descr !== '<f8') fail(`dtype '${descr}'`);
  if (!/'fortran_order':\s*False/.test(text)) fail('Fortran order');
  const tuple = /'shape':\s*\(([^)]*)\)/.exec(text)?.[1] ?? fail('no shape');
  const shape = tuple
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const size = shape.reduce((p, n) => p * n, 1);
  const body = bytes.subarray(PREAMBLE + length);
  const dtype = descr as NpyDtype;
  const width = dtype === '|i1' ? 1 : 8;
  if (body.length !== size * width) fail(`${body.length} data bytes for ${size} values`);
  const copy = new Uint8Array(body); // a copy (a Buffer's slice() would be a view)
  if (dtype === '|i1') return { dtype, shape, data: new Int8Array(copy.buffer) };
  const view = new DataView(copy.buffer);
  return { dtype, shape, data: Float64Array.from({ length: size }, (_, i) => view.getFloat64(i * 8, true)) };
}

/** Writes `data` as a .npy file atomically (core's `writeFileAtomic`: temp file, fsync, rename). */
export function writeNpy(
  path: string,
  data: Int8Array | Float64Array,
  shape: readonly number[],
  options: { readonly label?: string } = {},
): void {
  writeFileAtomic(path, encodeNpy(data, shape), options);
}
