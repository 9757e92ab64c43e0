/**
 * Chain snapshots as data: the check that one fits a run, and their file format.
 */
import {
  defineCodec,
  packConfigurationBits,
  packedBytes,
  packSpins,
  stateSpins,
  UsageError,
  unpackConfigurationBits,
  unpackSpins,
} from '@rsrg/core';
import { accumulatorFromData, accumulatorToData, float64Bytes, float64FromBytes } from './accumulator.js';
import { binSamples, chainSamples } from './config/partition.js';
import type { McrgSetup, SamplingSetup } from './config/types.js';
import { bytesPerConfiguration } from './packed-configurations.js';
import type { ChainSnapshot, EnsembleSnapshot } from './protocol.js';

/** The energy series kept per chain for τ_int (the first values). */
export const TAU_SERIES_LENGTH = 65_536;

/**
 * The jackknife bin a chain of `n` measurements is in after `k` of them, and the measurements
 * still to go into it: where `runChain`'s measurement stands after k measurements.
 */
export function binPosition(
  n: number,
  bins: number,
  k: number,
): {
  /** The bin (0..bins−1) the next measurement goes into. */
  bin: number;
  /** Measurements still to go into that bin. */
  left: number;
} {
  let bin = 0;
  let left = binSamples(n, bins, 0);
  let rest = k;
  while (rest > 0 && bin < bins) {
    if (left === 0) {
      left = binSamples(n, bins, ++bin);
      continue;
    }
    const take = Math.min(left, rest);
    left -= take;
    rest -= take;
  }
  return { bin, left };
}

/**
 * Checks that `s` is a snapshot of chain `chain` of the run `setup` describes: the lattice,
 * the projectors and their bins, positions within the chain, and the bin position they imply.
 * Throws a UsageError naming the first mismatch.
 */
export function checkSnapshot(setup: McrgSetup, chain: number, s: ChainSnapshot): void {
  const { thermalize, binsPerChain, samples, chains, levels } = setup.config;
  const n = chainSamples(samples, chains, chain);
  const fail = (what: string) => {
    throw new UsageError(`the snapshot of chain ${s.chain} does not fit chain ${chain} of this run: ${what}`);
  };
  if (s.chain !== chain) fail('another chain');
  if (s.spins.length !== setup.lattice.volume)
    fail(`${s.spins.length} spins, the lattice has ${setup.lattice.volume}`);
  if (s.rng.length !== 4) fail('the sampling stream is not 4 words');
  const p = setup.projectors.length;
  if (s.streams.length !== 4 * p || s.accumulators.length !== p)
    fail(`${s.accumulators.length} projectors, the run has ${p}`);
  const m = setup.couplings.even.length + setup.couplings.odd.length;
  for (const a of s.accumulators) {
    if (
      a.levels !== levels ||
      a.blockSize !== setup.blockSize ||
      a.nEven + a.nOdd !== m ||
      a.nEven !== setup.couplings.even.length ||
      a.bins !== binsPerChain
    )
      fail('bins of another shape (levels, block size, couplings or bins per chain differ)');
  }
  const whole = (v: number) => Number.isSafeInteger(v) && v >= 0;
  if (!whole(s.thermalized) || s.thermalized > thermalize)
    fail(`${s.thermalized} thermalization moves done, of ${thermalize}`);
  if (!whole(s.measured) || s.measured > n) fail(`${s.measured} measurements done, of ${n}`);
  if (s.measured > 0 && s.thermalized !== thermalize)
    fail('measurements before the end of the thermalization');
  if (s.phase !== (s.thermalized < thermalize ? 'thermalize' : 'measure')) fail(`phase '${s.phase}'`);
  const expected = binPosition(n, binsPerChain, s.measured);
  if (s.bin !== expected.bin || s.left !== expected.left)
    fail(`bin ${s.bin} with ${s.left} left, expected bin ${expected.bin} with ${expected.left} left`);
  if (s.energy.length !== Math.min(s.measured, TAU_SERIES_LENGTH))
    fail('an energy series of the wrong length');
  if (!whole(s.moves) || !whole(s.spinsUpdated)) fail('move counters are not non-negative integers');
}

/**
 * Checks that `s` is a snapshot of sampling chain `chain` of the run `setup` describes: the
 * lattice, positions within the chain and the configurations kept so far. Throws a UsageError
 * naming the first mismatch.
 */
