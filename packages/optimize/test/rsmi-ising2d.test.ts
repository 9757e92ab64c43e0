import { Rng } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import {
  blockEnvironmentPairs,
  configurationGroups,
  type RsmiEstimate,
  rsmiEstimate,
  type StoredConfigurations,
} from '../src/index.js';
import { sampleCritical } from './sample.js';

/**
 * RSMI on critical 2D Ising configurations with 2×2 blocks (docs/optimized-projectors.md,
 * "RSMI"): the filter that maximizes I(H:E) has equal weights, the Kadanoff block spin
 * (Koch-Janusz & Ringel 2018). Errors are the standard errors over 8 independent groups of
 * configurations; the statistic is each weight's deviation from the block mean, λ_i − λ̄.
 */

const geometry = { blockSize: 2, buffer: 1, shell: 1 };
const options = { norm: 2, l2: 1e-4, classifierIterations: 200, filterIterations: 100 };

function estimate(data: StoredConfigurations): RsmiEstimate {
  const pick = { blocksPerConfiguration: 16, seed: 3 };
  const groups = configurationGroups(data.count, 8).map((g) => ({
    fit: blockEnvironmentPairs(data, geometry, { configurations: g.fit, ...pick }),
    evaluate: blockEnvironmentPairs(data, geometry, { configurations: g.evaluate, ...pick }),
  }));
  return rsmiEstimate(groups, options);
}

/** z-scores of λ_i − λ̄ over the groups. */
function deviations(r: RsmiEstimate): number[] {
  const n = r.lambda.length;
  return Array.from({ length: n }, (_, i) => {
    const d = r.groups.map((g) => g.lambda[i] - g.lambda.reduce((s, x) => s + x, 0) / n);
    const mean = d.reduce((s, x) => s + x, 0) / d.length;
    const variance = d.reduce((s, x) => s + (x - mean) ** 2, 0) / (d.length - 1);
    return mean / Math.sqrt(variance / d.length);
  });
}

describe('RSMI on critical 2D Ising, 2×2 blocks', () => {
  // 2000 Wolff configurations of 16², 3 flips apart.
  const data = sampleCritical('ising2d', 16, 2000, 5, 3);

  it('learns equal weights within 4σ, with I(H:E) < I(V:E)', () => {
    const r = estimate(data);
    for (const z of deviations(r)) expect(Math.abs(z)).toBeLessThan(4);
    for (const l of r.lambda) expect(l.error).toBeLessThan(0.1);
    expect(r.informationHE.value).toBeGreaterThan(0.2);
    expect(r.ratio.value).toBeGreaterThan(0.5);
    expect(r.ratio.value + 4 * r.ratio.error).toBeLessThan(1);
  });

  it('negative control: with one site of every block replaced by noise, that weight drops and equal weights are rejected', () => {
    const noisy = Int8Array.from(data.configurations);
    const L = 16;
    const rng = Rng.stream(77, 0);
    // Site (0, 0) of every 2×2 block: both coordinates even.
    for (let c = 0; c < data.count; c++)
      for (let x = 0; x < L; x += 2)
        for (let y = 0; y < L; y += 2) noisy[c * L * L + x * L + y] = rng.nextSign();
    const r = estimate({ ...data, configurations: noisy });
    const z = deviations(r);
    expect(z[0]).toBeLessThan(-4);
    expect(r.lambda[0].value).toBeLessThan(0.5 * r.lambda[1].value);
  });
});
