import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectorConformance, Rng, stateSpins } from '@rsrg/core';
import { describe, it } from 'vitest';
import { rbmFilter } from '../src/rbm/index.js';
import { pottsRbm, pottsRbmProjectorCodec } from '../src/rbm/potts/index.js';

// The projector contract of @rsrg/core on q-state spins (normalisation, `apply` against
// `probability` by chi-square, the cyclic symmetry σ → σ + 1 mod q, determinism, shapes) for
// the potts-rbm factory with random filters.
const dir = mkdtempSync(join(tmpdir(), 'potts-rbm-conformance-'));

function filterFile(q: number, dimension: number, width: number, blockSize: number, scale: number): string {
  const rng = Rng.stream(50, q * 100 + width);
  const weights = Array.from({ length: width ** dimension }, () => (2 * rng.nextFloat() - 1) * scale);
  const path = join(dir, `q${q}-d${dimension}-w${width}-b${blockSize}.rsrg`);
  writeFileSync(
    path,
    pottsRbmProjectorCodec.encode({ q, filter: rbmFilter({ dimension, width, blockSize, weights }) }),
  );
  return path;
}

describe.each([
  { q: 3, dimension: 2, width: 4, blockSize: 2, scale: 0.8 },
  { q: 4, dimension: 2, width: 3, blockSize: 3, scale: 0.8 },
  { q: 3, dimension: 3, width: 3, blockSize: 2, scale: 0.5 },
  { q: 5, dimension: 1, width: 5, blockSize: 2, scale: 1 },
])('potts-rbm at q = $q, $dimension D, w = $width, b = $blockSize (conformance)', (c) => {
  for (const check of projectorConformance(pottsRbm, {
    projectorOptions: { weights: filterFile(c.q, c.dimension, c.width, c.blockSize, c.scale), q: c.q },
    dimensions: [c.dimension],
    spins: stateSpins(c.q),
  })) {
    it(check.name, async (ctx) => {
      const notApplicable = await check.run();
      if (notApplicable) ctx.skip(notApplicable);
    });
  }
});
