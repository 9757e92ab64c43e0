import { FileFormatError, Rng, randomConfiguration, randomSpins, stateSpins } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import {
  bytesPerConfiguration,
  chainSnapshotFromData,
  chainSnapshotToData,
  checkEnsembleHeader,
  ensembleCodec,
  ensembleConfiguration,
  packConfiguration,
  runMcrg,
  sampleEnsemble,
  unpackConfiguration,
} from '../src/index.js';
import { sourceRegistry } from './registry.js';

// Ensembles of q-state spins: ⌈log₂ q⌉ bits per spin, q and the model options in the header.
const registry = sourceRegistry();

describe('packed q-state configurations', () => {
  it.each([3, 4, 5, 256])('q = %i: ⌈log₂ q⌉ bits per spin, configurations side by side', (q) => {
    const encoding = stateSpins(q);
    const volume = 37;
    const bits = Math.ceil(Math.log2(q));
    expect(bytesPerConfiguration(volume, encoding)).toBe(Math.ceil((volume * bits) / 8));
    const rng = Rng.stream(1, q);
    const lattice = { volume } as never;
    const configs = [0, 1, 2].map(() => randomConfiguration(lattice, rng, encoding));
    const packed = new Uint8Array(3 * bytesPerConfiguration(volume, encoding)).fill(0xff);
    configs.forEach((c, k) => {
      packConfiguration(c, packed, k, encoding);
    });
    configs.forEach((c, k) => {
      expect(unpackConfiguration(packed, k, new Int8Array(volume), encoding)).toEqual(c);
    });
  });

  it('the Ising layout is unchanged: one bit per spin, set for +1', () => {
    const spins = randomSpins({ volume: 20 } as never, Rng.stream(2));
    const packed = new Uint8Array(bytesPerConfiguration(20));
    packConfiguration(spins, packed, 0);
    expect(packed.length).toBe(3);
    for (let i = 0; i < 20; i++) expect((packed[i >> 3] >> (i & 7)) & 1).toBe(spins[i] > 0 ? 1 : 0);
  });
});

describe('potts2d ensembles', () => {
  const config = {
    model: 'potts2d',
    modelOptions: { q: 5 },
    size: 8,
    samples: 200,
    thermalize: 50,
    chains: 2,
    seed: 4,
    workers: 1,
  };

  it('store q and the options, round-trip, and measure exactly as the run that sampled them', async () => {
    const e = await sampleEnsemble(registry, config);
    expect(e.header.states).toBe(5);
    expect(e.header.modelOptions).toEqual({ q: 5 });
    expect(e.packed.length).toBe(200 * bytesPerConfiguration(64, stateSpins(5)));
    const back = ensembleCodec.decode(ensembleCodec.encode(e), 'mem');
    expect(back.header).toEqual(e.header);
    expect(ensembleConfiguration(back, 7)).toEqual(ensembleConfiguration(e, 7));
    expect(Array.from(ensembleConfiguration(back, 7)).every((s) => s >= 0 && s < 5)).toBe(true);
    const direct = await runMcrg(registry, { ...config, binsPerChain: 4 });
    const stored = await runMcrg(registry, { ensemble: back, binsPerChain: 4, workers: 1 });
    expect(stored.estimates).toEqual(direct.estimates);
  });

  it('a header whose q disagrees with its model is a damaged file', async () => {
    const e = await sampleEnsemble(registry, { ...config, samples: 20 });
    const wrong = { ...e, header: { ...e.header, modelOptions: { q: 4 } } };
    expect(() => checkEnsembleHeader(registry, wrong, 'f.rsrg')).toThrow(FileFormatError);
    expect(() => checkEnsembleHeader(registry, wrong, 'f.rsrg')).toThrow(
      /'states' is 5, but model 'potts2d' has 4/,
    );
    const { states: _, ...isingHeader } = e.header;
    expect(() => checkEnsembleHeader(registry, { ...e, header: isingHeader }, 'f.rsrg')).toThrow(
      FileFormatError,
    );
  });
});

describe('chain snapshots of q-state spins', () => {
  const snapshot = (spins: Int8Array) => ({
    chain: 0,
    phase: 'measure' as const,
    thermalized: 10,
    measured: 3,
    bin: 0,
    left: 2,
    spins,
    rng: Uint32Array.of(1, 2, 3, 4),
    moves: 13,
    streams: new Uint32Array(0),
    accumulators: [],
    energy: new Float64Array(0),
    spinsUpdated: 5,
  });

  it('store ⌈log₂ q⌉ bits per spin and round-trip; Ising ones keep one bit', () => {
    const spins = randomConfiguration({ volume: 50 } as never, Rng.stream(9), stateSpins(6));
    const data = chainSnapshotToData(snapshot(spins));
    expect(data.spinEncoding).toBe('states');
    expect((data.spins as Uint8Array).length).toBe(Math.ceil((50 * 3) / 8));
    expect(chainSnapshotFromData(data).spins).toEqual(spins);
    const ising = randomSpins({ volume: 50 } as never, Rng.stream(10));
    const isingData = chainSnapshotToData(snapshot(ising));
    expect(isingData.spinEncoding).toBe('bits');
    expect(chainSnapshotFromData(isingData).spins).toEqual(ising);
  });
});
