import { describe, expect, it } from 'vitest';
import { chainStateCodec, FileFormatError, packSpins, Rng, unpackSpins } from '../src/index.js';

describe('Rng', () => {
  it('streams are reproducible and distinct', () => {
    const a = Rng.stream(42, 0);
    const b = Rng.stream(42, 0);
    const c = Rng.stream(42, 1);
    const xs = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(xs);
  });

  it('uniform floats have mean 1/2 within 4 standard errors', () => {
    const r = Rng.stream(7, 3);
    const n = 200_000;
    let s = 0;
    for (let i = 0; i < n; i++) s += r.nextFloat();
    expect(Math.abs(s / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
  });

  it('state survives a chain-state round trip', () => {
    const rng = Rng.stream(1, 2);
    rng.nextU32();
    const spins = Int8Array.from([1, -1, -1, 1, 1, 1, -1, 1, -1]);
    const back = chainStateCodec.decode(chainStateCodec.encode({ spins, rng, moves: 17 }));
    expect(Array.from(back.spins)).toEqual(Array.from(spins));
    expect(back.rng.nextU32()).toBe(rng.nextU32());
    expect(back.moves).toBe(17);
  });

  it('rejects corrupt files with a FileFormatError', () => {
    expect(() => chainStateCodec.decode(new Uint8Array([1, 2, 3]))).toThrow(FileFormatError);
  });

  it('packs spins to bits and back', () => {
    const s = Int8Array.from({ length: 37 }, (_, i) => (i % 3 ? 1 : -1));
    expect(Array.from(unpackSpins(packSpins(s), 37))).toEqual(Array.from(s));
  });
});
