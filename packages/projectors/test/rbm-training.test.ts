import {
  boltzmannDistribution,
  coupling,
  hamiltonian,
  Lattice,
  Rng,
  spinsFromIndex,
  UsageError,
} from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import {
  cdGradientSamples,
  learningRate,
  type RbmFilter,
  rbmFilter,
  rbmPresets,
  rbmProjector,
  resolveTrainOptions,
  trainRbm,
} from '../src/rbm/index.js';
import { Adam } from '../src/rbm/schedule.js';

const nearestNeighbour = coupling('nn', [
  [
    [0, 0],
    [0, 1],
  ],
  [
    [0, 0],
    [1, 0],
  ],
]);

/** Exact quantities of the 4×4 Ising model at coupling K and of an RBM on it, by enumeration. */
class Exact {
  readonly lattice = Lattice.cubic(2, 4);
  readonly p: Float64Array;
  readonly cdf: Float64Array;

  constructor(K: number) {
    this.p = boltzmannDistribution(this.lattice, hamiltonian([nearestNeighbour], [K]));
    this.cdf = new Float64Array(this.p.length);
    let s = 0;
    for (let c = 0; c < this.p.length; c++) this.cdf[c] = s += this.p[c];
  }

  /** n independent configurations drawn from p. */
  sample(n: number, rng: Rng): Int8Array {
    const V = this.lattice.volume;
    const out = new Int8Array(n * V);
    for (let t = 0; t < n; t++) {
      const u = rng.nextFloat() * this.cdf[this.cdf.length - 1];
      let lo = 0;
      let hi = this.cdf.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.cdf[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      spinsFromIndex(lo, V, out.subarray(t * V, (t + 1) * V));
    }
    return out;
  }

  /**
   * D(p ‖ Y/ΣY) of eq. (8) and the exact log-likelihood gradient ⟨G⟩_p − ⟨G⟩_q, with
   * G_k(σ) = Σ_J σ_{bX_J+k} tanh h_J and q = Y/ΣY.
   */
  divergence(filter: RbmFilter): { kl: number; gradient: Float64Array } {
    const { lattice, p } = this;
    const projector = rbmProjector(filter);
    const window = lattice.window(filter.blockSize, filter.width);
    const wd = filter.weights.length;
    const n = p.length;
    const logY = new Float64Array(n);
    const G = new Float64Array(n * wd);
    const sigma = new Int8Array(lattice.volume);
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < n; c++) {
      spinsFromIndex(c, lattice.volume, sigma);
      logY[c] = projector.logY(lattice, sigma);
      max = Math.max(max, logY[c]);
      const h = projector.fields(lattice, sigma);
      for (let J = 0; J < h.length; J++) {
        const t = Math.tanh(h[J]);
        for (let k = 0; k < wd; k++) G[c * wd + k] += t * sigma[window[J * wd + k]];
      }
    }
    let z = 0;
    for (let c = 0; c < n; c++) z += Math.exp(logY[c] - max);
    const logZ = max + Math.log(z);
    let kl = 0;
    const gradient = new Float64Array(wd);
    for (let c = 0; c < n; c++) {
      const q = Math.exp(logY[c] - logZ);
      if (p[c] > 0) kl += p[c] * (Math.log(p[c]) - (logY[c] - logZ));
      for (let k = 0; k < wd; k++) gradient[k] += (p[c] - q) * G[c * wd + k];
    }
    return { kl, gradient };
  }
}

const exact = new Exact(0.4);

/**
 * The smallest D(p ‖ Y/ΣY) over all w = 2 filters. With w = b the hidden units see disjoint
 * blocks, so Y/ΣY is a product of one 16-state distribution per block, q_b ∝ 2cosh(W·σ_b), and
 * D = −H(p) − 4·max_W (E_{p_b} log 2cosh(W·σ_b) − log Σ_{σ_b} 2cosh(W·σ_b)), p_b being the
 * block marginal of p; the maximum is found by gradient ascent over the four weights.
 */
