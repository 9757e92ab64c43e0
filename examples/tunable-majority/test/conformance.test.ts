import {
  coarseProbabilities,
  Lattice,
  type ProjectorOptions,
  projectorConformance,
  projectorTestConfigurations,
  projectorTestLattices,
  Registry,
  Rng,
  spinsFromIndex,
  UsageError,
} from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import {
  blockProbabilities,
  plugin,
  type TunableMajorityProjector,
  tunableMajorityOptions,
  tunableMajorityProjector,
} from '../src/index.js';
import { blockSums, definitionProbability } from './blocks.js';

/**
 * The projector conformance checks of `@rsrg/core` (the ones the built-in projectors pass),
 * run on the registered `tunable-majority` factory over a range of weights and block sizes,
 * followed by the checks particular to this rule.
 */
const fixtures: readonly ProjectorOptions[] = [
  {},
  { w: 0 },
  { w: 0.25 },
  { w: '0.6' },
  { w: Number.POSITIVE_INFINITY },
  { w: 0.5, blockSize: 3 },
];

const registry = new Registry().use(plugin);
const factory = registry.projectors.get('tunable-majority');

it('registers tunable-majority through the plugin', () => {
  expect(registry.projectors.list().map((f) => f.id)).toEqual(['tunable-majority']);
  expect(factory.description).toMatch(/exp\(w μ Σ_block σ\)/);
});

describe.each(
  fixtures.map((o) => [JSON.stringify(o, (_, v) => (v === Infinity ? 'Infinity' : v)), o] as const),
)('tunable-majority %s', (_, options) => {
  // probability() multiplies per-block entries that depend on μ_J·s_J only: Z2 holds bit for bit.
  for (const check of projectorConformance(factory, { projectorOptions: options, exactSymmetry: true })) {
    it(check.name, check.run);
  }

  const projector = async () => (await factory.create(options)) as TunableMajorityProjector;

  it('has the requested block size and weight, and says why a lattice is not divisible', async () => {
    const p = await projector();
    const parsed = tunableMajorityOptions(options);
    expect(p.blockSize).toBe(parsed.blockSize);
    expect(p.w).toBe(parsed.w);
    for (const d of [1, 2, 3]) {
      const { rectangular } = projectorTestLattices(d, p.blockSize);
      const bad = new Lattice(rectangular.sizes.map((L, a) => (a === d - 1 ? L + 1 : L)));
      expect(p.supports(bad)).toMatch(/not divisible/);
    }
  });

  it('draws exactly once per block, in block order, bit-identical to Rng.nextFloat() < P(μ_J = +1)', async () => {
    const p = await projector();
    const b = p.blockSize;
    for (const d of [1, 2, 3]) {
      const fine = projectorTestLattices(d, b).rectangular;
      const kernel = p.create(fine);
      const table = blockProbabilities(p.w, b ** d);
      for (const [i, sigma] of projectorTestConfigurations(fine, b, 200 + d).entries()) {
        const rng = Rng.stream(12, i);
        const reference = rng.clone();
        const mu = new Int8Array(kernel.coarse.volume);
        for (let rep = 0; rep < 3; rep++) {
          kernel.apply(sigma, mu, rng);
          const expected = blockSums(fine, b, sigma).map((s) =>
            reference.nextFloat() < table[(s + b ** d) / 2] ? 1 : -1,
          );
          expect(Array.from(mu)).toEqual(expected);
          expect(Array.from(rng.s)).toEqual(Array.from(reference.s));
        }
      }
    }
  });

  it.skipIf(!Number.isFinite(tunableMajorityOptions(options).w))(
    'P(μ|σ) matches its definition to 1e-14',
    async () => {
      const p = await projector();
      const b = p.blockSize;
      for (const d of [1, 2, 3]) {
        const fine = projectorTestLattices(d, b).enumerable;
        const n = fine.coarsen(b).volume;
        const mu = new Int8Array(n);
        for (const sigma of projectorTestConfigurations(fine, b, 300 + d)) {
          const prob = coarseProbabilities(p, fine, sigma);
          for (let m = 0; m < prob.length; m++) {
            const exact = definitionProbability(fine, b, p.w, sigma, spinsFromIndex(m, n, mu));
            expect(Math.abs(prob[m] - exact)).toBeLessThan(1e-14);
          }
        }
      }
    },
  );
});

describe('the weight w', () => {
  it('w = 0 is a fair coin per block: P(μ|σ) = 2^−n for every σ and μ', () => {
    const p = tunableMajorityProjector(0);
    const fine = projectorTestLattices(2, 2).enumerable;
    for (const sigma of projectorTestConfigurations(fine, 2, 500)) {
      for (const x of coarseProbabilities(p, fine, sigma)) expect(x).toBe(1 / 16);
    }
  });

  it('the table is e^{wx}/(e^{wx} + e^{−wx}) for μ·Σ = x, and monotone in x', () => {
    for (const [w, v] of [
      [0.3, 4],
      [1, 4],
      [0.7, 9],
      [2, 8],
    ]) {
      const table = blockProbabilities(w, v);
      expect(table.length).toBe(v + 1);
      for (let k = 0; k <= v; k++) {
        const x = 2 * k - v;
        expect(Math.abs(table[k] - Math.exp(w * x) / (Math.exp(w * x) + Math.exp(-w * x)))).toBeLessThan(
          1e-15,
        );
        expect(table[k] + table[v - k]).toBeCloseTo(1, 15);
        if (k > 0) expect(table[k]).toBeGreaterThan(table[k - 1]);
      }
    }
  });

  it('w = Infinity gives the table 0 … 0, ½ at a tie, 1 … 1, with no NaN', () => {
    expect(Array.from(blockProbabilities(Infinity, 4))).toEqual([0, 0, 0.5, 1, 1]);
    expect(Array.from(blockProbabilities(Infinity, 9))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    // A huge finite w must not overflow either.
    expect(Array.from(blockProbabilities(1e300, 4))).toEqual([0, 0, 0.5, 1, 1]);
  });
});

describe('options', () => {
  it('default to w = 1, blockSize = 2 and accept numeric strings (as a command line passes them)', () => {
    expect(tunableMajorityOptions({})).toEqual({ w: 1, blockSize: 2 });
    expect(tunableMajorityOptions({ w: '2.5', blockSize: '3' })).toEqual({ w: 2.5, blockSize: 3 });
    expect(tunableMajorityOptions({ w: 'Infinity' })).toEqual({ w: Infinity, blockSize: 2 });
    expect(tunableMajorityOptions({ w: undefined, weights: undefined })).toEqual({ w: 1, blockSize: 2 });
  });

  it.each([
    [{ w: -0.5 }, /w must be a number ≥ 0/],
    [{ w: 'strong' }, /w must be a number ≥ 0/],
    [{ w: '' }, /w must be a number ≥ 0/],
    [{ w: Number.NaN }, /w must be a number ≥ 0/],
    [{ w: true }, /w must be a number ≥ 0/],
    [{ blockSize: 1 }, /blockSize must be an integer ≥ 2/],
    [{ blockSize: 2.5 }, /blockSize must be an integer ≥ 2/],
    [{ weight: 2 }, /has no option 'weight' \(known: w, blockSize\)/],
  ] as [ProjectorOptions, RegExp][])('reject %j', (options, message) => {
    expect(() => tunableMajorityOptions(options)).toThrow(UsageError);
    expect(() => tunableMajorityOptions(options)).toThrow(message);
    expect(() => registry.projectors.get('tunable-majority').create(options)).toThrow(message);
  });
});
