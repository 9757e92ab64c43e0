import { UsageError } from './errors/index.js';
import type { Lattice } from './lattice.js';
import type { Rng } from './rng.js';

/**
 * A spin configuration: one Int8Array entry per site. Ising models store ±1; q-state models
 * store the state 0…q−1 as an unsigned byte (read through `stateView`).
 */
export type Spins = Int8Array;

/**
 * How a model stores a site: `'sign'` is the Ising ±1 (q = 2), `'state'` the states 0…q−1 of a
 * q-state model as unsigned bytes (q ≤ 256).
 */
export interface SpinEncoding {
  /** 'sign' (±1) or 'state' (0…q−1). */
  readonly kind: 'sign' | 'state';
  /** States per site q. */
  readonly states: number;
}

/** The Ising encoding: two states stored as ±1. */
export const ISING_SPINS: SpinEncoding = Object.freeze({ kind: 'sign', states: 2 });

/** The q-state encoding, states 0…q−1 as unsigned bytes; throws a UsageError unless 2 ≤ q ≤ 256. */
export function stateSpins(q: number): SpinEncoding {
  if (!Number.isInteger(q) || q < 2 || q > 256)
    throw new UsageError(`states per site must be an integer in [2, 256], got ${q}`);
  return Object.freeze({ kind: 'state', states: q });
}

/** Whether an encoding is the Ising ±1 one (absent means Ising). */
export function isSignEncoding(encoding: SpinEncoding | undefined): boolean {
  return encoding === undefined || encoding.kind === 'sign';
}

/** Bits per stored spin, ⌈log₂ q⌉ (1 for Ising). */
export function bitsPerSpin(encoding: SpinEncoding): number {
  return Math.max(1, Math.ceil(Math.log2(encoding.states)));
}

/** The unsigned-byte view of q-state spins: made once, outside hot loops. */
export function stateView(spins: Spins): Uint8Array {
  return new Uint8Array(spins.buffer, spins.byteOffset, spins.length);
}

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

/**
 * A hot start in any encoding: the Ising one draws `randomSpins` (the same stream), a q-state
 * one a uniform state per site with `rng.nextInt(q)`.
 */
export function randomConfiguration(lattice: Lattice, rng: Rng, encoding: SpinEncoding = ISING_SPINS): Spins {
  if (encoding.kind === 'sign') return randomSpins(lattice, rng);
  const s = new Int8Array(lattice.volume);
  const u = stateView(s);
  for (let i = 0; i < u.length; i++) u[i] = rng.nextInt(encoding.states);
  return s;
}

/**
 * Storage form of a configuration in any encoding, `bitsPerSpin` bits per spin, LSB first:
 * the Ising encoding is exactly `packSpins` (one bit, set for +1), a q-state one stores the state.
 */
export function packConfigurationBits(spins: Spins, encoding: SpinEncoding): Uint8Array {
  if (encoding.kind === 'sign') return packSpins(spins);
  const bits = bitsPerSpin(encoding);
  const out = new Uint8Array(packedBytes(spins.length, encoding));
  const u = stateView(spins);
  for (let i = 0, p = 0; i < u.length; i++, p += bits) {
    const v = u[i];
    for (let b = 0; b < bits; b++) if ((v >> b) & 1) out[(p + b) >> 3] |= 1 << ((p + b) & 7);
  }
  return out;
}

/** Bytes of `packConfigurationBits` for `volume` spins. */
export function packedBytes(volume: number, encoding: SpinEncoding): number {
  return (volume * bitsPerSpin(encoding) + 7) >> 3;
}

/**
 * The inverse of `packConfigurationBits`; throws an Error when a stored state is ≥ q (a damaged
 * file), so that no kernel ever reads a state the model does not have.
 */
export function unpackConfigurationBits(
  packed: Uint8Array,
  volume: number,
  encoding: SpinEncoding,
  out: Spins = new Int8Array(volume),
): Spins {
  if (encoding.kind === 'sign') return unpackSpins(packed, volume, out);
  const bits = bitsPerSpin(encoding);
  const q = encoding.states;
  const u = stateView(out);
  for (let i = 0, p = 0; i < volume; i++, p += bits) {
    let v = 0;
    for (let b = 0; b < bits; b++) v |= ((packed[(p + b) >> 3] >> ((p + b) & 7)) & 1) << b;
    if (v >= q) throw new Error(`spin ${i} holds state ${v}, not one of 0…${q - 1}`);
    u[i] = v;
  }
  return out;
}

/** Configuration k of q^N in enumeration order, q-state encoding: digit i (base q) of k is the state of site i. */
export function statesFromIndex(
  k: number,
  volume: number,
  q: number,
  out: Spins = new Int8Array(volume),
): Spins {
  const u = stateView(out);
  for (let i = 0; i < volume; i++) {
    u[i] = k % q;
    k = Math.floor(k / q);
  }
  return out;
}

/** The inverse of `statesFromIndex`. */
export function indexFromStates(spins: Spins, q: number): number {
  const u = stateView(spins);
  let k = 0;
  for (let i = u.length - 1; i >= 0; i--) k = k * q + u[i];
  return k;
}
