import { Lattice, Rng, type TrainingData, UsageError } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import {
  blockLogLikelihood,
  blockSumCounts,
  type TunableMajorityProjector,
  tunableMajorityCodec,
  tunableMajorityTrainer,
} from '../src/index.js';

/** Σ_J log cosh(w s_J) of one configuration (blocks of side 2). */
function logY(lattice: Lattice, sigma: Int8Array, w: number): number {
  const blocks = lattice.window(2, 2);
  let sum = 0;
  for (let J = 0; J < blocks.length / 4; J++) {
    let s = 0;
    for (let k = 4 * J; k < 4 * J + 4; k++) s += sigma[blocks[k]];
    sum += Math.log(Math.cosh(w * s));
  }
  return sum;
}

function data(lattice: Lattice, configurations: Int8Array): TrainingData {
  return { lattice, configurations, count: configurations.length / lattice.volume, description: 'test' };
}

/** Configurations whose blocks are mostly aligned, as near K_c: each block copies a random sign, a few spins flipped. */
function clumpy(lattice: Lattice, count: number, flip: number, seed: number): Int8Array {
  const rng = Rng.stream(seed, 0);
  const blocks = lattice.window(2, 2);
  const out = new Int8Array(count * lattice.volume);
  for (let c = 0; c < count; c++) {
    const sigma = out.subarray(c * lattice.volume, (c + 1) * lattice.volume);
    for (let J = 0; J < blocks.length / 4; J++) {
      const sign = rng.nextSign();
      for (let k = 4 * J; k < 4 * J + 4; k++) sigma[blocks[k]] = rng.nextFloat() < flip ? -sign : sign;
    }
  }
  return out;
}

describe('the likelihood of the tunable majority read as an RBM', () => {
  it('equals the brute-force likelihood of p_w(σ) ∝ Π_J cosh(w s_J) on 4×4 (all 2¹⁶ configurations)', () => {
    const lattice = new Lattice([4, 4]);
    const V = lattice.volume;
    const configurations = clumpy(lattice, 5, 0.2, 3);
    const counts = blockSumCounts(data(lattice, configurations), 2);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5 * 4);
    for (const w of [0, 0.3, 1.1, 2.5]) {
      // log Σ_σ Π_J cosh(w s_J) over every configuration of the 16 spins.
      const sigma = new Int8Array(V);
      let z = 0;
      for (let bits = 0; bits < 1 << V; bits++) {
        for (let i = 0; i < V; i++) sigma[i] = (bits >> i) & 1 ? 1 : -1;
        z += Math.exp(logY(lattice, sigma, w));
      }
      let mean = 0;
      for (let c = 0; c < 5; c++) mean += logY(lattice, configurations.subarray(c * V, (c + 1) * V), w) / 5;
      // Per block, relative to w = 0 (where p is uniform, 2^−16).
      const expected = (mean - Math.log(z) + V * Math.LN2) / 4;
      expect(blockLogLikelihood(counts, w)).toBeCloseTo(expected, 10);
    }
    expect(blockLogLikelihood(counts, 0)).toBe(0);
  });
});

describe("trainer 'tunable-majority'", () => {
  const lattice = new Lattice([8, 8]);
  const training = data(lattice, clumpy(lattice, 50, 0.1, 5));

  it('plans one epoch of one step per grid point, and refuses bad options', () => {
    expect(tunableMajorityTrainer.plan({ points: '11' }, { lattice, count: 3 })).toEqual({
      steps: 11,
      stepsPerEpoch: 11,
      epochs: 1,
      options: { wMax: 3, points: 11, blockSize: 2 },
    });
    expect(() => tunableMajorityTrainer.plan({ points: 1 }, { lattice, count: 3 })).toThrow(UsageError);
    expect(() => tunableMajorityTrainer.plan({ wMax: 0 }, { lattice, count: 3 })).toThrow(
      /wMax must be positive/,
    );
    expect(() => tunableMajorityTrainer.plan({ blockSize: 3 }, { lattice, count: 3 })).toThrow(
      /not divisible/,
    );
    expect(() => tunableMajorityTrainer.plan({ w: 1 }, { lattice, count: 3 })).toThrow(/has no option 'w'/);
  });

  it('picks the grid point of largest likelihood, inside the grid, and hands out the best w so far', async () => {
    const snapshots: { step: number; w: number }[] = [];
    const trained = await tunableMajorityTrainer.train(
      training,
      { wMax: 4, points: 81 },
      { seed: 1, workers: 1, sources: [] },
      {
        snapshotEvery: 20,
        onSnapshot: (s) => snapshots.push({ step: s.step, w: s.values[0] }),
        record: () => ({ note: 'recorded' }),
      },
    );
    const counts = blockSumCounts(training, 2);
    const grid = Array.from({ length: 81 }, (_, i) => (4 * i) / 80);
    const likelihoods = grid.map((w) => blockLogLikelihood(counts, w));
    const best = likelihoods.indexOf(Math.max(...likelihoods));
    const [w] = trained.parameters.values;
    expect(w).toBe(grid[best]);
    // An interior maximum: blocks are aligned more often than at random, but not always.
    expect(w).toBeGreaterThan(0);
    expect(w).toBeLessThan(4);
    expect(snapshots.map((s) => s.step)).toEqual([20, 40, 60, 80, 81]);
    expect(snapshots.at(-1)?.w).toBe(w);
    for (let i = 1; i < snapshots.length; i++)
      expect(snapshots[i].w).toBeGreaterThanOrEqual(snapshots[i - 1].w);
    expect(trained.history).toHaveLength(1);
    expect(trained.history[0].metrics).toEqual({ w, logLikelihood: likelihoods[best] });
    const file = tunableMajorityCodec.decode(trained.file);
    expect(file).toMatchObject({ w, blockSize: 2, training: { w, note: 'recorded' } });
    const projector = (await tunableMajorityTrainer.load(trained.file)) as TunableMajorityProjector;
    expect(projector.w).toBe(w);
    // Deterministic: the same data give the same w, whatever the seed.
    const again = await tunableMajorityTrainer.train(
      training,
      { wMax: 4, points: 81 },
      {
        seed: 9,
        workers: 2,
        sources: [],
      },
    );
    expect(again.parameters.values).toEqual([w]);
  });
});
