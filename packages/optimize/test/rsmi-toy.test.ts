import { Rng } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import {
  type BlockEnvironmentPairs,
  filterProbabilities,
  maximizeInformation,
  type RsmiEstimate,
  rsmiEstimate,
} from '../src/index.js';
import { conditionalTable, fitClassifier } from '../src/rsmi/classifier.js';
import { informationHE } from '../src/rsmi/mutual-information.js';

/**
 * RSMI's exact route on a toy distribution whose mutual informations are known: V uniform on
 * {±1}^4, E two noisy copies of each block spin, each copy flipped with probability ε
 * independently (a binary symmetric channel). Then p(v|e) ∝ Π_i exp(β v_i (e_i¹ + e_i²)) with
 * tanh β = 1 − 2ε, which the classifier's log-linear family holds exactly, and I(H:E), I(V:E)
 * follow by enumerating the 16 × 256 states.
 */

const n = 4;
const copies = 2;
const m = n * copies;
const EPSILON = 0.2;
const LAMBDA = [1.2, 0.8, 0.5, 0.3];

/** Pairs of the toy distribution: environment site c·n + i is copy c of block spin i. */
function toyPairs(count: number, epsilon: number, rng: Rng): BlockEnvironmentPairs {
  const blocks = new Uint8Array(count);
  const environments = new Int8Array(count * m);
  for (let k = 0; k < count; k++) {
    const v = rng.nextInt(1 << n);
    blocks[k] = v;
    for (let c = 0; c < copies; c++)
      for (let i = 0; i < n; i++) {
        const s = (v >> i) & 1 ? 1 : -1;
        environments[k * m + c * n + i] = rng.nextFloat() < epsilon ? -s : s;
      }
  }
  return { blockSites: n, environmentSites: m, count, blocks, environments };
}

const binaryEntropy = (x: number) => (x <= 0 || x >= 1 ? 0 : -x * Math.log(x) - (1 - x) * Math.log(1 - x));

/** Exact I(H:E) and I(V:E) (nats) by enumeration, Bayes' rule written out. */
function exact(epsilon: number, lambda: readonly number[]): { iHE: number; iVE: number } {
  const p = filterProbabilities(lambda);
  let hHgivenE = 0;
  let hVgivenE = 0;
  let pH = 0;
  for (let e = 0; e < 1 << m; e++) {
    const joint = new Float64Array(1 << n);
    let pe = 0;
    for (let v = 0; v < 1 << n; v++) {
      let w = 1 / (1 << n);
      for (let c = 0; c < copies; c++)
        for (let i = 0; i < n; i++) w *= ((v >> i) & 1) === ((e >> (c * n + i)) & 1) ? 1 - epsilon : epsilon;
      joint[v] = w;
      pe += w;
    }
    let mean = 0;
    for (let v = 0; v < 1 << n; v++) {
      const post = joint[v] / pe;
      mean += post * p[v];
      if (post > 0) hVgivenE -= joint[v] * Math.log(post);
    }
    pH += pe * mean;
    hHgivenE += pe * binaryEntropy(mean);
  }
  return { iHE: binaryEntropy(pH) - hHgivenE, iVE: n * Math.LN2 - hVgivenE };
}

function groups(epsilon: number): { fit: BlockEnvironmentPairs; evaluate: BlockEnvironmentPairs }[] {
  const rng = Rng.stream(41, 0);
  return Array.from({ length: 8 }, () => ({
    fit: toyPairs(10_000, epsilon, rng),
    evaluate: toyPairs(10_000, epsilon, rng),
  }));
}

const options = { norm: 2, l2: 1e-5, classifierIterations: 200, filterIterations: 100 };

describe('RSMI exact route on a noisy-channel toy with known mutual information', () => {
  let estimate: RsmiEstimate;
  const truth = exact(EPSILON, LAMBDA);

  it('matches the exact I(H:E) at a fixed λ and the exact I(V:E) within 4σ', () => {
    estimate = rsmiEstimate(groups(EPSILON), { ...options, lambda: LAMBDA });
    const { informationHE: iHE, informationVE: iVE } = estimate;
    expect(iHE.error).toBeGreaterThan(0);
    expect(Math.abs(iHE.value - truth.iHE)).toBeLessThan(4 * iHE.error);
    expect(Math.abs(iVE.value - truth.iVE)).toBeLessThan(4 * iVE.error);
    // The errors resolve the answer: a few per cent of it, not more.
    expect(iHE.error).toBeLessThan(0.02 * truth.iHE);
  });

  it('negative control: the exact values of a slightly different channel (ε = 0.22) are rejected', () => {
    const other = exact(0.22, LAMBDA);
    expect(Math.abs(estimate.informationHE.value - other.iHE)).toBeGreaterThan(
      4 * estimate.informationHE.error,
    );
    expect(Math.abs(estimate.informationVE.value - other.iVE)).toBeGreaterThan(
      4 * estimate.informationVE.error,
    );
  });

  it('maximizes the exact I(H:E) over directions at fixed norm, from an asymmetric start', () => {
    const g = groups(EPSILON)[0];
    const fit = fitClassifier(g.fit, { l2: options.l2, iterations: options.classifierIterations });
    const table = conditionalTable(fit.classifier, g.fit);
    const best = maximizeInformation(table, g.fit.count, n, { norm: 2, iterations: 100 });
    const found = exact(EPSILON, Array.from(best.lambda)).iHE;
    // Equal weights on k of the spins, every k: for independent spins one spin wins (H is
    // then a nearly faithful copy of it), not the block sum.
    const candidates = [1, 2, 3, 4].map((k) =>
      exact(
        EPSILON,
        Array.from({ length: n }, (_, i) => (i < k ? 2 / Math.sqrt(k) : 0)),
      ),
    );
    for (const c of candidates) expect(found).toBeGreaterThan(c.iHE - 1e-3);
    expect(found).toBeGreaterThan(truth.iHE);
    // The maximum found on the data is the exact one to within the data's noise.
    expect(Math.abs(best.information - found)).toBeLessThan(0.02);
  });

  it('gives ∂I(H:E)/∂λ equal to central differences (negative control: a wrong component is told apart)', () => {
    const g = groups(EPSILON)[1];
    const fit = fitClassifier(g.fit, { l2: options.l2, iterations: options.classifierIterations });
    const table = conditionalTable(fit.classifier, g.evaluate);
    const N = g.evaluate.count;
    const gradient = new Float64Array(n);
    informationHE(table, N, LAMBDA, gradient);
    const h = 1e-5;
    for (let i = 0; i < n; i++) {
      const up = [...LAMBDA];
      const down = [...LAMBDA];
      up[i] += h;
      down[i] -= h;
      const fd = (informationHE(table, N, up) - informationHE(table, N, down)) / (2 * h);
      expect(Math.abs(gradient[i] - fd)).toBeLessThan(1e-7);
      // The components differ by far more than that: a swapped one would fail.
      expect(Math.abs(gradient[(i + 1) % n] - fd)).toBeGreaterThan(1e-4);
    }
  });
});
