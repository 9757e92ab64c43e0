import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '@rsrg/core';
import { type McrgResult, runMcrg } from '@rsrg/mcrg';
import { plugin as models } from '@rsrg/models';
import { plugin as samplers } from '@rsrg/samplers';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockFilter, plugin as projectors, rbmFilter } from '../src/index.js';
import { pottsRbm, pottsRbmProjectorCodec } from '../src/rbm/potts/index.js';

/**
 * End to end, at the exponents: the 3-state Potts model on 16² at K_c, blocked on the same
 * configurations by the plurality rule and by the q-state RBM with a saturated block filter
 * (50 on the 2×2 block, 0 elsewhere: plurality with uniform ties). Their y_t and y_h agree,
 * every N_r and N_c, within 3 combined standard errors (the analyses share the configurations,
 * so the real spread is much smaller); a soft filter on the same block (0.3), another RG, must
 * fail that comparison (negative control).
 */
describe('q-state RBM with a saturated block filter: the plurality rule’s MCRG exponents (3-state Potts, 16²)', () => {
  let result: McrgResult;

  beforeAll(async () => {
    const registry = new Registry().use(models).use(samplers).use(projectors);
    if (!registry.projectors.has('potts-rbm')) registry.projectors.add(pottsRbm);
    const dir = mkdtempSync(join(tmpdir(), 'potts-rbm-mcrg-'));
    const file = (name: string, value: number) => {
      const hard = blockFilter({ dimension: 2, width: 4, value: 50 });
      const filter = rbmFilter({ ...hard, weights: hard.weights.map((v) => (v === 0 ? 0 : value)) });
      const path = join(dir, name);
      writeFileSync(path, pottsRbmProjectorCodec.encode({ q: 3, filter }));
      return path;
    };
    result = await runMcrg(registry, {
      model: 'potts2d',
      modelOptions: { q: 3 },
      size: 16,
      samples: 4000,
      thermalize: 200,
      chains: 4,
      binsPerChain: 4,
      seed: 23,
      workers: 1,
      projectors: [
        { id: 'majority', label: 'plurality' },
        { id: 'potts-rbm', label: 'saturated', options: { weights: file('saturated.rsrg', 50), q: 3 } },
        { id: 'potts-rbm', label: 'soft', options: { weights: file('soft.rsrg', 0.3), q: 3 } },
      ],
    });
  });

  /** Largest |Δy| in combined standard errors over all (sector, N_r, N_c). */
  const worst = (a: string, b: string) => {
    const of = (label: string) => result.estimates.filter((e) => e.projector === label);
    const A = of(a);
    const B = of(b);
    expect(A.length).toBeGreaterThan(0);
    expect(B.length).toBe(A.length);
    let z = 0;
    for (const e of A) {
      const f = B.find((x) => x.sector === e.sector && x.nr === e.nr && x.nc === e.nc);
      expect(f, `${e.sector} ${e.nr} ${e.nc}`).toBeDefined();
      if (!f || !Number.isFinite(e.y) || !Number.isFinite(f.y)) continue;
      z = Math.max(z, Math.abs(e.y - f.y) / Math.hypot(e.error, f.error));
    }
    return z;
  };

  it('saturated filter: y_t and y_h of the plurality rule within 3σ', () => {
    expect(worst('plurality', 'saturated')).toBeLessThan(3);
  });

  it('a soft filter on the block (0.3) does not', () => {
    expect(worst('plurality', 'soft')).toBeGreaterThan(5);
  });
});
