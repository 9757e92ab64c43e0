import { Lattice, Rng, UsageError } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { type RbmFilter, rbmFilter } from '../src/rbm/index.js';
import {
  PottsPseudoLikelihood,
  PottsRbmLayout,
  pottsCdGradientSamples,
  pottsRbmKernel,
  pottsRbmProjector,
  resolvePottsTrainOptions,
  trainPottsRbm,
} from '../src/rbm/potts/index.js';
import { logSumExp, PottsExact, statesFromIndex } from './potts-rbm-exact.js';

// The 3-state Potts model on the 4×2 torus at K = 0.9: 3^8 = 6561 states, enumerated. Blocks
// of 2×2 (b = 2) give two hidden units; w = 3 windows overlap and wrap (L_y = 2 < w).
const exact = new PottsExact([4, 2], 3, 0.9);
const q = 3;

function randomFilter(width: number, rng: Rng, scale: number): RbmFilter {
  const f = rbmFilter({ dimension: 2, width, blockSize: 2 });
  for (let k = 0; k < f.weights.length; k++) f.weights[k] = (2 * rng.nextFloat() - 1) * scale;
  return f;
}

/** Mean and standard error of each column of n rows of `size`. */
function columnMeans(samples: Float64Array, n: number, size: number) {
  const mean = new Float64Array(size);
  const se = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    let m = 0;
    for (let c = 0; c < n; c++) m += samples[c * size + k];
    m /= n;
    let v = 0;
    for (let c = 0; c < n; c++) v += (samples[c * size + k] - m) ** 2;
    mean[k] = m;
    se[k] = Math.sqrt(v / (n - 1) / n);
  }
  return { mean, se };
}

/**
 * The smallest D(p ‖ Y/ΣY) over all w = 2 filters. With w = b the two hidden units see disjoint
 * blocks, so Y/ΣY is a product of one 81-state distribution per block, y_b ∝ Σ_a e^{Σ_k W_k δ(σ_k, a)},
 * and D = −H(p) − 2·max_W (E_{p_b} log y_b), p_b being the block marginal of p (the same for
 * both blocks by translation symmetry); the maximum is found by gradient ascent.
 */
