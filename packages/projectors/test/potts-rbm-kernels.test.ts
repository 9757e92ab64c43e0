import { chiSquare, Lattice, Rng, stateSpins } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { blockFilter, type RbmFilter, rbmFilter, rbmProjector } from '../src/rbm/index.js';
import {
  type PottsRbmKernelId,
  PottsRbmLayout,
  type PottsRbmUnits,
  pottsRbmKernel,
  pottsRbmKernels,
  pottsRbmProjector,
} from '../src/rbm/potts/index.js';
import { jointEnergy, logSumExp, statesFromIndex } from './potts-rbm-exact.js';

/** A filter of weights uniform in ±scale and n random configurations of states 0..q−1. */
function setup(sizes: number[], w: number, b: number, q: number, seed: number, scale = 0.8, n = 4) {
  const lattice = new Lattice(sizes);
  const rng = Rng.stream(seed, 0);
  const filter = rbmFilter({ dimension: sizes.length, width: w, blockSize: b });
  for (let k = 0; k < filter.weights.length; k++) filter.weights[k] = (2 * rng.nextFloat() - 1) * scale;
  const configs = new Int8Array(n * lattice.volume);
  for (let i = 0; i < configs.length; i++) configs[i] = rng.nextInt(q);
  return { lattice, filter, configs, layout: new PottsRbmLayout(lattice, filter) };
}

/** φ_{J,a} = Σ_k W_k δ(σ_{b·X_J+k}, a) straight from `Lattice.window`. */
function directFields(lattice: Lattice, filter: RbmFilter, q: number, sigma: Int8Array): Float64Array {
  const wd = filter.weights.length;
  const window = lattice.window(filter.blockSize, filter.width);
  const hidden = window.length / wd;
  const phi = new Float64Array(hidden * q);
  for (let J = 0; J < hidden; J++) {
    for (let k = 0; k < wd; k++) phi[J * q + (sigma[window[J * wd + k]] & 255)] += filter.weights[k];
  }
  return phi;
}

/** P(μ|σ) = e^{E(σ,μ)} / Σ_μ' e^{E(σ,μ')}, every μ' of the coarse lattice enumerated. */
function bruteHidden(lattice: Lattice, filter: RbmFilter, q: number, sigma: Int8Array): Float64Array {
  const hidden = lattice.coarsen(filter.blockSize).volume;
  const mu = new Int8Array(hidden);
  const e = new Float64Array(q ** hidden);
  for (let m = 0; m < e.length; m++) e[m] = jointEnergy(lattice, filter, sigma, statesFromIndex(m, q, mu));
  const z = logSumExp(e);
  return e.map((v) => Math.exp(v - z));
}

/** P(σ|μ) = e^{E(σ,μ)} / Σ_σ' e^{E(σ',μ)}, every σ' enumerated. */
function bruteVisible(lattice: Lattice, filter: RbmFilter, q: number, mu: Int8Array): Float64Array {
  const sigma = new Int8Array(lattice.volume);
  const e = new Float64Array(q ** lattice.volume);
  for (let c = 0; c < e.length; c++) e[c] = jointEnergy(lattice, filter, statesFromIndex(c, q, sigma), mu);
  const z = logSumExp(e);
  return e.map((v) => Math.exp(v - z));
}

function index(states: Int8Array, q: number): number {
  let c = 0;
  for (let i = states.length - 1; i >= 0; i--) c = c * q + (states[i] & 255);
  return c;
}