function optimalBlockDivergence(): number {
  const { p, lattice } = exact;
  const block = [0, 1, 4, 5];
  const pb = new Float64Array(16);
  const sigma = new Int8Array(16);
  let entropy = 0;
  for (let c = 0; c < p.length; c++) {
    spinsFromIndex(c, 16, sigma);
    let b = 0;
    for (let k = 0; k < 4; k++) if (sigma[block[k]] < 0) b |= 1 << k;
    pb[b] += p[c];
    if (p[c] > 0) entropy -= p[c] * Math.log(p[c]);
  }
  expect(lattice.volume).toBe(16);
  const states = Array.from({ length: 16 }, (_, b) => [0, 1, 2, 3].map((k) => ((b >> k) & 1 ? -1 : 1)));
  const W = [0.1, 0.1, 0.1, 0.1];
  let objective = 0;
  for (let it = 0; it < 4000; it++) {
    const h = states.map((s) => s.reduce((a, v, k) => a + v * W[k], 0));
    const logY = h.map((x) => Math.log(2 * Math.cosh(x)));
    const logZ = Math.log(logY.reduce((a, v) => a + Math.exp(v), 0));
    objective = states.reduce((a, _, b) => a + pb[b] * logY[b], 0) - logZ;
    for (let k = 0; k < 4; k++) {
      let g = 0;
      for (let b = 0; b < 16; b++) g += (pb[b] - Math.exp(logY[b] - logZ)) * states[b][k] * Math.tanh(h[b]);
      W[k] += 0.5 * g;
    }
  }
  return -entropy - 4 * objective;
}

describe('RBM training on an enumerable lattice (4×4 Ising at K = 0.4, b = 2)', () => {
  const bestBlock = optimalBlockDivergence();

  function train(width: number) {
    const data = { lattice: exact.lattice, configs: exact.sample(2000, Rng.stream(10, width)) };
    const result = trainRbm(data, {
      seed: 1,
      width,
      epochs: 6,
      batchSize: 10,
      cdSteps: 3,
      schedule: { kind: 'constant', rate: 0.01 },
      snapshotEpochs: [1, 6],
    });
    const initial = exact.divergence(
      trainRbm(data, {
        seed: 1,
        width,
        epochs: 1,
        configurations: 1,
        schedule: { kind: 'constant', rate: 1e-12 },
      }).filter,
    ).kl;
    return { result, initial, kl: result.snapshots.map((s) => exact.divergence(s.filter).kl) };
  }

  it('w = 2: the exact KL divergence of eq. (8) falls to the best a 2×2 filter can reach', () => {
    const { initial, kl } = train(2);
    // Near W = 0, Y/ΣY is uniform: D = N ln 2 − H(p).
    expect(initial).toBeGreaterThan(5);
    expect(kl[0]).toBeLessThan(initial - 1);
    expect(kl[1]).toBeGreaterThanOrEqual(bestBlock - 1e-9);
    // Excess over the optimum: ML from 2000 samples costs ~ (4 weights)/(2·2000) = 0.001,
    // plus the fluctuation of constant-rate Adam.
    expect(kl[1] - bestBlock).toBeLessThan(0.02);
  });

  it('w = 4: the KL divergence keeps falling, below the best of any 2×2 filter', () => {
    const { initial, kl, result } = train(4);
    expect(kl[0]).toBeLessThan(initial - 1);
    expect(kl[1]).toBeLessThan(kl[0]);
    // A 4×4 filter contains every 2×2 one, so its optimum is at least as good.
    expect(kl[1]).toBeLessThan(bestBlock);
    // The pseudo-log-likelihood rises from ln ½ per site (W = 0).
    const pll = result.history.map((h) => h.pseudoLogLikelihood ?? Number.NaN);
    expect(pll[pll.length - 1]).toBeGreaterThan(Math.log(0.5) + 0.1);
  });

  for (const width of [2, 4]) {
    it(`CD-50 gradient estimates agree with the exact gradient within 4 standard errors (w = ${width})`, () => {
      const rng = Rng.stream(20, width);
      const filter = rbmFilter({ dimension: 2, width, blockSize: 2 });
      for (let k = 0; k < filter.weights.length; k++) filter.weights[k] = (2 * rng.nextFloat() - 1) * 0.4;
      const { gradient } = exact.divergence(filter);
      const n = 4000;
      const data = { lattice: exact.lattice, configs: exact.sample(n, rng) };
      const samples = cdGradientSamples(filter, data, 50, rng);
      const wd = filter.weights.length;
      let largest = 0;
      for (let k = 0; k < wd; k++) {
        let m = 0;
        for (let c = 0; c < n; c++) m += samples[c * wd + k];
        m /= n;
        let v = 0;
        for (let c = 0; c < n; c++) v += (samples[c * wd + k] - m) ** 2;
        const se = Math.sqrt(v / (n - 1) / n);
        expect(Math.abs(m - gradient[k])).toBeLessThan(4 * se);
        largest = Math.max(largest, Math.abs(gradient[k]) / se);
      }
      // The check has power: the gradient itself is many standard errors from zero.
      expect(largest).toBeGreaterThan(8);
    });
  }
});

