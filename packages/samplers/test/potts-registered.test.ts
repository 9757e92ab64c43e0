import {
  boltzmannDistribution,
  chainStateCodec,
  compileCouplings,
  correlatedMeanError,
  interactionTable,
  Registry,
  Rng,
  randomConfiguration,
  type Sampler,
} from '@rsrg/core';
import { ISING2D_CRITICAL_COUPLING, kaufmanEnergy, potts2d } from '@rsrg/models';
import { describe, expect, it } from 'vitest';
import { plugin } from '../src/index.js';

// The registered Potts samplers (adapters over the kernels of src/potts/) driven as a run
// drives them: through the registry, with q and K read off the model's Hamiltonian.
const registry = new Registry().use(plugin);
const POTTS = ['potts-wolff', 'potts-swendsen-wang', 'potts-heat-bath', 'potts-wolff-wasm'];

/** S_nn after each of `steps` moves (after `burnIn`) of `sampler` on potts2d at q, L, K. */
function energySeries(sampler: Sampler, q: number, L: number, K: number, seed: number, steps: number) {
  const model = potts2d.withOptions({ q });
  const lattice = model.lattice(L);
  const h = model.hamiltonian(K);
  const kernel = sampler.create(lattice, h);
  const sums = compileCouplings(h.couplings, lattice);
  const state = {
    spins: randomConfiguration(lattice, Rng.stream(seed, 0), model.spins),
    rng: Rng.stream(seed, 1),
    moves: 0,
  };
  for (let i = 0; i < 500; i++) kernel.step(state);
  const out = new Float64Array(1);
  const series = new Float64Array(steps);
  for (let i = 0; i < steps; i++) {
    kernel.step(state);
    sums.evaluate(state.spins, out);
    series[i] = out[0];
  }
  return series;
}

describe('registered Potts samplers', () => {
  it('potts-wolff-wasm runs the chain of potts-wolff, draw for draw', () => {
    const model = potts2d.withOptions({ q: 3 });
    const lattice = model.lattice(16);
    const h = model.hamiltonian(model.criticalCoupling ?? 1);
    const run = (id: string) => {
      const kernel = registry.samplers.get(id).create(lattice, h);
      const state = {
        spins: randomConfiguration(lattice, Rng.stream(5, 0), model.spins),
        rng: Rng.stream(5, 1),
        moves: 0,
      };
      for (let i = 0; i < 200; i++) kernel.step(state);
      return [Array.from(state.spins), Array.from(state.rng.s)];
    };
    expect(run('potts-wolff-wasm')).toEqual(run('potts-wolff'));
  });

  it('read q and K off the Hamiltonian; the Ising samplers refuse q-state spins and the Potts ones Ising spins', () => {
    const potts = potts2d.withOptions({ q: 3 });
    const lattice = potts.lattice(4);
    for (const id of POTTS) {
      const s = registry.samplers.get(id);
      expect(s.supports(lattice, potts.hamiltonian(1))).toBeUndefined();
      expect(s.supports(lattice, { couplings: potts.hamiltonian(1).couplings, K: [1] })).toMatch(/Ising/);
    }
    expect(registry.samplers.get('potts-wolff').supports(lattice, potts.hamiltonian(-1))).toMatch(
      /K = -1 < 0/,
    );
    expect(registry.samplers.get('potts-heat-bath').supports(lattice, potts.hamiltonian(-1))).toBeUndefined();
    for (const id of ['wolff', 'wolff-wasm', 'swendsen-wang', 'metropolis', 'heat-bath']) {
      expect(registry.samplers.get(id).supports(lattice, potts.hamiltonian(1))).toMatch(/3-state/);
    }
  });

  // ⟨S⟩ on the 3×3 torus at K_c against the 3⁹ = 19 683 states, |Δ| < 4σ (σ corrected for τ_int).
  describe.each(POTTS)('%s: q = 3 energy against exact enumeration (3×3 torus, K_c)', (id) => {
    const model = potts2d.withOptions({ q: 3 });
    const lattice = model.lattice(3);
    const exactMean = (K: number) => {
      const h = model.hamiltonian(K);
      const p = boltzmannDistribution(lattice, h);
      const S = interactionTable(lattice, h.couplings, model.spins);
      let mean = 0;
      for (let c = 0; c < p.length; c++) mean += p[c] * S[c];
      return mean;
    };
    const Kc = model.criticalCoupling ?? Number.NaN;
    const series = energySeries(registry.samplers.get(id), 3, 3, Kc, 7, 40_000);
    const { value, error } = correlatedMeanError(series);

    it('agrees within 4σ', () => {
      expect(Math.abs(value - exactMean(Kc))).toBeLessThan(4 * error);
    });
    it('negative control: disagrees with the exact mean at 1.1 K_c', () => {
      expect(Math.abs(value - exactMean(1.1 * Kc))).toBeGreaterThan(4 * error);
    });
  });

  // q = 2 Potts at K = 2 K_Ising is the Ising model: δ = (1 + s s')/2, so ⟨S_Potts⟩ = (2N + ⟨S_Ising⟩)/2.
  describe('q = 2 at K = 2 K_c(Ising) against Kaufman’s exact 8×8 torus', () => {
    const L = 8;
    const series = energySeries(
      registry.samplers.get('potts-wolff'),
      2,
      L,
      2 * ISING2D_CRITICAL_COUPLING,
      11,
      40_000,
    );
    const { value, error } = correlatedMeanError(series);
    const kaufman = (K: number) => (2 * L * L + kaufmanEnergy(K, L, L)) / 2;

    it('agrees within 4σ', () => {
      expect(Math.abs(value - kaufman(ISING2D_CRITICAL_COUPLING))).toBeLessThan(4 * error);
    });
    it('negative control: disagrees with Kaufman at 1.05 K_c', () => {
      expect(Math.abs(value - kaufman(1.05 * ISING2D_CRITICAL_COUPLING))).toBeGreaterThan(4 * error);
    });
  });
});