export function checkEnsembleSnapshot(setup: SamplingSetup, chain: number, s: EnsembleSnapshot): void {
  const { thermalize, samples, chains } = setup.config;
  const n = chainSamples(samples, chains, chain);
  const fail = (what: string) => {
    throw new UsageError(`the snapshot of chain ${s.chain} does not fit chain ${chain} of this run: ${what}`);
  };
  if (s.chain !== chain) fail('another chain');
  if (s.spins.length !== setup.lattice.volume)
    fail(`${s.spins.length} spins, the lattice has ${setup.lattice.volume}`);
  if (s.rng.length !== 4) fail('the sampling stream is not 4 words');
  const whole = (v: number) => Number.isSafeInteger(v) && v >= 0;
  if (!whole(s.thermalized) || s.thermalized > thermalize)
    fail(`${s.thermalized} thermalization moves done, of ${thermalize}`);
  if (!whole(s.kept) || s.kept > n) fail(`${s.kept} configurations kept, of ${n}`);
  if (s.kept > 0 && s.thermalized !== thermalize) fail('configurations before the end of the thermalization');
  if (s.phase !== (s.thermalized < thermalize ? 'thermalize' : 'measure')) fail(`phase '${s.phase}'`);
  if (s.packed.length !== s.kept * bytesPerConfiguration(setup.lattice.volume, setup.model.spins))
    fail(`${s.packed.length} bytes of configurations for ${s.kept} kept`);
  if (!whole(s.moves) || !whole(s.spinsUpdated)) fail('move counters are not non-negative integers');
}

function isMap(d: unknown): d is Record<string, unknown> {
  return typeof d === 'object' && d !== null && !Array.isArray(d) && !ArrayBuffer.isView(d);
}

function wholeField(o: Record<string, unknown>, name: string): number {
  const v = o[name];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new Error(`field '${name}' is ${JSON.stringify(v)}, not a non-negative integer`);
  return v;
}

function words(o: Record<string, unknown>, name: string, count?: number): Uint32Array {
  const v = o[name];
  if (
    !Array.isArray(v) ||
    (count !== undefined && v.length !== count) ||
    !v.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)
  )
    throw new Error(`field '${name}' is not ${count ?? 'a list of'} unsigned 32-bit words`);
  return Uint32Array.from(v as number[]);
}

/**
 * A snapshot as a msgpack payload: spins bit-packed, one bit each when every one is ±1, else as
 * states of ⌈log₂ q⌉ bits with q one more than the largest state held ('states', q in
 * `states`); float arrays little-endian, RNG states as lists of words. For files that embed
 * snapshots (run checkpoints); `chainSnapshotCodec` is the file of one.
 */
export function chainSnapshotToData(s: ChainSnapshot): Record<string, unknown> {
  return {
    chain: s.chain,
    phase: s.phase,
    thermalized: s.thermalized,
    measured: s.measured,
    bin: s.bin,
    left: s.left,
    ...spinsToData(s.spins),
    rng: Array.from(s.rng),
    moves: s.moves,
    streams: Array.from(s.streams),
    accumulators: s.accumulators.map(accumulatorToData),
    energy: float64Bytes(s.energy),
    spinsUpdated: s.spinsUpdated,
  };
}

/**
 * The spins of a snapshot as data: one bit each when every one is ±1 ('bits'), else states of
 * ⌈log₂ q⌉ bits with q one more than the largest state held ('states', q in `states`).
 */
function spinsToData(spins: Int8Array) {
  const ising = spins.every((v) => v === 1 || v === -1);
  if (ising) return { volume: spins.length, spinEncoding: 'bits', spins: packSpins(spins) };
  let top = 1;
  for (let i = 0; i < spins.length; i++) top = Math.max(top, spins[i] & 0xff);
  const encoding = stateSpins(top + 1);
  return {
    volume: spins.length,
    spinEncoding: 'states',
    states: encoding.states,
    spins: packConfigurationBits(spins, encoding),
  };
}

/**
 * The inverse of `spinsToData`, also reading the one byte per spin ('int8') that snapshots of
 * other spins once had; throws an Error naming a malformed field.
 */
