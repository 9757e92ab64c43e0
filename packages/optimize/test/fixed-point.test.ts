import { Lattice, type Projector } from '@rsrg/core';
import { binSamples, projectingStream } from '@rsrg/mcrg';
import { stochasticMajorityProjector } from '@rsrg/projectors';
import { describe, expect, it } from 'vitest';
import { RgConvergenceObjective, type StoredConfigurations } from '../src/index.js';
import { couplingsOf, sampleCritical } from './sample.js';

/**
 * Swendsen's fixed-point proxy. The exact identity: when the second ensemble is the first
 * one blocked once by the very rule and draws the objective uses on it, level 1 of L and level
 * 0 of L/2 are the same configurations, so their averages agree bit for bit and the loss at
 * n = 0 is 0. Another rule on the same data does not give 0 (control).
 */

const seed = 21;
const bins = 16;
const couplings = couplingsOf('ising2d');
// 2D Ising 16² at K_c: 640 configurations.
const data = sampleCritical('ising2d', 16, 640, 31);
const majority = stochasticMajorityProjector({ w: Number.POSITIVE_INFINITY, w1: 0 }, 2);

/**
 * The configurations of `data` blocked once by `projector`, with the draws `Reblocking` makes
 * on them: bin k from projectingStream(seed, k), every level of a configuration in turn (the
 * coarser levels are blocked only to use up their draws).
 */
function blockedOnce(projector: Projector, levels: number, streamSeed = seed): StoredConfigurations {
  const kernels = [projector.create(data.lattice)];
  for (let n = 1; n < levels; n++) kernels.push(projector.create(kernels[n - 1].coarse));
  const scratch = kernels.map((k) => new Int8Array(k.coarse.volume));
  const coarse = kernels[0].coarse;
  const V = data.lattice.volume;
  const configurations = new Int8Array(data.count * coarse.volume);
  let i = 0;
  for (let k = 0; k < bins; k++) {
    const rng = projectingStream(streamSeed, k);
    for (let j = 0; j < binSamples(data.count, bins, k); j++, i++) {
      let current = data.configurations.subarray(i * V, (i + 1) * V);
      for (let n = 0; n < levels; n++) {
        kernels[n].apply(current, scratch[n], rng);
        current = scratch[n];
      }
      configurations.set(scratch[0], i * coarse.volume);
    }
  }
  return { lattice: new Lattice(coarse.sizes), configurations, count: data.count };
}

const objectiveOf = (other: StoredConfigurations | undefined) =>
  new RgConvergenceObjective(data, other, { couplings, blockSize: 2, seed, bins, weighted: true });

describe('the fixed-point proxy', () => {
  const probe = objectiveOf(undefined);
  const other = blockedOnce(majority, probe.main.levels);
  const objective = objectiveOf(other);

  it('is exactly 0 at n = 0 for majority rule against its own blocked configurations', () => {
    const fp = objective.evaluate(majority).fixedPoint;
    expect(fp).toBeDefined();
    if (!fp) return;
    // Levels n = 0 (L at 1 against L/2 at 0) and n = 1 (L at 2 against L/2 at 1).
    expect(new Set(fp.even.terms.map((t) => t.level))).toEqual(new Set([0, 1]));
    for (const sector of ['even', 'odd'] as const) {
      const first = fp[sector].terms.filter((t) => t.level === 0);
      expect(first).toHaveLength(sector === 'even' ? couplings.even.length : couplings.odd.length);
      for (const t of first) {
        expect(t.block).toBe(t.original);
        expect(t.difference).toBe(0);
        expect(t.error).toBeGreaterThan(0);
        expect(Math.abs(t.block)).toBeGreaterThan(0);
      }
    }
    // The nearest-neighbour energy per site of a critical 2D system: 2·(√2/2) at K_c, finite size aside.
    const nn = fp.even.terms[0];
    expect(nn.block).toBeGreaterThan(1.2);
    expect(nn.block).toBeLessThan(1.6);
  });

  it('needs the same draws: blocked with another seed (other tie-breaks), n = 0 is not exact (control)', () => {
    const shifted = objectiveOf(blockedOnce(majority, probe.main.levels, seed + 1));
    const fp = shifted.evaluate(majority).fixedPoint;
    if (!fp) throw new Error('no fixed-point value');
    const first = fp.even.terms.filter((t) => t.level === 0);
    expect(first.some((t) => t.difference !== 0)).toBe(true);
  });

  it('is not 0 at n = 0 for w = 0.5 on the same data (control)', () => {
    const fp = objective.evaluate(stochasticMajorityProjector({ w: 0.5, w1: 0 }, 2)).fixedPoint;
    if (!fp) throw new Error('no fixed-point value');
    const first = fp.even.terms.filter((t) => t.level === 0);
    const loss = first.reduce((s, t) => s + (t.difference / t.error) ** 2, 0);
    expect(loss).toBeGreaterThan(100);
    expect(fp.even.loss).toBeGreaterThan(loss - 1e-9);
  });

  it('is absent without a second lattice of side L/2, and says why', () => {
    expect(probe.evaluate(majority).fixedPoint).toBeUndefined();
    expect(probe.fixedPointUnavailable).toMatch(/second lattice/);
    const wrong = objectiveOf(sampleCritical('ising2d', 16, 64, 3));
    expect(wrong.evaluate(majority).fixedPoint).toBeUndefined();
    expect(wrong.fixedPointUnavailable).toMatch(/side L\/2: 16×16 is not 16×16 \/ 2/);
    expect(objective.fixedPointUnavailable).toBeUndefined();
  });
});
