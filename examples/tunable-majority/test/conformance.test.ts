import {
  chiSquare,
  indexFromSpins,
  Lattice,
  type ProjectorKernel,
  type ProjectorOptions,
  Registry,
  Rng,
  randomSpins,
  type Spins,
  spinsFromIndex,
  UnsupportedError,
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
 * The projector conformance checks (as run in-tree for the built-in projectors), applied to
 * the registered `tunable-majority` factory over a range of weights and block sizes.
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

/** Draws per histogram: with 2^4 coarse configurations, ≥ 1250 expected counts when uniform. */
const SAMPLES = 20_000;

/** Fine lattice with coarse sides 2, 3, 5 (distinct, so a swapped axis shows). */
function rectangular(d: number, b: number): Lattice {
  return new Lattice([2, 3, 5].slice(0, d).map((n) => n * b));
}

/** Fine lattice of side 2b: 2^d coarse sites, so every μ can be enumerated (4×4 → 2×2 for b = 2). */
function small(d: number, b: number): Lattice {
  return Lattice.cubic(d, 2 * b);
}

/** Random configurations, all up, stripes, and one that ties every block of even size. */
function configurations(lattice: Lattice, b: number, seed: number): Spins[] {
  const rng = Rng.stream(seed, 0);
  const stripes = new Int8Array(lattice.volume).map((_, x) => (lattice.coords(x)[0] % 2 ? -1 : 1));
  const split = new Int8Array(lattice.volume).map((_, x) =>
    lattice.coords(x).reduce((a, c) => a + (c % b), 0) % 2 ? -1 : 1,
  );
  return [
    randomSpins(lattice, rng),
    randomSpins(lattice, rng),
    new Int8Array(lattice.volume).fill(1),
    stripes,
    split,
  ];
}

const negate = (s: Spins): Spins => s.map((x) => -x);

function histogram(kernel: ProjectorKernel, sigma: Spins, n: number, rng: Rng): Float64Array {
  const mu = new Int8Array(kernel.coarse.volume);
  const counts = new Float64Array(2 ** kernel.coarse.volume);
  for (let i = 0; i < n; i++) {
    kernel.apply(sigma, mu, rng);
    counts[indexFromSpins(mu)]++;
  }
  return counts;
}

function probabilities(p: TunableMajorityProjector, fine: Lattice, n: number, sigma: Spins): Float64Array {
  const out = new Float64Array(2 ** n);
  const mu = new Int8Array(n);
  for (let m = 0; m < out.length; m++) out[m] = p.probability!(fine, sigma, spinsFromIndex(m, n, mu));
  return out;
}

it('registers tunable-majority through the plugin', () => {
  expect(registry.projectors.list().map((f) => f.id)).toEqual(['tunable-majority']);
  expect(registry.projectors.get('tunable-majority').description).toMatch(/exp\(w μ Σ_block σ\)/);
});

describe.each(
  fixtures.map((o) => [JSON.stringify(o, (_, v) => (v === Infinity ? 'Infinity' : v)), o] as const),
)('tunable-majority %s', (_, options) => {
  const projector = async () =>
    (await registry.projectors.get('tunable-majority').create(options)) as TunableMajorityProjector;

  it('has the id it is registered under and the requested block size and weight', async () => {
    const p = await projector();
    const parsed = tunableMajorityOptions(options);
    expect(p.id).toBe('tunable-majority');
    expect(p.blockSize).toBe(parsed.blockSize);
    expect(p.w).toBe(parsed.w);
  });

  it('supports lattices divisible by b in 1, 2 and 3 dimensions and rejects others with a reason', async () => {
    const p = await projector();
    const b = p.blockSize;
    for (const d of [1, 2, 3]) {
      expect(p.supports(rectangular(d, b))).toBeUndefined();
      const bad = new Lattice(rectangular(d, b).sizes.map((L, a) => (a === d - 1 ? L + 1 : L)));
      expect(p.supports(bad)).toMatch(/not divisible/);
      expect(() => p.create(bad)).toThrow(UnsupportedError);
    }
  });

  it('maps σ on L onto ±1 spins on L/b, leaves σ untouched, and rejects wrong lengths', async () => {
    const p = await projector();
    const b = p.blockSize;
    for (const d of [1, 2, 3]) {
      const fine = rectangular(d, b);
      const kernel = p.create(fine);
      expect(kernel.fine.equals(fine)).toBe(true);
      expect([...kernel.coarse.sizes]).toEqual(fine.sizes.map((L) => L / b));
      const rng = Rng.stream(11, d);
      for (const sigma of configurations(fine, b, 100 + d)) {
        const before = sigma.slice();
        const mu = new Int8Array(kernel.coarse.volume); // zeros: an unwritten entry shows
        kernel.apply(sigma, mu, rng);
        expect(mu.every((m) => m === 1 || m === -1)).toBe(true);
        expect(sigma).toEqual(before);
      }
      const mu = new Int8Array(kernel.coarse.volume + 1);
      expect(() => kernel.apply(new Int8Array(fine.volume), mu, rng)).toThrow(UsageError);
    }
  });

  it('draws exactly once per block, in block order, bit-identical to Rng.nextFloat() < P(μ_J = +1)', async () => {
    const p = await projector();
    const b = p.blockSize;
    for (const d of [1, 2, 3]) {
      const fine = rectangular(d, b);
      const kernel = p.create(fine);
      const table = blockProbabilities(p.w, b ** d);
      for (const [i, sigma] of configurations(fine, b, 200 + d).entries()) {
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

  it('P(μ|σ) sums to 1, is exactly Z2 symmetric, and matches its definition', async () => {
    const p = await projector();
    const b = p.blockSize;
    for (const d of [1, 2, 3]) {
      const fine = small(d, b);
      const n = fine.coarsen(b).volume;
      for (const sigma of configurations(fine, b, 300 + d)) {
        const prob = probabilities(p, fine, n, sigma);
        const flipped = probabilities(p, fine, n, negate(sigma));
        expect(prob.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 12);
        // −μ has index (2^n − 1) − index(μ): every bit flipped.
        const last = prob.length - 1;
        for (let m = 0; m <= last; m++) expect(flipped[last - m]).toBe(prob[m]);
        if (Number.isFinite(p.w)) {
          const mu = new Int8Array(n);
          for (let m = 0; m <= last; m++) {
            const exact = definitionProbability(fine, b, p.w, sigma, spinsFromIndex(m, n, mu));
            expect(Math.abs(prob[m] - exact)).toBeLessThan(1e-14);
          }
        }
      }
    }
  });

  it('apply() draws μ with the frequencies P(μ|σ) (chi-square z < 4; 4×4 → 2×2 for b = 2)', async () => {
    const p = await projector();
    const b = p.blockSize;
    for (const d of [1, 2, 3]) {
      const fine = small(d, b);
      const kernel = p.create(fine);
      const n = kernel.coarse.volume;
      for (const [i, sigma] of configurations(fine, b, 400 + d).entries()) {
        const prob = probabilities(p, fine, n, sigma);
        const counts = histogram(kernel, sigma, SAMPLES, Rng.stream(14 + d, i));
        let support = 0;
        for (let m = 0; m < prob.length; m++) {
          if (prob[m] === 0) expect(counts[m], `μ #${m} has P = 0`).toBe(0);
          else support++;
        }
        if (support === 1) continue;
        const { chi2, dof, z } = chiSquare(counts, prob);
        expect(z, `d = ${d}, σ #${i}: chi2 = ${chi2.toFixed(1)} on ${dof} dof`).toBeLessThan(4);
      }
    }
  });
});

describe('the weight w', () => {
  it('w = 0 is a fair coin per block: P(μ|σ) = 2^−n for every σ and μ', () => {
    const p = tunableMajorityProjector(0);
    const fine = small(2, 2);
    for (const sigma of configurations(fine, 2, 500)) {
      for (const x of probabilities(p, fine, 4, sigma)) expect(x).toBe(1 / 16);
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
