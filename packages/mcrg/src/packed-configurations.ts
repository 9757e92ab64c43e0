import type { Spins } from '@rsrg/core';

/**
 * Many configurations in one bit-packed array, `bytesPerConfiguration(volume)` bytes each, each
 * in the layout of core's `packSpins` (bit i of byte i>>3, LSB first, set for spin +1). These
 * read and write configuration `index` in place, without a view or any other allocation.
 */
export function bytesPerConfiguration(volume: number): number {
  return (volume + 7) >> 3;
}

/** Writes `spins` as configuration `index` of `packed`. */
export function packConfiguration(spins: Spins, packed: Uint8Array, index: number): void {
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
export function unpackConfiguration(packed: Uint8Array, index: number, out: Spins): Spins {
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
