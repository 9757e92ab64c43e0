import {
  boltzmannDistribution,
  type ChainState,
  chainStateCodec,
  chiSquare,
  type Hamiltonian,
  hamiltonian,
  isFerromagneticPair,
  Lattice,
  Registry,
  Rng,
  randomSpins,
  type Sampler,
  UnsupportedError,
  UsageError,
} from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { plugin } from '../src/index.js';
import { type Case, cases, histogram, nn1, nn2, nn3, nnn2, plaquette2 } from './cases.js';
import { potts3 } from './potts-cases.js';

const registered = new Registry().use(plugin).samplers.list();
/** A sampler of q-state spins takes the q = 3 Potts model; the Ising checks below are not for it. */
const takesPotts = (s: Sampler) => s.supports(potts3.lattice, potts3.h) === undefined;
const samplers = registered.filter((s) => !takesPotts(s));
const pottsSamplers = registered.filter(takesPotts);

/**
 * Steps between histogram entries, long enough that successive entries are nearly independent
 * (correlation inflates chi-square); measured: over 8 seeds the mean z of every case is |z| < 0.8.
 */
const INTERVAL: Readonly<Record<string, number>> = {
  wolff: 4,
  'wolff-wasm': 4,
  'swendsen-wang': 4,
  'heat-bath': 4,
};
const interval = (s: Sampler) => INTERVAL[s.id] ?? 10;

/** Larger systems for the state-handling checks, where every code path runs many times. */
const probes: { name: string; lattice: Lattice; h: Hamiltonian }[] = [
  { name: '8×8 nn at K_c', lattice: new Lattice([8, 8]), h: hamiltonian([nn2], [0.4406868]) },
  { name: '4×4×4 nn', lattice: new Lattice([4, 4, 4]), h: hamiltonian([nn3], [0.22]) },
  { name: 'ring of 32', lattice: new Lattice([32]), h: hamiltonian([nn1], [0.7]) },
  {
    name: '6×6 nn + nnn + plaquette',
    lattice: new Lattice([6, 6]),
    h: hamiltonian([nn2, nnn2, plaquette2], [0.3, -0.2, 0.25]),
  },
];

function start(lattice: Lattice, seed: number): ChainState {
  const rng = Rng.stream(seed, 0);
  return { spins: randomSpins(lattice, rng), rng, moves: 0 };
}

function run(
  sampler: Sampler,
  lattice: Lattice,
  h: Hamiltonian,
  state: ChainState,
  steps: number,
): ChainState {
  const kernel = sampler.create(lattice, h);
  for (let i = 0; i < steps; i++) kernel.step(state);
  return state;
}

const snapshot = (s: ChainState) => ({
  spins: Array.from(s.spins),
  rng: Array.from(s.rng.s),
  moves: s.moves,
});

