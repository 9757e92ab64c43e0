import type { TrainedProjector } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { rsmiTrainer } from '../src/index.js';

/** A finished RSMI training with the given information estimates (the rest is not read). */
function trained(ratio: { value: number; error: number }): TrainedProjector {
  const e = (value: number) => ({ value, error: 0.002 });
  return {
    metadata: { informationHE: e(0.157), informationVE: e(0.124), ratio, lambda: [e(1), e(1)] },
  } as unknown as TrainedProjector;
}

describe('rsmi: the report of a training', () => {
  it('warns when I(H:E)/I(V:E) exceeds 1 by more than 2σ (an over-fitted classifier), and not otherwise', () => {
    const rows = (ratio: { value: number; error: number }) => rsmiTrainer.describe?.(trained(ratio)) ?? [];
    const warned = (ratio: { value: number; error: number }) => rows(ratio).some(([k]) => k === 'warning');
    // The 3D study's run: 10⁴ pairs per group fit q(v|e) with 1344 parameters.
    expect(warned({ value: 1.31, error: 0.1 })).toBe(true);
    expect(rows({ value: 1.31, error: 0.1 }).find(([k]) => k === 'warning')?.[1]).toMatch(/over-fits/);
    // Controls: a ratio below 1, and one above 1 within 2σ.
    expect(warned({ value: 0.75, error: 0.005 })).toBe(false);
    expect(warned({ value: 1.05, error: 0.03 })).toBe(false);
  });
});
