import { type Codec, defineCodec } from '@rsrg/core';
import type { ResolvedTrainOptions } from './options.js';
import type { EpochInfo, RbmTrainingState } from './training.js';

/** A typed array's bytes (little-endian as in memory), so that every bit comes back. */
function bytesOf(a: Float64Array | Uint32Array | Int32Array | Int8Array): Uint8Array {
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

function view<T>(d: unknown, key: string, width: number, make: (b: ArrayBuffer) => T): T {
  if (!(d instanceof Uint8Array) || d.byteLength % width !== 0) {
    throw new Error(`field '${key}' is not an array of ${width}-byte numbers`);
  }
  return make(d.slice().buffer);
}

function isMap(d: unknown): d is Record<string, unknown> {
  return typeof d === 'object' && d !== null && !Array.isArray(d) && !ArrayBuffer.isView(d);
}

function count(d: Record<string, unknown>, key: string): number {
  const v = d[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new Error(`field '${key}' is not a non-negative integer`);
  }
  return v;
}

function real(d: Record<string, unknown>, key: string): number {
  const v = d[key];
  if (typeof v !== 'number') throw new Error(`field '${key}' is not a number`);
  return v;
}

const f64 = (d: unknown, key: string) => view(d, key, 8, (b) => new Float64Array(b));

/**
 * The state of trainer `rbm` in a checkpoint (`TrainingCheckpoint.state`; kind
 * `rbm-training-state`): the position (epoch, next minibatch, step), the weights, Adam's
 * moments, stream 0 and every slot's RNG state, the epoch's order, the PCD chains, the history
 * and snapshots so far. Arrays are stored as their bytes, so the state comes back bit for bit.
 */
export const rbmTrainingStateCodec: Codec<RbmTrainingState> = defineCodec<RbmTrainingState>({
  kind: 'rbm-training-state',
  version: 1,
  toData: (s) => ({
    options: s.options,
    data: { lattice: [...s.data.lattice], configurations: s.data.configurations },
    step: s.step,
    epoch: s.epoch,
    first: s.first,
    differ: s.differ,
    absGrad: bytesOf(Float64Array.of(s.absGrad)),
    elapsed: s.elapsed,
    weights: bytesOf(s.weights),
    adam: { m: bytesOf(s.adam.m), v: bytesOf(s.adam.v), t: s.adam.t },
    master: bytesOf(s.master),
    order: bytesOf(s.order),
    slotRngs: bytesOf(s.slotRngs),
    ...(s.chains && { chains: bytesOf(s.chains) }),
    // JSON keeps each number (a float64 round-trips through its shortest text) and null.
    history: JSON.stringify(s.history),
    snapshots: s.snapshots.map((x) => ({ epoch: x.epoch, weights: bytesOf(x.weights) })),
  }),
  fromData: (d) => {
    if (!isMap(d)) throw new Error('data is not a map');
    if (!isMap(d.options)) throw new Error("field 'options' is not a map");
    if (!isMap(d.data) || !Array.isArray(d.data.lattice)) throw new Error("field 'data' is not a map");
    if (!isMap(d.adam)) throw new Error("field 'adam' is not a map");
    if (typeof d.history !== 'string') throw new Error("field 'history' is not text");
    if (!Array.isArray(d.snapshots)) throw new Error("field 'snapshots' is not a list");
    const absGrad = f64(d.absGrad, 'absGrad');
    if (absGrad.length !== 1) throw new Error("field 'absGrad' is not one number");
    return {
      options: d.options as unknown as ResolvedTrainOptions,
      data: {
        lattice: (d.data.lattice as unknown[]).map(Number),
        configurations: count(d.data, 'configurations'),
      },
      step: count(d, 'step'),
      epoch: count(d, 'epoch'),
      first: count(d, 'first'),
      differ: count(d, 'differ'),
      absGrad: absGrad[0],
      elapsed: real(d, 'elapsed'),
      weights: f64(d.weights, 'weights'),
      adam: { m: f64(d.adam.m, 'adam.m'), v: f64(d.adam.v, 'adam.v'), t: count(d.adam, 't') },
      master: view(d.master, 'master', 4, (b) => new Uint32Array(b)),
      order: view(d.order, 'order', 4, (b) => new Int32Array(b)),
      slotRngs: view(d.slotRngs, 'slotRngs', 4, (b) => new Uint32Array(b)),
      ...(d.chains !== undefined && { chains: view(d.chains, 'chains', 1, (b) => new Int8Array(b)) }),
      history: JSON.parse(d.history) as EpochInfo[],
      snapshots: d.snapshots.map((x: unknown) => {
        if (!isMap(x)) throw new Error('a snapshot is not a map');
        return { epoch: count(x, 'epoch'), weights: f64(x.weights, 'snapshot weights') };
      }),
    };
  },
});