function optimalBlockDivergence(): number {
  const { p, lattice } = exact;
  const block = [0, 1, 2, 3]; // sites (0,0), (0,1), (1,0), (1,1) of the 4×2 lattice
  expect(block.map((i) => lattice.coords(i))).toEqual([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  const pb = new Float64Array(81);
  const sigma = new Int8Array(8);
  let entropy = 0;
  for (let c = 0; c < p.length; c++) {
    statesFromIndex(c, q, sigma);
    let b = 0;
    for (let k = 3; k >= 0; k--) b = b * q + sigma[block[k]];
    pb[b] += p[c];
    if (p[c] > 0) entropy -= p[c] * Math.log(p[c]);
  }
  const states = Array.from({ length: 81 }, (_, b) => Array.from(statesFromIndex(b, q, new Int8Array(4))));
  const W = [0.1, 0.1, 0.1, 0.1];
  let objective = 0;
  for (let it = 0; it < 3000; it++) {
    const phi = states.map((s) =>
      [0, 1, 2].map((a) => s.reduce((acc, v, k) => acc + (v === a ? W[k] : 0), 0)),
    );
    const logY = phi.map((f) => logSumExp(f));
    const logZ = logSumExp(logY);
    objective = states.reduce((acc, _, b) => acc + pb[b] * (logY[b] - logZ), 0);
    for (let k = 0; k < 4; k++) {
      let g = 0;
      for (let b = 0; b < 81; b++) {
        g += (pb[b] - Math.exp(logY[b] - logZ)) * Math.exp(phi[b][states[b][k]] - logY[b]);
      }
      W[k] += 0.5 * g;
    }
  }
  return -entropy - 2 * objective;
}

describe('q-state RBM training on an enumerable lattice (3-state Potts, 4×2 torus, K = 0.9, b = 2)', () => {
  for (const width of [2, 3]) {
    it(`CD-50 gradient estimates agree with the exact KL gradient within 4 standard errors (w = ${width})`, () => {
      const rng = Rng.stream(20, width);
      const filter = randomFilter(width, rng, 0.6);
      const { gradient } = exact.divergence(filter);
      const n = 4000;
      const data = { lattice: exact.lattice, configs: exact.sample(n, rng) };
      const samples = pottsCdGradientSamples(q, filter, data, 50, rng);
      const wd = filter.weights.length;
      const { mean, se } = columnMeans(samples, n, wd);
      let largest = 0;
      for (let k = 0; k < wd; k++) {
        expect(Math.abs(mean[k] - gradient[k]), `weight ${k}`).toBeLessThan(4 * se[k]);
        largest = Math.max(largest, Math.abs(gradient[k]) / se[k]);
      }
      // The check has power: the gradient itself is many standard errors from zero…
      expect(largest).toBeGreaterThan(8);
      // …and the exact gradient of another model (K = 0.5) is rejected.
      const other = new PottsExact([4, 2], 3, 0.5).divergence(filter).gradient;
      let worst = 0;
      for (let k = 0; k < wd; k++) worst = Math.max(worst, Math.abs(mean[k] - other[k]) / se[k]);
      expect(worst).toBeGreaterThan(4);
    });
  }

  const bestBlock = optimalBlockDivergence();

  function train(width: number) {
    const data = { lattice: exact.lattice, configs: exact.sample(2000, Rng.stream(10, width)) };
    const result = trainPottsRbm(data, {
      q,
      seed: 1,
      width,
      epochs: 6,
      batchSize: 10,
      cdSteps: 3,
      schedule: { kind: 'constant', rate: 0.01 },
      snapshotEpochs: [1, 6],
    });
    return { result, kl: result.snapshots.map((s) => exact.divergence(s.filter).kl) };
  }

  it('w = 2: the exact KL divergence falls from N ln q − H(p) to the best a 2×2 filter can reach', () => {
    const { kl } = train(2);
    // Near W = 0, Y/ΣY is uniform.
    const entropy = -exact.p.reduce((a, v) => a + (v > 0 ? v * Math.log(v) : 0), 0);
    const initial = 8 * Math.log(3) - entropy;
    expect(initial - bestBlock).toBeGreaterThan(0.5);
    expect(kl[0]).toBeLessThan(initial - 0.3);
    expect(kl[1]).toBeGreaterThanOrEqual(bestBlock - 1e-9);
    // ML from 2000 samples costs ~ (4 weights)/(2·2000) = 0.001, plus constant-rate Adam noise.
    expect(kl[1] - bestBlock).toBeLessThan(0.02);
  });

  it('W < 0 is a second, worse basin (anti-plurality): training from −ε ends there, from the default start it does not', () => {
    const data = { lattice: exact.lattice, configs: exact.sample(2000, Rng.stream(10, 2)) };
    const settings = {
      q,
      seed: 1,
      width: 2,
      epochs: 6,
      batchSize: 10,
      schedule: { kind: 'constant', rate: 0.01 },
    } as const;
    const negative = trainPottsRbm(data, {
      ...settings,
      initialFilter: rbmFilter({ dimension: 2, width: 2, weights: [-0.01, -0.01, -0.01, -0.01] }),
    }).filter;
    const positive = trainPottsRbm(data, settings).filter;
    expect(negative.weights.every((v) => v < -1)).toBe(true);
    expect(positive.weights.every((v) => v > 1)).toBe(true);
    expect(exact.divergence(negative).kl).toBeGreaterThan(exact.divergence(positive).kl + 0.5);
  });

  it('w = 3: the KL divergence keeps falling and the pseudo-log-likelihood rises from −ln q', () => {
    const { kl, result } = train(3);
    expect(kl[1]).toBeLessThan(kl[0]);
    const pll = result.history.map((h) => h.pseudoLogLikelihood ?? Number.NaN);
    expect(pll[pll.length - 1]).toBeGreaterThan(-Math.log(3) + 0.1);
  });
});

describe('q-state pseudo-log-likelihood', () => {
  it('equals −(1/N) Σ_i log Σ_c Y(σ^{i→c})/Y(σ) computed from log Y, and is −ln q at W = 0', () => {
    const lattice = Lattice.cubic(2, 4);
    const rng = Rng.stream(30, 0);
    const filter = randomFilter(3, rng, 1.5);
    const configs = Int8Array.from({ length: 3 * 16 }, () => rng.nextInt(4));
    const layout = new PottsRbmLayout(lattice, filter);
    const pll = new PottsPseudoLikelihood(pottsRbmKernel().units(layout, 4, filter.weights));
    const projector = pottsRbmProjector({ q: 4, filter });
    let direct = 0;
    for (let c = 0; c < 3; c++) {
      const sigma = configs.slice(c * 16, (c + 1) * 16);
      const base = projector.logY(lattice, sigma);
      for (let i = 0; i < 16; i++) {
        const s = sigma[i];
        const terms = [0, 1, 2, 3].map((a) => {
          sigma[i] = a;
          return projector.logY(lattice, sigma) - base;
        });
        sigma[i] = s;
        direct -= logSumExp(terms);
      }
    }
    direct /= 3 * 16;
    expect(Math.abs(pll.mean(filter.weights, configs, [0, 16, 32]) - direct)).toBeLessThan(1e-12);
    expect(pll.mean(new Float64Array(9), configs, [0, 16, 32])).toBeCloseTo(-Math.log(4), 14);
  });
});

describe('q-state RBM training: options, determinism, records', () => {
  const lattice = Lattice.cubic(2, 8);
  // Striped 3-state configurations with noise: cheap data with short-range correlations.
  const configs = (() => {
    const rng = Rng.stream(31, 0);
    const out = new Int8Array(60 * 64);
    for (let c = 0; c < 60; c++) {
      for (let i = 0; i < 64; i++) {
        const [x] = lattice.coords(i);
        out[c * 64 + i] = rng.nextFloat() < 0.8 ? ((x >> 1) + c) % 3 : rng.nextInt(3);
      }
    }
    return out;
  })();
  const options = { q: 3, seed: 7, width: 4, epochs: 3, batchSize: 7, evaluationSize: 4 } as const;

  it('is deterministic for a seed, and the seed and PCD matter', () => {
    const a = trainPottsRbm({ lattice, configs }, options);
    const b = trainPottsRbm({ lattice, configs }, options);
    const c = trainPottsRbm({ lattice, configs }, { ...options, seed: 8 });
    expect(Array.from(a.filter.weights)).toEqual(Array.from(b.filter.weights));
    expect(a.history.map((h) => h.pseudoLogLikelihood)).toEqual(b.history.map((h) => h.pseudoLogLikelihood));
    expect(Array.from(a.filter.weights)).not.toEqual(Array.from(c.filter.weights));
    const strong = { ...options, initScale: 1 };
    const p1 = trainPottsRbm({ lattice, configs }, { ...strong, persistent: true });
    const p2 = trainPottsRbm({ lattice, configs }, { ...strong, persistent: true });
    expect(Array.from(p1.filter.weights)).toEqual(Array.from(p2.filter.weights));
    expect(Array.from(p1.filter.weights)).not.toEqual(
      Array.from(trainPottsRbm({ lattice, configs }, strong).filter.weights),
    );
  });

  it('reports history, snapshots and step hooks, and records q in its metadata', () => {
    const steps: number[] = [];
    const epochs: number[] = [];
    const r = trainPottsRbm(
      { lattice, configs, description: 'striped 3-state data' },
      { ...options, epochs: 5 },
      { onStep: (s) => steps.push(s), everySteps: 4, onEpoch: (e) => epochs.push(e.epoch) },
    );
    const perEpoch = Math.ceil(60 / 7);
    expect(r.q).toBe(3);
    expect(r.metadata.steps).toBe(5 * perEpoch);
    expect(steps).toEqual([
      0,
      ...Array.from({ length: Math.floor((5 * perEpoch) / 4) }, (_, i) => 4 * (i + 1)),
    ]);
    expect(epochs).toEqual([1, 2, 3, 4, 5]);
    expect(r.snapshots.map((s) => s.epoch)).toEqual([1, 3, 5]);
    expect(Array.from(r.snapshots[2].filter.weights)).toEqual(Array.from(r.filter.weights));
    for (const h of r.history) {
      expect(h.reconstructionError).toBeGreaterThan(0);
      expect(h.reconstructionError).toBeLessThan(1);
      expect(h.meanAbsGradient).toBeGreaterThan(0);
      expect(h.pseudoLogLikelihood).toBeLessThan(0);
    }
    // The data are far from uniform: the fit rises above −ln 3 per site.
    expect(r.history[4].pseudoLogLikelihood).toBeGreaterThan(-Math.log(3));
    expect(r.metadata.data).toEqual({
      lattice: [8, 8],
      configurations: 60,
      description: 'striped 3-state data',
    });
    expect(r.metadata.options).toMatchObject({
      q: 3,
      seed: 7,
      width: 4,
      batchSize: 7,
      preset: 'chung-kao-2019',
    });
    expect(r.metadata.versions.rng).toMatch(/xoshiro128/);
  });

  it('with symmetrize keeps the filter exactly symmetric about the window centre', () => {
    const W = trainPottsRbm({ lattice, configs }, { ...options, symmetrize: true }).filter.weights;
    for (let a = 0; a < 4; a++) {
      for (let c = 0; c < 4; c++) {
        expect(W[(3 - a) * 4 + c]).toBe(W[a * 4 + c]);
        expect(W[c * 4 + a]).toBe(W[a * 4 + c]);
      }
    }
  });

  it('rejects data and options that do not fit', () => {
    expect(() => trainPottsRbm({ lattice, configs: new Int8Array(65) }, options)).toThrow(
      /not a whole number/,
    );
    expect(() => trainPottsRbm({ lattice, configs: new Int8Array(64).fill(3) }, options)).toThrow(
      /entry 0 is 3, not a state 0..2/,
    );
    expect(() => trainPottsRbm({ lattice, configs }, { ...options, q: 1 })).toThrow(UsageError);
    expect(() => resolvePottsTrainOptions({ ...options, q: 257 })).toThrow(/from 2 to 256/);
    expect(() =>
      trainPottsRbm({ lattice: Lattice.cubic(2, 7), configs: new Int8Array(49) }, options),
    ).toThrow(/not divisible/);
    expect(() =>
      trainPottsRbm(
        { lattice, configs },
        { ...options, initialFilter: rbmFilter({ dimension: 2, width: 3 }) },
      ),
    ).toThrow(/initial filter/);
  });
});