function spinsFromData(d: Record<string, unknown>): Int8Array {
  const volume = wholeField(d, 'volume');
  const raw = d.spins;
  if (d.spinEncoding === 'bits') {
    if (!(raw instanceof Uint8Array) || raw.length !== (volume + 7) >> 3)
      throw new Error(`field 'spins' does not hold ${volume} packed spins`);
    return unpackSpins(raw, volume);
  }
  if (d.spinEncoding === 'states') {
    const q = d.states;
    if (typeof q !== 'number' || !Number.isInteger(q) || q < 2 || q > 256)
      throw new Error(`field 'states' is ${JSON.stringify(q)}, not an integer in [2, 256]`);
    const encoding = stateSpins(q);
    if (!(raw instanceof Uint8Array) || raw.length !== packedBytes(volume, encoding))
      throw new Error(`field 'spins' does not hold ${volume} packed ${q}-state spins`);
    return unpackConfigurationBits(raw, volume, encoding);
  }
  if (d.spinEncoding === 'int8') {
    if (!(raw instanceof Uint8Array) || raw.length !== volume)
      throw new Error(`field 'spins' does not hold ${volume} spins`);
    return new Int8Array(raw.slice().buffer);
  }
  throw new Error(
    `field 'spinEncoding' is ${JSON.stringify(d.spinEncoding)}, not 'bits', 'states' or 'int8'`,
  );
}

/** The inverse of `chainSnapshotToData`; throws an Error naming a malformed field. */
export function chainSnapshotFromData(d: unknown): ChainSnapshot {
  if (!isMap(d)) throw new Error('snapshot is not a map');
  const spins = spinsFromData(d);
  if (d.phase !== 'thermalize' && d.phase !== 'measure')
    throw new Error(`field 'phase' is ${JSON.stringify(d.phase)}, not 'thermalize' or 'measure'`);
  if (!Array.isArray(d.accumulators)) throw new Error("field 'accumulators' is not a list");
  const accumulators = d.accumulators.map(accumulatorFromData);
  const streams = words(d, 'streams');
  if (streams.length !== 4 * accumulators.length)
    throw new Error(`field 'streams' does not hold one stream per projector`);
  const measured = wholeField(d, 'measured');
  const energyBytes = d.energy;
  if (!(energyBytes instanceof Uint8Array) || energyBytes.length % 8 !== 0)
    throw new Error("field 'energy' is not a list of float64");
  return {
    chain: wholeField(d, 'chain'),
    phase: d.phase,
    thermalized: wholeField(d, 'thermalized'),
    measured,
    bin: wholeField(d, 'bin'),
    left: wholeField(d, 'left'),
    spins,
    rng: words(d, 'rng', 4),
    moves: wholeField(d, 'moves'),
    streams,
    accumulators,
    energy: float64FromBytes(energyBytes, energyBytes.length / 8, 'energy'),
    spinsUpdated: wholeField(d, 'spinsUpdated'),
  };
}

/** The file of one chain snapshot (kind 'chain-snapshot', checksummed like every rsrg file). */
export const chainSnapshotCodec = defineCodec<ChainSnapshot>({
  kind: 'chain-snapshot',
  version: 1,
  toData: chainSnapshotToData,
  fromData: chainSnapshotFromData,
});

/**
 * A sampling chain's snapshot as a msgpack payload (spins as in `chainSnapshotToData`, the
 * kept configurations as their packed bytes, in the model's spin encoding), for files that
 * embed snapshots (checkpoints of `rsrg sample` runs).
 */
export function ensembleSnapshotToData(s: EnsembleSnapshot): Record<string, unknown> {
  return {
    chain: s.chain,
    phase: s.phase,
    thermalized: s.thermalized,
    kept: s.kept,
    ...spinsToData(s.spins),
    rng: Array.from(s.rng),
    moves: s.moves,
    spinsUpdated: s.spinsUpdated,
    packed: s.packed,
  };
}

/** The inverse of `ensembleSnapshotToData`; throws an Error naming a malformed field. */
export function ensembleSnapshotFromData(d: unknown): EnsembleSnapshot {
  if (!isMap(d)) throw new Error('snapshot is not a map');
  const spins = spinsFromData(d);
  if (d.phase !== 'thermalize' && d.phase !== 'measure')
    throw new Error(`field 'phase' is ${JSON.stringify(d.phase)}, not 'thermalize' or 'measure'`);
  const kept = wholeField(d, 'kept');
  // Bytes per configuration depend on the model's spins, which `checkEnsembleSnapshot` checks.
  const packed = d.packed;
  if (!(packed instanceof Uint8Array) || (kept === 0 ? packed.length !== 0 : packed.length % kept !== 0))
    throw new Error(`field 'packed' does not hold ${kept} packed configurations`);
  return {
    chain: wholeField(d, 'chain'),
    phase: d.phase,
    thermalized: wholeField(d, 'thermalized'),
    kept,
    spins,
    rng: words(d, 'rng', 4),
    moves: wholeField(d, 'moves'),
    spinsUpdated: wholeField(d, 'spinsUpdated'),
    packed: packed.slice(),
  };
}
