import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ProjectorOptions, projectorConformance, Registry, Rng } from '@rsrg/core';
import { afterAll, describe, expect, it } from 'vitest';
import { plugin, rbmFilter, rbmProjectorCodec, writeWeightDat } from '../src/index.js';

/**
 * The projector conformance checks of `@rsrg/core`, run on every projector the plugin
 * registers. A registered projector with no fixture below runs once with the options `{}`;
 * listing fixtures for an id replaces that default run, so a projector that needs options (a
 * weights file) is one line here, with `skip` when it cannot run in this suite at all.
 */
interface Fixture {
  readonly id: string;
  readonly options: ProjectorOptions;
  /** Dimensions of the test lattices (default 1, 2 and 3). */
  readonly dimensions?: readonly number[];
  /** Why this fixture cannot run; reported as a skipped test. */
  readonly skip?: string;
}

const fixtureDir = mkdtempSync(join(tmpdir(), 'rsrg-conformance-'));
afterAll(() => rmSync(fixtureDir, { recursive: true, force: true }));

/** A weight.dat file holding a w×w filter of uniform weights in [−scale, scale]. */
function randomFilterFile(width: number, scale: number): string {
  const rng = Rng.stream(99, width);
  const weights = Array.from({ length: width * width }, () => scale * (2 * rng.nextFloat() - 1));
  const path = join(fixtureDir, `filter-${width}.dat`);
  writeFileSync(path, writeWeightDat(rbmFilter({ dimension: 2, width, weights })));
  return path;
}

/** A projector file holding a w×w×w filter of uniform weights in [−scale, scale]. */
function randomFilterFile3d(width: number, scale: number): string {
  const rng = Rng.stream(98, width);
  const weights = Array.from({ length: width ** 3 }, () => scale * (2 * rng.nextFloat() - 1));
  const path = join(fixtureDir, `filter-${width}-3d.rsrg`);
  writeFileSync(path, rbmProjectorCodec.encode({ filter: rbmFilter({ dimension: 3, width, weights }) }));
  return path;
}

const fixtures: readonly Fixture[] = [
  { id: 'majority', options: {} },
  { id: 'majority', options: { blockSize: 3 } },
  { id: 'decimation', options: {} },
  { id: 'decimation', options: { blockSize: 3 } },
  // Random filters, so that P(μ|σ) is far from a delta: the paper's w = 8 with b = 2, and b = 3.
  { id: 'rbm', options: { weights: randomFilterFile(8, 0.5) }, dimensions: [2] },
  { id: 'rbm', options: { weights: randomFilterFile(3, 0.8), blockSize: 3 }, dimensions: [2] },
  // A 4³ filter, the width of the 3D studies.
  { id: 'rbm', options: { weights: randomFilterFile3d(4, 0.5) }, dimensions: [3] },
  // It blocks q-state spins only: potts-rbm-conformance.test.ts runs these checks on them.
  {
    id: 'potts-rbm',
    options: {},
    skip: 'blocks q-state spins, not ±1: run on q = 3, 4, 5 in potts-rbm-conformance.test.ts',
  },
  // Soft and hard block weights, with and without the neighbour shell, and b = 3.
  { id: 'stochastic-majority', options: {} },
  { id: 'stochastic-majority', options: { w: Number.POSITIVE_INFINITY } },
  { id: 'stochastic-majority', options: { w: 0.4, w1: -0.15 } },
  { id: 'stochastic-majority', options: { w: Number.POSITIVE_INFINITY, w1: 0.3 } },
  { id: 'stochastic-majority', options: { w: 0.5, w1: 0.1, blockSize: 3 }, dimensions: [1, 2] },
];

const registry = new Registry().use(plugin);
const factories = registry.projectors.list();
const cases: Fixture[] = factories.flatMap((f) => {
  const own = fixtures.filter((x) => x.id === f.id);
  return own.length > 0 ? own : [{ id: f.id, options: {} }];
});

it('the suite covers majority and decimation, and every fixture names a registered projector', () => {
  const ids = factories.map((f) => f.id);
  expect(ids).toEqual(expect.arrayContaining(['majority', 'decimation']));
  for (const f of fixtures) expect(ids).toContain(f.id);
});

describe.each(cases.map((c) => [`${c.id} ${JSON.stringify(c.options)}`, c] as const))(
  'projector %s',
  (_, fx) => {
    const checks = projectorConformance(registry.projectors.get(fx.id), {
      projectorOptions: fx.options,
      dimensions: fx.dimensions,
    });
    for (const check of checks) {
      (fx.skip ? it.skip : it)(check.name, async (ctx) => {
        const notApplicable = await check.run();
        if (notApplicable) ctx.skip(notApplicable);
      });
    }
  },
);