// The state-handling part of the sampler contract for the q-state samplers (the Ising suite,
// conformance.test.ts, hands them here): determinism, states < q, move counts, kernels that keep
// no state, bit-identical continuation after a checkpoint.
describe.each(POTTS)('%s keeps the sampler contract', (id) => {
  const sampler = registry.samplers.get(id);
  const probes = [2, 3, 5].map((q) => {
    const model = potts2d.withOptions({ q });
    return {
      q,
      lattice: model.lattice(6),
      h: model.hamiltonian(model.criticalCoupling ?? 1),
      spins: model.spins,
    };
  });
  const start = (p: (typeof probes)[number], seed: number) => {
    const rng = Rng.stream(seed, 0);
    return { spins: randomConfiguration(p.lattice, rng, p.spins), rng, moves: 0 };
  };
  const snapshot = (s: { spins: Int8Array; rng: Rng; moves: number }) => ({
    spins: Array.from(s.spins),
    rng: Array.from(s.rng.s),
    moves: s.moves,
  });

  it('is deterministic for a seed, keeps states below q, counts moves and returns 1…N updated sites', () => {
    for (const p of probes) {
      const kernel = sampler.create(p.lattice, p.h);
      const a = start(p, 11);
      const b = start(p, 11);
      for (let i = 0; i < 40; i++) {
        const n = kernel.step(a);
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(p.lattice.volume);
        sampler.create(p.lattice, p.h).step(b);
      }
      expect(snapshot(a)).toEqual(snapshot(b));
      expect(a.moves).toBe(40);
      expect(a.spins.every((s) => s >= 0 && s < p.q)).toBe(true);
    }
  });

  it('continues bit-identically after a chainStateCodec round trip', () => {
    for (const p of probes) {
      const kernel = sampler.create(p.lattice, p.h);
      const a = start(p, 8);
      for (let i = 0; i < 25; i++) kernel.step(a);
      const b = chainStateCodec.decode(chainStateCodec.encode(a));
      for (let i = 0; i < 25; i++) {
        kernel.step(a);
        kernel.step(b);
      }
      expect(snapshot(b)).toEqual(snapshot(a));
    }
  });
});
