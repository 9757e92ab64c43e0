import { Rng } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { deriveSeed, runSeeds } from '../src/index.js';

describe('run seeds', () => {
  it('derives distinct safe-integer seeds, the same for the same master seed', () => {
    const a = runSeeds(1);
    expect(runSeeds(1)).toEqual(a);
    expect(a.training).toBe(1);
    expect(a.master).toBe(1);
    for (const s of [a.trainingData, a.evaluation, a.measurement]) expect(Number.isSafeInteger(s)).toBe(true);
    expect(new Set([a.trainingData, a.evaluation, a.measurement, runSeeds(2).trainingData]).size).toBe(4);
  });

  it('takes derive(S, k) from the first two outputs of stream 2⁴⁰ + k, as documented', () => {
    const rng = Rng.stream(7, 2n ** 40n + 3n);
    const hi = rng.nextU32() >>> 11;
    const lo = rng.nextU32();
    expect(deriveSeed(7, 3)).toBe(hi * 2 ** 32 + lo);
    expect(runSeeds(7)).toMatchObject({ trainingData: deriveSeed(7, 1), evaluation: deriveSeed(7, 2) });
  });
});