// One suite, every implementation: registering a kernel in `pottsRbmKernels` enrols it.
for (const id of Object.keys(pottsRbmKernels) as PottsRbmKernelId[]) {
  const kernel = pottsRbmKernel(id);
  const units = (layout: PottsRbmLayout, q: number, f: RbmFilter): PottsRbmUnits =>
    kernel.units(layout, q, f.weights);

  describe(`q-state RBM kernel '${id}'`, () => {
    it('layout: windows are Lattice.window, and the transposed table lists every (J, k) of every site', () => {
      for (const [sizes, w, b] of [
        [[8, 8], 4, 2],
        [[4, 2], 3, 2],
        [[6, 6, 6], 3, 3],
        [[8], 11, 2],
      ] as const) {
        const { lattice, layout } = setup([...sizes], w, b, 3, 1);
        expect(Array.from(layout.windows)).toEqual(Array.from(lattice.window(b, w)));
        const seen = new Int32Array(layout.windows.length);
        for (let i = 0; i < layout.visible; i++) {
          for (let e = layout.visibleStart[i]; e < layout.visibleStart[i + 1]; e++) {
            const slot = layout.visibleUnit[e] * layout.windowSize + layout.visibleWeight[e];
            expect(layout.windows[slot]).toBe(i);
            seen[slot]++;
          }
        }
        expect(seen.every((v) => v === 1)).toBe(true);
      }
    });

    it('hidden fields and log-normalisations equal the direct window sums (q = 3, 5, 256)', () => {
      for (const q of [3, 5, 256]) {
        const { lattice, filter, configs, layout } = setup([8, 8], 4, 2, q, 2);
        const u = units(layout, q, filter);
        for (let c = 0; c < 4; c++) {
          const sigma = configs.subarray(c * 64, (c + 1) * 64);
          u.hiddenFields(configs, c * 64);
          const phi = directFields(lattice, filter, q, sigma);
          let error = 0;
          for (let x = 0; x < phi.length; x++) error = Math.max(error, Math.abs(u.hiddenField[x] - phi[x]));
          for (let J = 0; J < layout.hidden; J++) {
            const z = logSumExp(phi.subarray(J * q, (J + 1) * q));
            error = Math.max(error, Math.abs(u.hiddenLogNorm[J] - z));
          }
          expect(error).toBeLessThan(1e-12);
        }
      }
    });

    it('P(μ|σ) sums to 1 over all μ and equals the brute-force e^{E(σ,μ)}/Σ_μ e^{E(σ,μ)} (4×4, w = 3, q = 3)', () => {
      const q = 3;
      const { lattice, filter, configs } = setup([4, 4], 3, 2, q, 3);
      const projector = pottsRbmProjector({ q, filter }, { kernel: id });
      const mu = new Int8Array(4);
      for (let c = 0; c < 4; c++) {
        const sigma = configs.subarray(c * 16, (c + 1) * 16);
        const brute = bruteHidden(lattice, filter, q, sigma);
        let total = 0;
        for (let m = 0; m < brute.length; m++) {
          const p = projector.probability(lattice, sigma, statesFromIndex(m, q, mu));
          total += p;
          expect(Math.abs(p - brute[m])).toBeLessThan(1e-14);
        }
        expect(Math.abs(total - 1)).toBeLessThan(1e-13);
      }
      // A state outside 0..q−1 has probability 0.
      expect(projector.probability(lattice, configs.subarray(0, 16), Int8Array.of(0, 1, 3, 2))).toBe(0);
    });

    it('apply draws μ with the frequencies P(μ|σ) states (chi-square), and a wrong filter is rejected', () => {
      const q = 3;
      const { lattice, filter, configs } = setup([4, 4], 3, 2, q, 4);
      const sigma = configs.subarray(0, 16);
      const k = pottsRbmProjector({ q, filter }, { kernel: id }).create(lattice, stateSpins(q));
      const rng = Rng.stream(4, 1);
      const mu = new Int8Array(4);
      const counts = new Float64Array(81);
      for (let t = 0; t < 200_000; t++) {
        k.apply(sigma, mu, rng);
        counts[index(mu, q)]++;
      }
      const exact = bruteHidden(lattice, filter, q, sigma);
      expect(chiSquare(counts, exact).z).toBeLessThan(4);
      // Negative control: the same counts against the weight factor of a filter 10% larger.
      const wrong = rbmFilter({ ...filter, weights: filter.weights.map((v) => 1.1 * v) });
      expect(chiSquare(counts, bruteHidden(lattice, wrong, q, sigma)).z).toBeGreaterThan(4);
    });

    it('σ|μ: the visible fields give P(σ|μ) = Π_i e^{ψ_{i,σ_i}}/Σ_c e^{ψ_{i,c}}, equal to brute force; draws match (chi-square)', () => {
      // 4×2 with w = 3 > L_y: windows overlap and wrap onto themselves (a site twice in a window).
      const q = 3;
      const { lattice, filter, layout } = setup([4, 2], 3, 2, q, 5, 0.9);
      const u = units(layout, q, filter);
      const mu = Int8Array.of(2, 0);
      const brute = bruteVisible(lattice, filter, q, mu);
      u.visibleFields(mu);
      const psi = u.visibleField;
      const sigma = new Int8Array(8);
      for (let c = 0; c < brute.length; c++) {
        statesFromIndex(c, q, sigma);
        let log = 0;
        for (let i = 0; i < 8; i++)
          log += psi[i * q + sigma[i]] - logSumExp(psi.subarray(i * q, (i + 1) * q));
        expect(Math.abs(Math.exp(log) - brute[c])).toBeLessThan(1e-14);
      }
      const rng = Rng.stream(5, 1);
      const counts = new Float64Array(brute.length);
      for (let t = 0; t < 200_000; t++) {
        u.sampleVisible(mu, sigma, rng);
        counts[index(sigma, q)]++;
      }
      expect(chiSquare(counts, brute).z).toBeLessThan(4);
      // Negative control: against P(σ|μ') for another μ.
      expect(chiSquare(counts, bruteVisible(lattice, filter, q, Int8Array.of(2, 1))).z).toBeGreaterThan(4);
    });

    it('log Y = log Σ_μ e^{E(σ,μ)}, and its gradient equals central differences', () => {
      const q = 4;
      const { lattice, filter, configs } = setup([4, 4], 3, 2, q, 6);
      const projector = pottsRbmProjector({ q, filter }, { kernel: id });
      const mu = new Int8Array(4);
      const h = 1e-5;
      for (let c = 0; c < 3; c++) {
        const sigma = configs.subarray(c * 16, (c + 1) * 16);
        const logYBrute = (f: RbmFilter) => {
          const e = new Float64Array(q ** 4);
          for (let m = 0; m < e.length; m++) e[m] = jointEnergy(lattice, f, sigma, statesFromIndex(m, q, mu));
          return logSumExp(e);
        };
        expect(Math.abs(projector.logY(lattice, sigma) - logYBrute(filter))).toBeLessThan(1e-12);
        const grad = projector.logYGradient(lattice, sigma);
        for (let k = 0; k < filter.weights.length; k++) {
          const plus = rbmFilter({ ...filter, weights: filter.weights.map((v, j) => (j === k ? v + h : v)) });
          const minus = rbmFilter({
            ...filter,
            weights: filter.weights.map((v, j) => (j === k ? v - h : v)),
          });
          const fd = (logYBrute(plus) - logYBrute(minus)) / (2 * h);
          expect(Math.abs(grad[k] - fd)).toBeLessThan(1e-7);
        }
      }
    });

    it('draws one number per unit: sampleHidden advances the stream by the hidden units, sampleVisible by the sites', () => {
      const q = 3;
      const { filter, configs, layout } = setup([8, 8], 4, 2, q, 7);
      const u = units(layout, q, filter);
      const rng = Rng.stream(7, 1);
      const ref = rng.clone();
      const mu = new Int8Array(layout.hidden);
      u.sampleHidden(configs, 0, mu, rng);
      for (let J = 0; J < layout.hidden; J++) ref.nextU32();
      expect(Array.from(rng.s)).toEqual(Array.from(ref.s));
      const sigma = new Int8Array(layout.visible);
      u.sampleVisible(mu, sigma, rng);
      for (let i = 0; i < layout.visible; i++) ref.nextU32();
      expect(Array.from(rng.s)).toEqual(Array.from(ref.s));
      expect(sigma.every((s) => s >= 0 && s < q)).toBe(true);
    });

    it('treats the q states alike: P(πμ|πσ) = P(μ|σ) for a permutation π', () => {
      const q = 4;
      const { lattice, filter, configs } = setup([4, 4], 3, 2, q, 8);
      const projector = pottsRbmProjector({ q, filter }, { kernel: id });
      const pi = [2, 0, 3, 1];
      const sigma = configs.subarray(0, 16);
      const mu = new Int8Array(4);
      for (let m = 0; m < 256; m += 7) {
        statesFromIndex(m, q, mu);
        const p = projector.probability(lattice, sigma, mu);
        const q2 = projector.probability(
          lattice,
          sigma.map((s) => pi[s]),
          mu.map((s) => pi[s]),
        );
        expect(Math.abs(p - q2)).toBeLessThan(1e-15);
      }
    });

    it('q = 2 is the Ising RBM with filter W/2 (0 ↔ +1, 1 ↔ −1): same P(μ|σ), same draws from the same stream', () => {
      for (const [sizes, w] of [
        [[8, 8], 4],
        [[6, 6], 3],
      ] as const) {
        const { lattice, filter, configs } = setup([...sizes], w, 2, 2, 9, 1.5, 50);
        const potts = pottsRbmProjector({ q: 2, filter }, { kernel: id });
        const ising = rbmProjector(rbmFilter({ ...filter, weights: filter.weights.map((v) => v / 2) }));
        const V = lattice.volume;
        const spin = (s: number) => 1 - 2 * s;
        const kp = potts.create(lattice, stateSpins(2));
        const ki = ising.create(lattice);
        const rp = Rng.stream(9, 1);
        const ri = Rng.stream(9, 1);
        const muP = new Int8Array(kp.coarse.volume);
        const muI = new Int8Array(ki.coarse.volume);
        let compared = 0;
        for (let c = 0; c < 50; c++) {
          const sigma = configs.subarray(c * V, (c + 1) * V);
          const s = sigma.map(spin);
          kp.apply(sigma, muP, rp);
          ki.apply(s, muI, ri);
          expect(Array.from(muP.map(spin))).toEqual(Array.from(muI));
          compared += muP.length;
          const pP = potts.probability(lattice, sigma, muP);
          const pI = ising.probability(lattice, s, muI);
          expect(Math.abs(pP - pI)).toBeLessThan(1e-12 * Math.max(pI, 1e-300) + 1e-300);
        }
        expect(compared).toBeGreaterThan(400);
        // Negative control: the Ising RBM at W (not W/2) gives other probabilities.
        const full = rbmProjector(filter);
        const sigma = configs.subarray(0, V);
        kp.apply(sigma, muP, rp);
        expect(
          Math.abs(
            potts.probability(lattice, sigma, muP) -
              full.probability(lattice, sigma.map(spin), muP.map(spin)),
          ),
        ).toBeGreaterThan(1e-6);
      }
    });

    it('a saturated block filter is the plurality rule, ties drawn uniformly among the tied states', () => {
      const q = 3;
      const lattice = Lattice.cubic(2, 8);
      const rng = Rng.stream(10, 0);
      const projectorOf = (value: number) =>
        pottsRbmProjector(
          { q, filter: blockFilter({ dimension: 2, blockSize: 2, width: 3, value }) },
          { kernel: id },
        );
      const saturated = projectorOf(50).create(lattice, stateSpins(q));
      const soft = projectorOf(0.5).create(lattice, stateSpins(q));
      const block = lattice.window(2, 2);
      const sigma = new Int8Array(64);
      const mu = new Int8Array(16);
      let decided = 0;
      let softMisses = 0;
      let outside = 0;
      const muSoft = new Int8Array(16);
      const count = new Int32Array(q);
      // At a 2+2 tie, whether μ took the smaller of the two tied states: a fair coin.
      let ties = 0;
      let lower = 0;
      for (let t = 0; t < 3000; t++) {
        for (let i = 0; i < 64; i++) sigma[i] = rng.nextInt(q);
        saturated.apply(sigma, mu, rng);
        soft.apply(sigma, muSoft, rng);
        for (let J = 0; J < 16; J++) {
          count.fill(0);
          for (let k = 0; k < 4; k++) count[sigma[block[J * 4 + k]]]++;
          const top = Math.max(count[0], count[1], count[2]);
          if (count[mu[J]] !== top) outside++;
          // For q = 3 and 4 sites the only tie is 2 + 2.
          const first = count.indexOf(top);
          if (count.lastIndexOf(top) === first) {
            decided++;
            if (muSoft[J] !== first) softMisses++;
          } else {
            ties++;
            if (mu[J] === first) lower++;
          }
        }
      }
      expect(outside).toBe(0);
      expect(decided).toBeGreaterThan(20_000);
      // Fair coin at ties: |lower − ties/2| within 4 standard errors √ties/2.
      expect(ties).toBeGreaterThan(10_000);
      expect(Math.abs(lower - ties / 2)).toBeLessThan(4 * (Math.sqrt(ties) / 2));
      // Negative control: a soft filter (0.5) often leaves the plurality.
      expect(softMisses / decided).toBeGreaterThan(0.1);
    });

    it('CD: a chain is carried over in place (PCD), the estimate is reproducible for a stream, and differs counts sites', () => {
      const q = 3;
      const { filter, configs, layout } = setup([8, 8], 4, 2, q, 11, 1.2);
      const run = (chain?: Int8Array) => {
        const cd = kernel.contrastiveDivergence(layout, q, 3);
        cd.setWeights(filter.weights);
        const grad = new Float64Array(16);
        const differ = cd.accumulate(configs, 64, chain, Rng.stream(11, 1), grad);
        return { grad, differ };
      };
      const a = run();
      const b = run();
      expect(Array.from(a.grad)).toEqual(Array.from(b.grad));
      expect(a.differ).toBeGreaterThan(0);
      expect(a.differ).toBeLessThan(64);
      const chain = configs.slice(128, 192);
      const before = chain.slice();
      const p = run(chain);
      expect(Array.from(chain)).not.toEqual(Array.from(before));
      expect(Array.from(p.grad)).not.toEqual(Array.from(a.grad));
      expect(() => kernel.contrastiveDivergence(layout, q, 0)).toThrow(/at least one Gibbs step/);
      expect(() => kernel.units(layout, 1, filter.weights)).toThrow(/2 ≤ q ≤ 256/);
    });
  });
}
