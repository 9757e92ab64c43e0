import { defineCodec, UsageError } from '@rsrg/core';

/** What an accumulator measures: RG steps, block size and the two coupling sectors. */
export interface AccumulatorShape {
  /** RG steps; levels 0..levels are accumulated. */
  readonly levels: number;
  /** Scale factor b of the projector, for y = ln λ / ln b. */
  readonly blockSize: number;
  /** Even couplings, indices 0..nEven−1 of every level. */
  readonly nEven: number;
  /** Odd couplings, indices nEven..nEven+nOdd−1 of every level. */
  readonly nOdd: number;
}

/**
 * Per-bin sums of Swendsen's MCRG, as plain typed arrays (structured-cloneable and
 * transferable). With m = nEven + nOdd and bin-major storage:
 * - `count[k]`: measurements in bin k;
 * - `sum[(k·(levels+1) + n)·m + α]`: Σ S^{(n)}_α;
 * - `sumSq[((k·(levels+1) + n)·m + γ)·m + α]`: Σ S^{(n)}_γ S^{(n)}_α;
 * - `sumCross[((k·levels + n)·m + γ)·m + β]`: Σ S^{(n+1)}_γ S^{(n)}_β, n = 0..levels−1.
 *
 * Coupling sums are integers, so every entry is an exact integer while below 2^53: sums do
 * not depend on the order of addition, and (total − bin) is exact.
 */
export interface Accumulator extends AccumulatorShape {
  /** Jackknife bins: every array holds one block of sums per bin. */
  readonly bins: number;
  /** Measurements per bin. */
  readonly count: Float64Array;
  /** Σ S^{(n)}_α per bin and level: the coupling averages. */
  readonly sum: Float64Array;
  /** Σ S^{(n)}_γ S^{(n)}_α per bin and level: the correlations within a level, for A. */
  readonly sumSq: Float64Array;
  /** Σ S^{(n+1)}_γ S^{(n)}_β per bin and RG step: the correlations across a step, for B. */
  readonly sumCross: Float64Array;
}

/** An empty accumulator with `bins` bins. */
export function createAccumulator(shape: AccumulatorShape, bins: number): Accumulator {
  const { levels, blockSize, nEven, nOdd } = shape;
  for (const [name, v, min] of [
    ['levels', levels, 0],
    ['blockSize', blockSize, 2],
    ['nEven', nEven, 0],
    ['nOdd', nOdd, 0],
    ['bins', bins, 1],
  ] as const) {
    if (!Number.isInteger(v) || v < min)
      throw new UsageError(`accumulator ${name} must be an integer ≥ ${min}, got ${v}`);
  }
  const m = nEven + nOdd;
  const L1 = levels + 1;
  return {
    levels,
    blockSize,
    nEven,
    nOdd,
    bins,
    count: new Float64Array(bins),
    sum: new Float64Array(bins * L1 * m),
    sumSq: new Float64Array(bins * L1 * m * m),
    sumCross: new Float64Array(bins * levels * m * m),
  };
}

/**
 * Adds one measurement `S` (layout of `MeasurementPipeline.values`: level n at n·m) to
 * bin `bin`. The hot path: flat loops, no allocation.
 */
export function accumulate(acc: Accumulator, bin: number, S: Float64Array): void {
  const m = acc.nEven + acc.nOdd;
  const levels = acc.levels;
  const L1 = levels + 1;
  const sum = acc.sum;
  const sumSq = acc.sumSq;
  const sumCross = acc.sumCross;
  acc.count[bin] += 1;
  const sumBase = bin * L1 * m;
  for (let i = 0; i < L1 * m; i++) sum[sumBase + i] += S[i];
  for (let n = 0; n < L1; n++) {
    const level = n * m;
    let row = (bin * L1 + n) * m * m;
    for (let g = 0; g < m; g++) {
      const sg = S[level + g];
      for (let a = 0; a < m; a++) sumSq[row + a] += sg * S[level + a];
      row += m;
    }
  }
  for (let n = 0; n < levels; n++) {
    const fine = n * m;
    const coarse = fine + m;
    let row = (bin * levels + n) * m * m;
    for (let g = 0; g < m; g++) {
      const sg = S[coarse + g];
      for (let b = 0; b < m; b++) sumCross[row + b] += sg * S[fine + b];
      row += m;
    }
  }
}

