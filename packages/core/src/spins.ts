import type { Lattice } from './lattice.js';
import type { Rng } from './rng.js';

/** A spin configuration: one Int8Array entry (+1 or −1) per site. */
export type Spins = Int8Array;

/** The fully ordered configuration, every spin +1 (a cold start). */
export function allUp(lattice: Lattice): Spins {
  return new Int8Array(lattice.volume).fill(1);
}

/** An infinite-temperature configuration: every spin an independent fair ±1 from `rng` (a hot start). */
export function randomSpins(lattice: Lattice, rng: Rng): Spins {
  const s = new Int8Array(lattice.volume);
  for (let i = 0; i < s.length; i++) s[i] = rng.nextSign();
  return s;
}

/** Bit-packed storage form: bit i of byte i>>3 (LSB first) is 1 for spin +1. */
export function packSpins(spins: Spins): Uint8Array {
  const out = new Uint8Array((spins.length + 7) >> 3);
  for (let i = 0; i < spins.length; i++) if (spins[i] > 0) out[i >> 3] |= 1 << (i & 7);
  return out;
}

/** The inverse of `packSpins`: `volume` spins from their packed bits, into `out` when given. */
export function unpackSpins(packed: Uint8Array, volume: number, out: Spins = new Int8Array(volume)): Spins {
  for (let i = 0; i < volume; i++) out[i] = (packed[i >> 3] >> (i & 7)) & 1 ? 1 : -1;
  return out;
}

/** Configuration k of 2^N in enumeration order: bit i of k set means spin i is −1. */
export function spinsFromIndex(k: number, volume: number, out: Spins = new Int8Array(volume)): Spins {
  for (let i = 0; i < volume; i++) out[i] = (k >>> i) & 1 ? -1 : 1;
  return out;
}

/** The inverse of `spinsFromIndex`: the enumeration index of a configuration (bit i set when spin i is −1). */
export function indexFromSpins(spins: Spins): number {
  let k = 0;
  for (let i = 0; i < spins.length; i++) if (spins[i] < 0) k += 2 ** i;
  return k;
}
