import { Registry } from '@rsrg/core';
import { analyzeEnsemble, type Ensemble, modelCouplings, sampleEnsemble } from '@rsrg/mcrg';
import { plugin as models } from '@rsrg/models';
import { blockFilter, plugin as projectors, rbmFilter, rbmProjector } from '@rsrg/projectors';
import { plugin as samplers } from '@rsrg/samplers';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * End to end, in 2D and 3D: the RBM projector with a filter of 50 on the b^d block and 0
 * elsewhere is majority rule (a fair coin on ties), so on the same configurations it gives
 * majority rule's MCRG exponents, every N_r and N_c, within 3 combined standard errors (the
 * two analyses share the configurations, so the real spread is much smaller). A soft filter on
 * the same block, a different RG, must fail that comparison somewhere (negative control).
 */
const registry = new Registry().use(models).use(samplers).use(projectors);
const SEED = 21;

const cases = [
  { model: 'ising2d', size: 16, samples: 4000, dimension: 2, width: 8 },
  { model: 'ising3d', size: 8, samples: 3000, dimension: 3, width: 4 },
] as const;

describe.each(cases)('$model on $size^$dimension', (c) => {
  let ensemble: Ensemble;
  const analyze = (projector: Parameters<typeof analyzeEnsemble>[1]) => {
    const { even, odd } = modelCouplings(registry, c.model);
    return analyzeEnsemble(ensemble, projector, { even, odd, seed: SEED, bins: 16 }).estimates;
  };

  beforeAll(async () => {
    ensemble = await sampleEnsemble(registry, {
      model: c.model,
      size: c.size,
      samples: c.samples,
      thermalize: 200,
      chains: 4,
      seed: SEED,
      workers: 1,
    });
  });

  /** Largest |Δy| in combined standard errors over all (sector, N_r, N_c). */
  const worst = (a: ReturnType<typeof analyze>, b: ReturnType<typeof analyze>) => {
    expect(b.length).toBe(a.length);
    let z = 0;
    for (const e of a) {
      const f = b.find((x) => x.sector === e.sector && x.nr === e.nr && x.nc === e.nc);
      expect(f, `${e.sector} ${e.nr} ${e.nc}`).toBeDefined();
      if (!f || !Number.isFinite(e.y) || !Number.isFinite(f.y)) continue;
      z = Math.max(z, Math.abs(e.y - f.y) / Math.hypot(e.error, f.error));
    }
    return z;
  };

  it('a block filter of 50 gives majority rule’s y_t and y_h within 3σ', async () => {
    const majority = analyze(await registry.projectors.get('majority').create({}));
    const block = analyze(rbmProjector(blockFilter({ dimension: c.dimension, width: c.width, value: 50 })));
    expect(majority.length).toBeGreaterThan(0);
    expect(worst(majority, block)).toBeLessThan(3);
  });

  it('a soft filter on the block (weights 0.2) does not', async () => {
    const majority = analyze(await registry.projectors.get('majority').create({}));
    const soft = rbmFilter({ dimension: c.dimension, width: c.width });
    const hard = blockFilter({ dimension: c.dimension, width: c.width, value: 50 });
    for (let k = 0; k < soft.weights.length; k++) soft.weights[k] = hard.weights[k] === 0 ? 0 : 0.2;
    expect(worst(majority, analyze(rbmProjector(soft)))).toBeGreaterThan(5);
  });
});
