import { jackknife } from '@rsrg/core';
import { rbmFilter } from '@rsrg/projectors';
import { describe, expect, it } from 'vitest';
import {
  exponentOf,
  type LinearFieldRule,
  RgConvergenceObjective,
  rbmFilterField,
  type SectorLoss,
} from '../src/index.js';
import { couplingsOf, sampleCritical } from './sample.js';

/**
 * dL/dθ of the RG-convergence loss (both the successive-N_r term on 16×16 and the size term
 * against 8×8) from the score-function exponent gradients, against central finite differences
 * of L with common random numbers, for a width-2 RBM filter: plain and error-weighted (the
 * weights 1/s² held at their central values on both sides, as the gradient holds them).
 */

const main = sampleCritical('ising2d', 16, 3000, 51, 3);
const other = sampleCritical('ising2d', 8, 3000, 52, 3);
const couplings = couplingsOf('ising2d');
const EPSILON = 0.05;
// A weak, asymmetric filter: far from converged, so that dL/dθ of the y_h loss is 7–9σ from zero.
const W = [0.2, 0.1, 0.15, 0.15];
const ruleOf = (weights: readonly number[]) =>
  rbmFilterField(rbmFilter({ dimension: 2, width: 2, blockSize: 2, weights }));

function objectiveOf(weighted: boolean) {
  return new RgConvergenceObjective(main, other, {
    couplings,
    blockSize: 2,
    seed: 13,
    bins: 30,
    mu: 2,
    nc: 3,
    weighted,
  });
}

/** [L(θ + ε e_k) − L(θ − ε e_k)] / 2ε with the terms' weights of `loss`, jackknifed over the common bins. */
function finiteDifference(
  objective: RgConvergenceObjective,
  rule: LinearFieldRule,
  loss: SectorLoss,
  sector: 'even' | 'odd',
  k: number,
) {
  const side = (h: number) => {
    const r = rule.at(rule.theta.map((v, j) => (j === k ? v + h : v)));
    return { a: objective.main.accumulate(r.projector), b: objective.other?.accumulate(r.projector) };
  };
  const plus = side(EPSILON);
  const minus = side(-EPSILON);
  const L = (s: ReturnType<typeof side>, skip: number) => {
    let sum = 0;
    for (const t of loss.terms) {
      const ya = exponentOf(s.a, skip, sector, t.kind === 'steps' ? t.nr + 1 : t.nr, 3);
      const yb =
        t.kind === 'steps' ? exponentOf(s.a, skip, sector, t.nr, 3) : exponentOf(s.b!, skip, sector, t.nr, 3);
      sum += t.weight * (ya - yb) ** 2;
    }
    return sum;
  };
  const [d] = jackknife(objective.main.bins, (skip) => [(L(plus, skip) - L(minus, skip)) / (2 * EPSILON)]);
  return d;
}

describe.each([
  ['even', false],
  ['even', true],
  ['odd', false],
  ['odd', true],
] as const)('dL/dθ of the %s sector’s loss, weighted = %s', (sector, weighted) => {
  const objective = objectiveOf(weighted);
  const rule = ruleOf(W);
  const at = objective.evaluateWithGradient(rule, sector);

  it('has a steps term and a sizes term, and L is their weighted sum', () => {
    const loss = at.value[sector];
    expect(loss.terms.map((t) => t.kind)).toEqual(['steps', 'sizes']);
    expect(loss.weighted).toBe(weighted);
    const sum = loss.terms.reduce((s, t) => s + t.weight * t.difference ** 2, 0);
    expect(sum).toBeCloseTo(loss.loss, 12);
    for (const t of loss.terms) expect(t.error).toBeGreaterThan(0);
  });

  it('equals central finite differences of L with common random numbers within 4σ', () => {
    expect(at.gradient).toHaveLength(4);
    for (let k = 0; k < 4; k++) {
      const fd = finiteDifference(objective, rule, at.value[sector], sector, k);
      const g = at.gradient[k];
      expect(Math.abs(g.value - fd.value)).toBeLessThan(4 * Math.hypot(g.error, fd.error));
    }
  });
});

it('differs from the finite differences of L at another filter (negative control)', () => {
  const objective = objectiveOf(false);
  const at = objective.evaluateWithGradient(ruleOf(W), 'odd');
  const far = ruleOf([0.8, 0.6, 0.7, 0.7]);
  const fd = finiteDifference(objective, far, objective.evaluate(far.projector).odd, 'odd', 0);
  expect(Math.abs(at.gradient[0].value - fd.value)).toBeGreaterThan(
    4 * Math.hypot(at.gradient[0].error, fd.error),
  );
});