describe.each(samplers)('sampler $id', (sampler) => {
  const supported = probes.filter((p) => sampler.supports(p.lattice, p.h) === undefined);

  it('describes itself and its unit', () => {
    expect(sampler.description.length).toBeGreaterThan(0);
    expect(['sweep', 'cluster flip']).toContain(sampler.unit);
  });

  it('supports nearest-neighbour ferromagnets in 1, 2 and 3 dimensions', () => {
    for (const p of probes.filter((q) => isFerromagneticPair(q.h)))
      expect(sampler.supports(p.lattice, p.h)).toBeUndefined();
  });

  it('gives a reason, and create throws UnsupportedError, exactly when it cannot simulate', () => {
    const mismatched = { lattice: new Lattice([4, 4, 4]), h: hamiltonian([nn2], [0.3]) };
    expect(sampler.supports(mismatched.lattice, mismatched.h)).toMatch(/dimensional/);
    for (const c of [...cases, ...probes, mismatched]) {
      const reason = sampler.supports(c.lattice, c.h);
      if (reason === undefined) expect(() => sampler.create(c.lattice, c.h)).not.toThrow();
      else {
        expect(typeof reason).toBe('string');
        expect(() => sampler.create(c.lattice, c.h)).toThrow(UnsupportedError);
      }
    }
  });

  it('refuses a chain state of another lattice size with a UsageError', () => {
    for (const p of supported) {
      const kernel = sampler.create(p.lattice, p.h);
      const wrong = start(new Lattice([p.lattice.volume + 1]), 1);
      expect(() => kernel.step(wrong)).toThrow(UsageError);
    }
  });

  it('is deterministic for a seed, keeps spins ±1 and counts its moves', () => {
    for (const p of supported) {
      const a = run(sampler, p.lattice, p.h, start(p.lattice, 11), 60);
      const b = run(sampler, p.lattice, p.h, start(p.lattice, 11), 60);
      expect(snapshot(a)).toEqual(snapshot(b));
      expect(a.moves).toBe(60);
      expect(a.spins.every((s) => s === 1 || s === -1)).toBe(true);
      expect(snapshot(a)).not.toEqual(snapshot(start(p.lattice, 11)));
    }
  });

  it('returns the number of spins it updated, between 1 and the volume', () => {
    for (const p of supported) {
      const kernel = sampler.create(p.lattice, p.h);
      const state = start(p.lattice, 5);
      for (let i = 0; i < 20; i++) {
        const n = kernel.step(state);
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(p.lattice.volume);
      }
    }
  });

  it('keeps all evolving state in ChainState: kernels are interchangeable and can be shared', () => {
    for (const p of supported) {
      const k1 = sampler.create(p.lattice, p.h);
      const k2 = sampler.create(p.lattice, p.h);
      const alternating = start(p.lattice, 3);
      const other = start(p.lattice, 4);
      for (let i = 0; i < 40; i++) {
        (i % 2 ? k2 : k1).step(alternating);
        k1.step(other); // a second chain on the same kernel in between
      }
      expect(snapshot(alternating)).toEqual(snapshot(run(sampler, p.lattice, p.h, start(p.lattice, 3), 40)));
    }
  });

  it('continues bit-identically after a chainStateCodec round trip mid-run', () => {
    for (const p of supported) {
      const kernel = sampler.create(p.lattice, p.h);
      const a = start(p.lattice, 8);
      for (let i = 0; i < 25; i++) kernel.step(a);
      const b = chainStateCodec.decode(chainStateCodec.encode(a));
      expect(snapshot(b)).toEqual(snapshot(a));
      for (let i = 0; i < 25; i++) {
        kernel.step(a);
        kernel.step(b);
      }
      expect(snapshot(b)).toEqual(snapshot(a));
    }
  });

  // Detailed balance: the histogram of all 2^N states against exact Boltzmann weights. The
  // same histogram against the weights with the first K shifted by 0.1 must fail, which shows
  // that the test has the power to see a wrong distribution.
  const sampled = cases.filter((c) => sampler.supports(c.lattice, c.h) === undefined);
  it.each(sampled)('samples e^H exactly (chi-square): $name', (c: Case) => {
    const counts = histogram(sampler, c, 2024, c.samples, interval(sampler));
    const right = chiSquare(counts, boltzmannDistribution(c.lattice, c.h));
    const shifted = hamiltonian(
      c.h.couplings,
      c.h.K.map((k, a) => (a === 0 ? k + 0.1 : k)),
    );
    const wrong = chiSquare(counts, boltzmannDistribution(c.lattice, shifted));
    expect(right.z, `chi2 = ${right.chi2.toFixed(1)} on ${right.dof} dof`).toBeLessThan(4);
    expect(wrong.z).toBeGreaterThan(4);
  });
});

describe('the registered samplers', () => {
  it('are wolff, swendsen-wang, metropolis, heat-bath and wolff-wasm for Ising spins, three for Potts spins', () => {
    expect(samplers.map((s) => s.id)).toEqual([
      'wolff',
      'swendsen-wang',
      'metropolis',
      'heat-bath',
      'wolff-wasm',
    ]);
    expect(pottsSamplers.map((s) => s.id)).toEqual([
      'potts-wolff',
      'potts-swendsen-wang',
      'potts-heat-bath',
      'potts-wolff-wasm',
    ]);
  });

  it('cover every test case: cluster samplers the ferromagnetic pair ones, local samplers all', () => {
    const cluster = new Set(['wolff', 'swendsen-wang', 'wolff-wasm']);
    for (const c of cases) {
      for (const s of samplers) {
        const expected = !cluster.has(s.id) || isFerromagneticPair(c.h);
        expect(s.supports(c.lattice, c.h) === undefined, `${s.id} on ${c.name}`).toBe(expected);
      }
    }
  });
});
