import { bitsPerSpin, type SpinEncoding, type Spins } from '@rsrg/core';

/**
 * Many configurations in one bit-packed array, `bytesPerConfiguration(volume, encoding)` bytes
 * each. Ising spins (no encoding, or the sign one) take the layout of core's `packSpins` (bit i
 * of byte i>>3, LSB first, set for spin +1); q-state spins take ⌈log₂ q⌉ bits each, LSB first,
 * in the layout of core's `packConfigurationBits`. These read and write configuration `index`
 * in place, without a view or any other allocation.
 */
export function bytesPerConfiguration(volume: number, encoding?: SpinEncoding): number {
  if (encoding === undefined || encoding.kind === 'sign') return (volume + 7) >> 3;
  return (volume * bitsPerSpin(encoding) + 7) >> 3;
}

/** Writes `spins` as configuration `index` of `packed`. */
export function packConfiguration(
  spins: Spins,
  packed: Uint8Array,
  index: number,
  encoding?: SpinEncoding,
): void {
  if (encoding !== undefined && encoding.kind === 'state') {
    packStates(spins, packed, index, encoding);
    return;
  }
  const volume = spins.length;
  let byte = index * bytesPerConfiguration(volume);
  let i = 0;
  for (; i + 8 <= volume; i += 8) {
    packed[byte++] =
      (spins[i] > 0 ? 1 : 0) |
      (spins[i + 1] > 0 ? 2 : 0) |
      (spins[i + 2] > 0 ? 4 : 0) |
      (spins[i + 3] > 0 ? 8 : 0) |
      (spins[i + 4] > 0 ? 16 : 0) |
      (spins[i + 5] > 0 ? 32 : 0) |
      (spins[i + 6] > 0 ? 64 : 0) |
      (spins[i + 7] > 0 ? 128 : 0);
  }
  if (i < volume) {
    let bits = 0;
    for (let k = 0; i + k < volume; k++) if (spins[i + k] > 0) bits |= 1 << k;
    packed[byte] = bits;
  }
}

/** Reads configuration `index` of `packed` into `out` (its length is the volume). */
export function unpackConfiguration(
  packed: Uint8Array,
  index: number,
  out: Spins,
  encoding?: SpinEncoding,
): Spins {
  if (encoding !== undefined && encoding.kind === 'state') return unpackStates(packed, index, out, encoding);
  const volume = out.length;
  let byte = index * bytesPerConfiguration(volume);
  let i = 0;
  for (; i + 8 <= volume; i += 8) {
    const bits = packed[byte++];
    // ((bits >> k) & 1) * 2 − 1 maps bit 1 → +1 and bit 0 → −1 without a branch.
    out[i] = ((bits & 1) << 1) - 1;
    out[i + 1] = (bits & 2) - 1;
    out[i + 2] = ((bits >> 1) & 2) - 1;
    out[i + 3] = ((bits >> 2) & 2) - 1;
    out[i + 4] = ((bits >> 3) & 2) - 1;
    out[i + 5] = ((bits >> 4) & 2) - 1;
    out[i + 6] = ((bits >> 5) & 2) - 1;
    out[i + 7] = ((bits >> 6) & 2) - 1;
  }
  for (let k = 0; i < volume; i++, k++) out[i] = (((packed[byte] >> k) & 1) << 1) - 1;
  return out;
}

/** q-state spins as ⌈log₂ q⌉ bits each, the states read as unsigned bytes. */
function packStates(spins: Spins, packed: Uint8Array, index: number, encoding: SpinEncoding): void {
  const volume = spins.length;
  const bits = bitsPerSpin(encoding);
  const start = index * bytesPerConfiguration(volume, encoding);
  packed.fill(0, start, start + bytesPerConfiguration(volume, encoding));
  let p = start * 8;
  for (let i = 0; i < volume; i++) {
    const v = spins[i] & 0xff;
    for (let b = 0; b < bits; b++, p++) if ((v >> b) & 1) packed[p >> 3] |= 1 << (p & 7);
  }
}

/** The inverse of `packStates`; a state ≥ q (a damaged array) is an Error. */
function unpackStates(packed: Uint8Array, index: number, out: Spins, encoding: SpinEncoding): Spins {
  const volume = out.length;
  const bits = bitsPerSpin(encoding);
  const q = encoding.states;
  let p = index * bytesPerConfiguration(volume, encoding) * 8;
  for (let i = 0; i < volume; i++) {
    let v = 0;
    for (let b = 0; b < bits; b++, p++) v |= ((packed[p >> 3] >> (p & 7)) & 1) << b;
    if (v >= q) throw new Error(`configuration ${index}: spin ${i} holds state ${v}, not one of 0…${q - 1}`);
    out[i] = v;
  }
  return out;
}
