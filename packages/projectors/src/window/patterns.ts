import type { WindowReader } from './reader.js';

/**
 * pat[p] = byte of the spins at padded positions p..p+7 (bit c set ⇔ spins[offset +
 * source[p + c]] = +1; positions past the end read as −1, where tables have zero weight).
 */
export function patterns(spins: Int8Array, offset: number, source: Int32Array, pat: Uint8Array): void {
  let byte = 0;
  for (let p = source.length - 1; p >= 0; p--) {
    byte = ((byte << 1) | ((spins[offset + source[p]] + 1) >> 1)) & 255;
    pat[p] = byte;
  }
}

/** In place: byte p takes the low `bits` bits of bytes p, p + stride, … (`lines` of them). */
export function packLines(
  pat: Uint8Array,
  length: number,
  stride: number,
  bits: number,
  lines: number,
): void {
  const mask = (1 << bits) - 1;
  for (let p = 0; p < length; p++) {
    let v = pat[p] & mask;
    for (let l = 1; l < lines; l++) v |= (pat[p + l * stride] & mask) << (l * bits);
    pat[p] = v;
  }
}

/**
 * The window bytes of the configuration at `spins[offset ..]` as `reader` lays them out
 * (`patterns`, packed if needed), into `pat` (`reader.patternLength` bytes).
 */
export function windowPatterns(
  reader: WindowReader,
  spins: Int8Array,
  offset: number,
  pat: Uint8Array,
): void {
  patterns(spins, offset, reader.source, pat);
  if (reader.linesPerByte > 1) {
    packLines(pat, reader.source.length, reader.lineStride, reader.lineBits, reader.linesPerByte);
  }
}