/**
 * Concatenates the bins of several accumulators of the same shape, in the order given
 * (chain-index order makes the merge deterministic).
 */
export function mergeAccumulators(parts: readonly Accumulator[]): Accumulator {
  if (parts.length === 0) throw new UsageError('nothing to merge: no accumulators');
  const first = parts[0];
  for (const p of parts) {
    if (
      p.levels !== first.levels ||
      p.blockSize !== first.blockSize ||
      p.nEven !== first.nEven ||
      p.nOdd !== first.nOdd
    ) {
      throw new UsageError(
        'cannot merge accumulators of different shapes (levels, block size or couplings differ)',
      );
    }
  }
  const out = createAccumulator(
    first,
    parts.reduce((s, p) => s + p.bins, 0),
  );
  const m = first.nEven + first.nOdd;
  const perBinSum = (first.levels + 1) * m;
  const perBinSq = perBinSum * m;
  const perBinCross = first.levels * m * m;
  let k = 0;
  for (const p of parts) {
    out.count.set(p.count, k);
    out.sum.set(p.sum, k * perBinSum);
    out.sumSq.set(p.sumSq, k * perBinSq);
    out.sumCross.set(p.sumCross, k * perBinCross);
    k += p.bins;
  }
  return out;
}

/** The typed arrays of an accumulator, for a worker's transfer list. */
export function accumulatorBuffers(acc: Accumulator): ArrayBuffer[] {
  return [acc.count.buffer, acc.sum.buffer, acc.sumSq.buffer, acc.sumCross.buffer] as ArrayBuffer[];
}

/** A copy of an accumulator, its arrays its own. */
export function cloneAccumulator(acc: Accumulator): Accumulator {
  return {
    levels: acc.levels,
    blockSize: acc.blockSize,
    nEven: acc.nEven,
    nOdd: acc.nOdd,
    bins: acc.bins,
    count: acc.count.slice(),
    sum: acc.sum.slice(),
    sumSq: acc.sumSq.slice(),
    sumCross: acc.sumCross.slice(),
  };
}

/** Float64 values as little-endian bytes, the storage form of every float array in files. */
export function float64Bytes(a: Float64Array): Uint8Array {
  const out = new Uint8Array(a.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat64(i * 8, a[i], true);
  return out;
}

/** The inverse of `float64Bytes`, checking that `b` holds `length` values (else naming `name`). */
export function float64FromBytes(b: unknown, length: number, name: string): Float64Array {
  if (!(b instanceof Uint8Array) || b.length !== length * 8)
    throw new Error(`field '${name}' has the wrong size`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/** An accumulator as a msgpack payload (float64 arrays little-endian): `accumulatorCodec`'s data. */
export function accumulatorToData(a: Accumulator): Record<string, unknown> {
  return {
    levels: a.levels,
    blockSize: a.blockSize,
    nEven: a.nEven,
    nOdd: a.nOdd,
    bins: a.bins,
    count: float64Bytes(a.count),
    sum: float64Bytes(a.sum),
    sumSq: float64Bytes(a.sumSq),
    sumCross: float64Bytes(a.sumCross),
  };
}

/** The inverse of `accumulatorToData`, checking the shape and every array's size. */
export function accumulatorFromData(d: unknown): Accumulator {
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw new Error('accumulator is not a map');
  const o = d as Record<string, unknown>;
  const shape = {
    levels: o.levels as number,
    blockSize: o.blockSize as number,
    nEven: o.nEven as number,
    nOdd: o.nOdd as number,
  };
  const empty = createAccumulator(shape, o.bins as number);
  return {
    ...shape,
    bins: empty.bins,
    count: float64FromBytes(o.count, empty.count.length, 'count'),
    sum: float64FromBytes(o.sum, empty.sum.length, 'sum'),
    sumSq: float64FromBytes(o.sumSq, empty.sumSq.length, 'sumSq'),
    sumCross: float64FromBytes(o.sumCross, empty.sumCross.length, 'sumCross'),
  };
}

/** Saves and loads accumulators (msgpack; float64 arrays stored little-endian). */
export const accumulatorCodec = defineCodec<Accumulator>({
  kind: 'mcrg-accumulator',
  version: 1,
  toData: accumulatorToData,
  fromData: accumulatorFromData,
});
