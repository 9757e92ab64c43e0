import type { Estimate } from '@rsrg/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  blockEnvironmentPairs,
  conditionalTable,
  fitClassifier,
  INFONCE_DEFAULTS,
  infoNceBound,
  informationHE,
  trainInfoNce,
} from '../src/index.js';
import { sampleCritical } from './sample.js';

/**
 * The InfoNCE cross-check of RSMI's exact route (docs/optimized-projectors.md, "RSMI") on the
 * small case: critical 2D Ising on 16², 2×2 blocks, L_B = L_E = 1. The separable critic is
 * trained on one half of the configurations (batch 250, τ annealed 2 → 0.05, Adam 5·10⁻³, a
 * smaller network and fewer steps than the defaults to stay fast); I_NCE is measured with hard
 * H on the other half and compared with the exact route's I(H:E) on the same held-out pairs.
 * σ is I_NCE's standard error over its batches (both numbers see the same pairs, so the data's
 * own fluctuation is common to them).
 */

const geometry = { blockSize: 2, buffer: 1, shell: 1 };
const EQUAL = [1, 1, 1, 1];
const ONE_SITE = [2, 0, 0, 0];

describe('InfoNCE agrees with the exact route on critical 2D Ising, 2×2 blocks', () => {
  const data = sampleCritical('ising2d', 16, 1200, 5, 3);
  const configurations = Array.from({ length: data.count }, (_, c) => c);
  const pick = { blocksPerConfiguration: 16, seed: 3 };
  const fit = blockEnvironmentPairs(data, geometry, {
    configurations: configurations.filter((c) => c % 2 === 0),
    ...pick,
  });
  const held = blockEnvironmentPairs(data, geometry, {
    configurations: configurations.filter((c) => c % 2 === 1),
    ...pick,
  });
  const classifier = fitClassifier(fit, { l2: 1e-4, iterations: 200 }).classifier;
  const table = conditionalTable(classifier, held);
  const exact = (lambda: number[]) => informationHE(table, held.count, lambda);
  const nce = (lambda: number[]) => {
    const model = trainInfoNce(fit, {
      ...INFONCE_DEFAULTS,
      hidden: 8,
      embedding: 4,
      steps: 400,
      seed: 1,
      lambda,
    });
    return infoNceBound(model, held, lambda, { batch: 250, seed: 2 });
  };
  let equal: Estimate;
  let oneSite: Estimate;
  beforeAll(() => {
    equal = nce(EQUAL);
    oneSite = nce(ONE_SITE);
  }, 60_000);

  it('gives I(H:E) of the equal-weight filter and of a one-site filter within 4σ', () => {
    expect(equal.error).toBeGreaterThan(0);
    expect(Math.abs(equal.value - exact(EQUAL))).toBeLessThan(4 * equal.error);
    expect(Math.abs(oneSite.value - exact(ONE_SITE))).toBeLessThan(4 * oneSite.error);
    // Both below ln 250, the most InfoNCE can give.
    expect(equal.value).toBeLessThan(Math.log(250));
  });

  it('negative control: each filter’s I_NCE rejects the other filter’s exact I(H:E)', () => {
    expect(Math.abs(equal.value - exact(ONE_SITE))).toBeGreaterThan(4 * equal.error);
    expect(Math.abs(oneSite.value - exact(EQUAL))).toBeGreaterThan(4 * oneSite.error);
  });
});