describe('RBM training options, schedules and determinism', () => {
  it('square-root decay: η(0) = η0, η(e_f) = η_f, constant after; 1/η² linear before', () => {
    const s = { kind: 'sqrt-decay', initial: 1e-3, final: 1e-4, decayEpochs: 25 } as const;
    expect(learningRate(s, 0)).toBe(1e-3);
    expect(learningRate(s, 25)).toBeCloseTo(1e-4, 18);
    expect(learningRate(s, 30)).toBe(1e-4);
    expect(learningRate(s, 50)).toBe(1e-4);
    const inv = (e: number) => 1 / learningRate(s, e) ** 2;
    expect(inv(10) - inv(0)).toBeCloseTo(((inv(25) - inv(0)) * 10) / 25, 3);
    expect(learningRate(s, 12.5)).toBeGreaterThan(1e-4);
    expect(learningRate(s, 12.5)).toBeLessThan(1e-3);
    expect(learningRate({ kind: 'constant', rate: 2e-3 }, 77)).toBe(2e-3);
  });

  it('presets hold the paper and the public-code settings', () => {
    const paper = resolveTrainOptions({ seed: 1 });
    expect(paper).toMatchObject({
      preset: 'chung-kao-2019',
      width: 8,
      blockSize: 2,
      epochs: 50,
      batchSize: 10,
      cdSteps: 3,
      configurations: 10_000,
      snapshotEpochs: [1, 3, 5, 50],
      schedule: { kind: 'sqrt-decay', initial: 1e-3, final: 1e-4, decayEpochs: 25 },
      adam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    });
    expect(resolveTrainOptions({ seed: 1, preset: 'nmcrg' })).toMatchObject({
      batchSize: 50,
      epochs: 100,
      schedule: { kind: 'constant', rate: 1e-3 },
    });
    expect(rbmPresets.nmcrg.width).toBe(8);
    expect(() => resolveTrainOptions({ seed: -1 })).toThrow(UsageError);
    expect(() => resolveTrainOptions({ seed: 1, batchSize: 0 })).toThrow(/batch size/);
    expect(() => resolveTrainOptions({ seed: 1, schedule: { kind: 'constant', rate: 0 } })).toThrow(/rate/);
    expect(() => resolveTrainOptions({ seed: 1, preset: 'nope' as 'nmcrg' })).toThrow(
      /unknown RBM training preset/,
    );
  });

  const lattice = Lattice.cubic(2, 8);
  const configs = exactFreeSample(lattice, 60);

  function exactFreeSample(l: Lattice, n: number): Int8Array {
    // Striped configurations with noise: cheap data with short-range correlations.
    const rng = Rng.stream(30, 0);
    const out = new Int8Array(n * l.volume);
    for (let c = 0; c < n; c++) {
      for (let i = 0; i < l.volume; i++) {
        const [x] = l.coords(i);
        out[c * l.volume + i] = (x >> 1) % 2 === c % 2 ? (rng.nextFloat() < 0.9 ? 1 : -1) : rng.nextSign();
      }
    }
    return out;
  }

  const options = { seed: 7, width: 4, epochs: 3, batchSize: 7, evaluationSize: 4 } as const;

  it('is deterministic for a seed (same filter bits), and the seed matters', () => {
    const a = trainRbm({ lattice, configs }, options);
    const b = trainRbm({ lattice, configs }, options);
    const c = trainRbm({ lattice, configs }, { ...options, seed: 8 });
    expect(Array.from(a.filter.weights)).toEqual(Array.from(b.filter.weights));
    expect(a.history.map((h) => h.pseudoLogLikelihood)).toEqual(b.history.map((h) => h.pseudoLogLikelihood));
    expect(Array.from(a.filter.weights)).not.toEqual(Array.from(c.filter.weights));
    // PCD: deterministic too, and different from CD once the weights are large enough for the
    // chains to remember their start (with W ≈ 0 both chains forget it within one Gibbs step
    // and, sharing their random numbers, coincide).
    const strong = { ...options, initScale: 0.5 };
    const p1 = trainRbm({ lattice, configs }, { ...strong, persistent: true });
    const p2 = trainRbm({ lattice, configs }, { ...strong, persistent: true });
    expect(Array.from(p1.filter.weights)).toEqual(Array.from(p2.filter.weights));
    expect(Array.from(p1.filter.weights)).not.toEqual(
      Array.from(trainRbm({ lattice, configs }, strong).filter.weights),
    );
  });

  it('reports history, snapshots and step hooks; records its metadata', () => {
    const steps: number[] = [];
    const epochs: number[] = [];
    const r = trainRbm(
      { lattice, configs, description: 'striped test data' },
      { ...options, epochs: 5 },
      { onStep: (s) => steps.push(s), everySteps: 4, onEpoch: (e) => epochs.push(e.epoch) },
    );
    const perEpoch = Math.ceil(60 / 7);
    expect(r.metadata.steps).toBe(5 * perEpoch);
    expect(steps).toEqual([
      0,
      ...Array.from({ length: Math.floor((5 * perEpoch) / 4) }, (_, i) => 4 * (i + 1)),
    ]);
    expect(epochs).toEqual([1, 2, 3, 4, 5]);
    expect(r.snapshots.map((s) => s.epoch)).toEqual([1, 3, 5]);
    expect(Array.from(r.snapshots[2].filter.weights)).toEqual(Array.from(r.filter.weights));
    // Handed-out filters are oriented: Σ W ≥ 0.
    for (const f of [r.filter, ...r.snapshots.map((s) => s.filter)]) {
      expect(f.weights.reduce((p, v) => p + v, 0)).toBeGreaterThanOrEqual(0);
    }
    expect(r.history).toHaveLength(5);
    for (const h of r.history) {
      expect(h.reconstructionError).toBeGreaterThan(0);
      expect(h.reconstructionError).toBeLessThan(1);
      expect(h.meanAbsGradient).toBeGreaterThan(0);
      expect(h.pseudoLogLikelihood).toBeLessThan(0);
    }
    expect(r.metadata.data).toEqual({
      lattice: [8, 8],
      configurations: 60,
      description: 'striped test data',
    });
    expect(r.metadata.options).toMatchObject({ seed: 7, width: 4, batchSize: 7, preset: 'chung-kao-2019' });
    expect(r.metadata.versions.rng).toMatch(/xoshiro128/);
  });

  it('with symmetrize keeps the filter exactly symmetric about the window centre', () => {
    const r = trainRbm({ lattice, configs }, { ...options, symmetrize: true });
    const w = 4;
    const W = r.filter.weights;
    for (let a = 0; a < w; a++) {
      for (let c = 0; c < w; c++) {
        expect(W[(w - 1 - a) * w + c]).toBe(W[a * w + c]);
        expect(W[c * w + a]).toBe(W[a * w + c]);
      }
    }
  });

  it('rejects data that do not fit', () => {
    expect(() => trainRbm({ lattice, configs: new Int8Array(65) }, options)).toThrow(/not a whole number/);
    expect(() => trainRbm({ lattice, configs: new Int8Array(64) }, options)).toThrow(/not ±1/);
    expect(() =>
      trainRbm({ lattice: Lattice.cubic(2, 7), configs: new Int8Array(49).fill(1) }, options),
    ).toThrow(/not divisible/);
    expect(() =>
      trainRbm({ lattice, configs }, { ...options, initialFilter: rbmFilter({ dimension: 2, width: 3 }) }),
    ).toThrow(/initial filter/);
  });
});

