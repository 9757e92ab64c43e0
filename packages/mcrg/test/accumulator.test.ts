import { describe, expect, it } from 'vitest';
import { accumulate, accumulatorCodec, createAccumulator, mergeAccumulators } from '../src/index.js';
import { syntheticAccumulator } from './synthetic.js';

describe('accumulators', () => {
  it('merge concatenates bins in order and the codec round-trips exactly', () => {
    const a = syntheticAccumulator(3, 2, 2, 2, 5, 11);
    const b = syntheticAccumulator(3, 2, 2, 3, 5, 12);
    const merged = mergeAccumulators([a, b]);
    expect(merged.bins).toBe(5);
    const per = merged.sumSq.length / 5;
    expect(Array.from(merged.sumSq.subarray(2 * per, 3 * per))).toEqual(Array.from(b.sumSq.subarray(0, per)));
    expect(Array.from(merged.sumCross.subarray(0, merged.sumCross.length / 5))).toEqual(
      Array.from(a.sumCross.subarray(0, a.sumCross.length / 2)),
    );
    const back = accumulatorCodec.decode(accumulatorCodec.encode(merged));
    expect(back).toEqual(merged);
    expect(() => mergeAccumulators([a, createAccumulator({ ...a, nOdd: 2 }, 1)])).toThrow(/different shapes/);
  });

  it('accumulate adds S, S Sᵀ per level and S^(n+1) S^(n)ᵀ', () => {
    const acc = createAccumulator({ levels: 1, blockSize: 2, nEven: 1, nOdd: 1 }, 2);
    accumulate(acc, 1, Float64Array.from([1, 2, 3, 4]));
    accumulate(acc, 1, Float64Array.from([1, 0, 0, 1]));
    expect(Array.from(acc.count)).toEqual([0, 2]);
    expect(Array.from(acc.sum.subarray(4))).toEqual([2, 2, 3, 5]);
    // Level 0 of bin 1: [[1+1, 2], [2, 4]]; level 1: [[9, 12], [12, 16+1]].
    expect(Array.from(acc.sumSq.subarray(8))).toEqual([2, 2, 2, 4, 9, 12, 12, 17]);
    // (S1)_g (S0)_b: [[3, 6], [4+1, 8]].
    expect(Array.from(acc.sumCross.subarray(4))).toEqual([3, 6, 5, 8]);
  });
});
