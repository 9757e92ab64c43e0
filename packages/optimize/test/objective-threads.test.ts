import { majorityProjector, rbmFilter, rbmProjector, stochasticMajorityProjector } from '@rsrg/projectors';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ObjectiveEvaluator,
  objectiveEvaluator,
  RgConvergenceObjective,
  type RgObjectiveOptions,
  rbmFilterField,
  stochasticMajorityField,
  symmetricFilterField,
} from '../src/index.js';
import { couplingsOf, sampleCritical } from './sample.js';

/**
 * The objective's bins on worker threads (`ObjectiveThreads`, the built dist/objective-worker.js):
 * every loss, exponent, error and gradient is that of one thread bit for bit, for 1, 2 and 3
 * workers (bins split 8 = 4 + 4 and 2 + 3 + 3), on a main lattice (16², two RG steps) and a
 * second one (8², L/b: the fixed-point proxy too), before and after the workers cache the
 * level-0 sums. A different θ or seed gives a different value, so the comparisons can fail.
 */

const main = sampleCritical('ising2d', 16, 320, 61, 3);
const other = sampleCritical('ising2d', 8, 320, 62, 3);
const options: RgObjectiveOptions = {
  couplings: couplingsOf('ising2d'),
  blockSize: 2,
  bins: 8,
  seed: 5,
  nc: 3,
};

/** A fresh objective (its own level-0 caches), on `workers` threads. */
const evaluators: ObjectiveEvaluator[] = [];
function evaluator(workers: number, o: RgObjectiveOptions = options): ObjectiveEvaluator {
  const e = objectiveEvaluator(new RgConvergenceObjective(main, other, o), workers);
  evaluators.push(e);
  return e;
}
afterAll(() => Promise.all(evaluators.map((e) => e.close())));

const reference = new RgConvergenceObjective(main, other, options);
const byWorkers = [1, 2, 3].map((w) => evaluator(w));
const theta = { w: 1.3, w1: 0.1 };
const filter = rbmFilter({ dimension: 2, width: 2, blockSize: 2, weights: [0.5, 0.35, 0.45, 0.4] });

describe('the objective on worker threads', () => {
  it('starts min(workers, bins) threads; workers = 1 is this thread', () => {
    expect(byWorkers.map((e) => e.threads)).toEqual([0, 2, 3]);
    expect(evaluator(20).threads).toBe(8);
  });

  it('evaluate: the same value bit for bit for 1, 2 and 3 workers, first and cached (stochastic majority, rbm)', async () => {
    for (const projector of [
      stochasticMajorityProjector(theta),
      stochasticMajorityProjector(theta), // the second time from the cached level-0 sums
      stochasticMajorityProjector({ w: Number.POSITIVE_INFINITY, w1: 0 }),
      rbmProjector(filter),
    ]) {
      const expected = reference.evaluate(projector);
      expect(expected.fixedPoint).toBeDefined();
      expect(Number.isFinite(expected.even.loss)).toBe(true);
      for (const e of byWorkers) expect(await e.evaluate(projector)).toEqual(expected);
    }
  });

  it('evaluateWithGradient: the same value, gradient and errors for 1, 2 and 3 workers (stochastic majority, RBM filter, symmetric filter)', async () => {
    const rules = [
      [stochasticMajorityField(theta), 'even'],
      [rbmFilterField(filter), 'odd'],
      [symmetricFilterField({ dimension: 2, width: 4, blockSize: 2 }, [0.3, 0.1, -0.05]), 'even'],
    ] as const;
    for (const [rule, sector] of rules) {
      const expected = reference.evaluateWithGradient(rule, sector);
      expect(expected.gradient).toHaveLength(rule.theta.length);
      expect(expected.gradient.every((g) => Number.isFinite(g.value) && g.error > 0)).toBe(true);
      for (const e of byWorkers) expect(await e.evaluateWithGradient(rule, sector)).toEqual(expected);
    }
  });

  it('negative controls: another θ or another seed gives another value', async () => {
    const [one, two] = [byWorkers[0], byWorkers[1]];
    const at = await two.evaluate(stochasticMajorityProjector(theta));
    expect(await two.evaluate(stochasticMajorityProjector({ w: 1.5, w1: 0.1 }))).not.toEqual(at);
    expect(
      await evaluator(2, { ...options, seed: 6 }).evaluate(stochasticMajorityProjector(theta)),
    ).not.toEqual(at);
    const g = await one.evaluateWithGradient(rbmFilterField(filter), 'odd');
    const moved = rbmFilterField(
      rbmFilter({ dimension: 2, width: 2, blockSize: 2, weights: [0.5, 0.35, 0.45, 0.41] }),
    );
    expect((await two.evaluateWithGradient(moved, 'odd')).gradient).not.toEqual(g.gradient);
  });

  it('a projector the workers cannot rebuild is evaluated on this thread, with the same value', async () => {
    const majority = majorityProjector(2);
    expect(await byWorkers[2].evaluate(majority)).toEqual(reference.evaluate(majority));
  });

  it('a worker’s failure rejects the evaluation in one clear line; closed, the evaluator refuses', async () => {
    const e = evaluator(2);
    await expect(e.evaluate(stochasticMajorityProjector(theta, 4))).rejects.toThrow(
      /projector 'stochastic-majority' has block size 4, not 2/,
    );
    await e.close();
    await expect(e.evaluate(stochasticMajorityProjector(theta))).rejects.toThrow(/closed/);
  });

  it('an abort rejects a pending evaluation with its reason', async () => {
    const controller = new AbortController();
    const e = objectiveEvaluator(new RgConvergenceObjective(main, other, options), 2, controller.signal);
    evaluators.push(e);
    const pending = e.evaluate(stochasticMajorityProjector(theta));
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    await expect(e.evaluate(stochasticMajorityProjector(theta))).rejects.toThrow('stop');
  });
});
