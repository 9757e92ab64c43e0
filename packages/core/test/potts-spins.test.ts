import { describe, expect, it } from 'vitest';
import {
  bitsPerSpin,
  boltzmannDistribution,
  chainStateCodec,
  couplingFromOrbit,
  hamiltonian,
  ISING_SPINS,
  indexFromStates,
  Lattice,
  type Model,
  packConfigurationBits,
  packSpins,
  Rng,
  randomConfiguration,
  randomSpins,
  resolveModel,
  stateSpins,
  statesFromIndex,
  stateView,
  unpackConfigurationBits,
} from '../src/index.js';

describe('q-state spins: storage', () => {
  it('⌈log₂ q⌉ bits per spin; the Ising encoding is the one-bit packSpins layout', () => {
    expect([2, 3, 4, 5, 16, 17, 256].map((q) => bitsPerSpin(stateSpins(q)))).toEqual([1, 2, 2, 3, 4, 5, 8]);
    expect(bitsPerSpin(ISING_SPINS)).toBe(1);
    const spins = randomSpins(new Lattice([7, 9]), Rng.stream(1));
    expect(packConfigurationBits(spins, ISING_SPINS)).toEqual(packSpins(spins));
    expect(() => stateSpins(257)).toThrow(/\[2, 256\]/);
    expect(() => stateSpins(1)).toThrow(/\[2, 256\]/);
  });

  it.each([2, 3, 5, 8, 100, 256])('q = %i round-trips through the packed form', (q) => {
    const lattice = new Lattice([5, 13]);
    const spins = randomConfiguration(lattice, Rng.stream(2, q), stateSpins(q));
    const packed = packConfigurationBits(spins, stateSpins(q));
    expect(packed.length).toBe(Math.ceil((65 * bitsPerSpin(stateSpins(q))) / 8));
    expect(unpackConfigurationBits(packed, 65, stateSpins(q))).toEqual(spins);
  });

  it('a stored state ≥ q is a damaged configuration, not a spin', () => {
    const packed = packConfigurationBits(Int8Array.of(0, 1, 2), stateSpins(4));
    expect(() => unpackConfigurationBits(packed, 3, stateSpins(3))).not.toThrow();
    const bad = packConfigurationBits(Int8Array.of(0, 3, 2), stateSpins(4));
    expect(() => unpackConfigurationBits(bad, 3, stateSpins(3))).toThrow(/state 3/);
  });

  it('chain snapshots: Ising files keep their one-bit bytes, q-state ones round-trip', () => {
    const lattice = new Lattice([6, 6]);
    const ising = { spins: randomSpins(lattice, Rng.stream(3)), rng: Rng.stream(4), moves: 7 };
    const decodedIsing = chainStateCodec.decode(chainStateCodec.encode(ising), 'mem');
    expect(decodedIsing.spins).toEqual(ising.spins);
    const potts = {
      spins: randomConfiguration(lattice, Rng.stream(5), stateSpins(5)),
      rng: Rng.stream(6),
      moves: 3,
    };
    const decoded = chainStateCodec.decode(chainStateCodec.encode(potts), 'mem');
    expect(decoded.spins).toEqual(potts.spins);
    expect(decoded.rng.s).toEqual(potts.rng.s);
  });

  it('enumeration order: digit i (base q) of the index is the state of site i', () => {
    const s = statesFromIndex(5 + 3 * 1 + 9 * 2 - 5, 3, 3);
    expect(Array.from(stateView(s))).toEqual([0, 1, 2]);
    for (let k = 0; k < 81; k++) expect(indexFromStates(statesFromIndex(k, 4, 3), 3)).toBe(k);
  });
});

describe('exact enumeration for q states', () => {
  it('the Potts ring matches its transfer matrix: Z = (e^K + q − 1)^N + (q − 1)(e^K − 1)^N', () => {
    // ⟨S⟩ = d ln Z / dK, S = Σ_i δ(σ_i, σ_{i+1}) on a ring of N sites.
    const q = 3;
    const N = 7;
    const K = 0.8;
    const nn = couplingFromOrbit('nn', [[0], [1]], undefined, { kind: 'equal' });
    const h = hamiltonian([nn], [K], stateSpins(q));
    const lattice = new Lattice([N]);
    const p = boltzmannDistribution(lattice, h);
    expect(p.length).toBe(q ** N);
    let mean = 0;
    const spins = new Int8Array(N);
    for (let c = 0; c < p.length; c++) {
      statesFromIndex(c, N, q, spins);
      let S = 0;
      for (let i = 0; i < N; i++) if (spins[i] === spins[(i + 1) % N]) S++;
      mean += p[c] * S;
    }
    const ring = (states: number) => {
      const a = Math.exp(K) + states - 1;
      const b = Math.exp(K) - 1;
      return (
        (N * Math.exp(K) * (a ** (N - 1) + (states - 1) * b ** (N - 1))) / (a ** N + (states - 1) * b ** N)
      );
    };
    expect(mean).toBeCloseTo(ring(q), 12);
    // Negative control: the formula at another q is far off.
    expect(Math.abs(mean - ring(q + 1))).toBeGreaterThan(0.05);
    expect(() => boltzmannDistribution(new Lattice([30]), h)).toThrow(/cannot enumerate/);
  });
});

describe('model options', () => {
  const plain: Model = {
    id: 'plain',
    description: 'x',
    dimension: 1,
    lattice: (L) => new Lattice([L]),
    hamiltonian: () => hamiltonian([], []),
    couplingSets: { even: 'a', odd: 'b' },
    defaults: { sampler: 's', projector: 'p', interval: 1 },
  };
  it('a model without options runs as itself and refuses any in one line', () => {
    expect(resolveModel(plain, undefined)).toBe(plain);
    expect(resolveModel(plain, {})).toBe(plain);
    expect(() => resolveModel(plain, { q: '3' })).toThrow("model 'plain' takes no options (got q)");
  });
});