describe('Adam (schedule.ts): gradient ascent W += η m̂/(√v̂ + ε)', () => {
  it('the first three steps equal the closed form with bias correction, computed by hand', () => {
    // m_t = β1 m_{t−1} + (1 − β1) g_t, v_t = β2 v_{t−1} + (1 − β2) g_t², m̂ = m_t/(1 − β1^t),
    // v̂ = v_t/(1 − β2^t). The first step is η·sign(g) (m̂/√v̂ = g/|g|); without the bias
    // correction it would be 3.16 η, without m's alone 0.1 η, without v's alone 31.6 η, so the
    // test fails at step 1 if either is dropped (checked by breaking Adam.step).
    const eta = 1e-3;
    const adam = new Adam(2, { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    const W = Float64Array.from([0.5, -0.25]);
    const gradients = [
      [0.2, -3],
      [-0.1, -1],
      [0.4, 0.5],
    ];
    // 1 − β1^t = 0.1, 0.19, 0.271 and 1 − β2^t = 0.001, 0.001999, 0.002997001 for t = 1, 2, 3.
    const expected = [
      {
        // Weight 0: m = 0.1·0.2, v = 0.001·0.04. Weight 1: m = 0.1·(−3), v = 0.001·9.
        m: [0.02, -0.3],
        v: [4e-5, 0.009],
        step: [0.02 / 0.1 / (Math.sqrt(4e-5 / 0.001) + 1e-8), -0.3 / 0.1 / (Math.sqrt(0.009 / 0.001) + 1e-8)],
      },
      {
        // m = 0.9·m + 0.1·g, v = 0.999·v + 0.001·g².
        m: [0.018 - 0.01, -0.27 - 0.1],
        v: [3.996e-5 + 1e-5, 0.008991 + 0.001],
        step: [
          0.008 / 0.19 / (Math.sqrt(4.996e-5 / 0.001999) + 1e-8),
          -0.37 / 0.19 / (Math.sqrt(0.009991 / 0.001999) + 1e-8),
        ],
      },
      {
        m: [0.0072 + 0.04, -0.333 + 0.05],
        v: [4.991004e-5 + 1.6e-4, 0.009981009 + 0.00025],
        step: [
          0.0472 / 0.271 / (Math.sqrt(2.0991004e-4 / 0.002997001) + 1e-8),
          -0.283 / 0.271 / (Math.sqrt(0.010231009 / 0.002997001) + 1e-8),
        ],
      },
    ];
    const w = [0.5, -0.25];
    for (let t = 0; t < 3; t++) {
      adam.step(W, Float64Array.from(gradients[t]), eta);
      expect(adam.t).toBe(t + 1);
      for (let k = 0; k < 2; k++) {
        w[k] += eta * expected[t].step[k];
        expect(Math.abs(adam.m[k] - expected[t].m[k]), `m, step ${t + 1}`).toBeLessThan(1e-15);
        expect(Math.abs(adam.v[k] - expected[t].v[k]), `v, step ${t + 1}`).toBeLessThan(1e-15);
        expect(Math.abs(W[k] - w[k]), `W, step ${t + 1}`).toBeLessThan(1e-13);
      }
    }
    // The first step moves each weight by η up the gradient, whatever |g|.
    expect(expected[0].step[0]).toBeCloseTo(1, 6);
    expect(expected[0].step[1]).toBeCloseTo(-1, 6);
  });
});
