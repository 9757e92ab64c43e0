import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chiSquare,
  indexFromSpins,
  Lattice,
  type Projector,
  type ProjectorKernel,
  type ProjectorOptions,
  Registry,
  Rng,
  randomSpins,
  type Spins,
  spinsFromIndex,
  UnsupportedError,
} from '@rsrg/core';
import { afterAll, describe, expect, it } from 'vitest';
import { plugin, rbmFilter, writeWeightDat } from '../src/index.js';

/**
 * Conformance suite for every projector the plugin registers. A registered projector with no
 * fixture below runs once with the options `{}`; listing fixtures for an id replaces that
 * default run, so a projector that needs options (a weights file) is one line here, with
 * `skip` when it cannot run in this suite at all.
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

const fixtures: readonly Fixture[] = [
  { id: 'majority', options: {} },
  { id: 'majority', options: { blockSize: 3 } },
  { id: 'decimation', options: {} },
  { id: 'decimation', options: { blockSize: 3 } },
  // Random filters, so that P(μ|σ) is far from a delta: the paper's w = 8 with b = 2, and b = 3.
  { id: 'rbm', options: { weights: randomFilterFile(8, 0.5) }, dimensions: [2] },
  { id: 'rbm', options: { weights: randomFilterFile(3, 0.8), blockSize: 3 }, dimensions: [2] },
];

const registry = new Registry().use(plugin);
const factories = registry.projectors.list();
const cases: Fixture[] = factories.flatMap((f) => {
  const own = fixtures.filter((x) => x.id === f.id);
  return own.length > 0 ? own : [{ id: f.id, options: {} }];
});

/** Samples per histogram: 20 000 draws put ≥ 78 expected counts in each of 256 equally likely cells. */
const SAMPLES = 20_000;

/** Fine lattice with coarse sides 2, 3, 5, ... (distinct, so a swapped axis shows). */
function rectangular(d: number, b: number): Lattice {
  return new Lattice([2, 3, 5].slice(0, d).map((n) => n * b));
}

/** Fine lattice of side 2b: the coarse lattice has 2^d sites, so every μ can be enumerated. */
function small(d: number, b: number): Lattice {
  return Lattice.cubic(d, 2 * b);
}

/**
 * Test configurations: random ones, all up, stripes along the first axis, and "split blocks"
 * whose first half (in window order) is up, which ties every block of even size b^d.
 */
function configurations(lattice: Lattice, b: number, seed: number): Spins[] {
  const rng = Rng.stream(seed, 0);
  const stripes = new Int8Array(lattice.volume).map((_, x) => (lattice.coords(x)[0] % 2 ? -1 : 1));
  const blocks = lattice.window(b, b);
  const v = b ** lattice.dimension;
  const split = new Int8Array(lattice.volume);
  for (let k = 0; k < blocks.length; k++) split[blocks[k]] = k % v < v / 2 ? 1 : -1;
  return [
    randomSpins(lattice, rng),
    randomSpins(lattice, rng),
    randomSpins(lattice, rng),
    new Int8Array(lattice.volume).fill(1),
    stripes,
    split,
  ];
}

function negate(s: Spins): Spins {
  return s.map((x) => -x);
}

/** Histogram of the index of μ ~ apply(σ) over `n` draws from one stream. */
function histogram(kernel: ProjectorKernel, sigma: Spins, n: number, rng: Rng, flip = false): Float64Array {
  const mu = new Int8Array(kernel.coarse.volume);
  const counts = new Float64Array(2 ** kernel.coarse.volume);
  for (let i = 0; i < n; i++) {
    kernel.apply(sigma, mu, rng);
    if (flip) for (let j = 0; j < mu.length; j++) mu[j] = -mu[j];
    counts[indexFromSpins(mu)]++;
  }
  return counts;
}

/**
 * Whether two histograms of equal size come from one distribution: two-sample chi-square
 * Σ (a−b)²/(a+b), cells with a+b < 10 pooled. With a single occupied cell (a deterministic
 * rule) the histograms must be equal.
 */
function expectSameDistribution(a: Float64Array, b: Float64Array): void {
  let chi2 = 0;
  let cells = 0;
  let poolA = 0;
  let poolB = 0;
  for (let i = 0; i < a.length; i++) {
    const t = a[i] + b[i];
    if (t === 0) continue;
    if (t < 10) {
      poolA += a[i];
      poolB += b[i];
      continue;
    }
    chi2 += (a[i] - b[i]) ** 2 / t;
    cells++;
  }
  if (poolA + poolB > 0) {
    chi2 += (poolA - poolB) ** 2 / (poolA + poolB);
    cells++;
  }
  const dof = cells - 1;
  if (dof === 0) {
    expect(Array.from(a)).toEqual(Array.from(b));
    return;
  }
  const z = ((chi2 / dof) ** (1 / 3) - (1 - 2 / (9 * dof))) / Math.sqrt(2 / (9 * dof));
  expect(z, `two-sample chi2 = ${chi2.toFixed(1)} on ${dof} dof`).toBeLessThan(4);
}

/** Empirical counts against exact probabilities: none outside the support, chi-square z < 4 inside. */
function expectFrequencies(counts: Float64Array, p: Float64Array): void {
  let support = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0) expect(counts[i], `μ #${i} has P = 0`).toBe(0);
    else support++;
  }
  if (support === 1) return;
  const { chi2, dof, z } = chiSquare(counts, p);
  expect(z, `chi2 = ${chi2.toFixed(1)} on ${dof} dof`).toBeLessThan(4);
}

/** P(μ|σ) for every μ of the coarse lattice, indexed as `spinsFromIndex`. */
function probabilities(projector: Projector, fine: Lattice, coarse: Lattice, sigma: Spins): Float64Array {
  const n = 2 ** coarse.volume;
  const p = new Float64Array(n);
  const mu = new Int8Array(coarse.volume);
  for (let m = 0; m < n; m++)
    p[m] = projector.probability!(fine, sigma, spinsFromIndex(m, coarse.volume, mu));
  return p;
}

it('the suite covers majority and decimation, and every fixture names a registered projector', () => {
  const ids = factories.map((f) => f.id);
  expect(ids).toEqual(expect.arrayContaining(['majority', 'decimation']));
  for (const f of fixtures) expect(ids).toContain(f.id);
});

describe.each(cases.map((c) => [`${c.id} ${JSON.stringify(c.options)}`, c] as const))(
  'projector %s',
  (_, fx) => {
    const run = fx.skip ? it.skip : it;
    const dims = fx.dimensions ?? [1, 2, 3];
    const projector = async () => registry.projectors.get(fx.id).create(fx.options);

    run('has an integer block size ≥ 2 and the id it is registered under', async () => {
      const p = await projector();
      expect(p.id).toBe(fx.id);
      expect(Number.isInteger(p.blockSize) && p.blockSize >= 2).toBe(true);
    });

    run('supports the test lattices and rejects one not divisible by b, with a reason', async () => {
      const p = await projector();
      const b = p.blockSize;
      for (const d of dims) {
        expect(p.supports(rectangular(d, b))).toBeUndefined();
        expect(p.supports(small(d, b))).toBeUndefined();
        const bad = new Lattice(rectangular(d, b).sizes.map((L, a) => (a === d - 1 ? L + 1 : L)));
        const reason = p.supports(bad);
        expect(typeof reason === 'string' && reason.length > 0, `reason for ${bad.label}`).toBe(true);
        expect(() => p.create(bad)).toThrow(UnsupportedError);
      }
    });

    run('maps σ on L onto ±1 spins on the coarse lattice L/b, leaving σ untouched', async () => {
      const p = await projector();
      const b = p.blockSize;
      for (const d of dims) {
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
      }
    });

    run('is deterministic given the rng state', async () => {
      const p = await projector();
      const b = p.blockSize;
      for (const d of dims) {
        const fine = rectangular(d, b);
        const k1 = p.create(fine);
        const k2 = p.create(fine);
        for (const [i, sigma] of configurations(fine, b, 200 + d).entries()) {
          const r1 = Rng.stream(12, i);
          const r2 = r1.clone();
          const mu1 = new Int8Array(k1.coarse.volume);
          const mu2 = new Int8Array(k2.coarse.volume);
          for (let rep = 0; rep < 3; rep++) {
            k1.apply(sigma, mu1, r1);
            k2.apply(sigma, mu2, r2);
            expect(mu2).toEqual(mu1);
            expect(Array.from(r2.s)).toEqual(Array.from(r1.s));
          }
        }
      }
    });

    run('is Z2 symmetric: μ given σ and −μ given −σ have one distribution (chi-square)', async () => {
      const p = await projector();
      const b = p.blockSize;
      for (const d of dims) {
        const fine = small(d, b);
        const kernel = p.create(fine);
        for (const [i, sigma] of configurations(fine, b, 300 + d).entries()) {
          const plus = histogram(kernel, sigma, SAMPLES, Rng.stream(13, 2 * i));
          const minus = histogram(kernel, negate(sigma), SAMPLES, Rng.stream(13, 2 * i + 1), true);
          expectSameDistribution(plus, minus);
        }
      }
    });

    run(
      'P(μ|σ) sums to 1 over all μ, is Z2 symmetric, and matches the frequencies of apply()',
      async (ctx) => {
        const p = await projector();
        if (!p.probability) {
          ctx.skip();
          return;
        }
        const b = p.blockSize;
        for (const d of dims) {
          const fine = small(d, b);
          const kernel = p.create(fine);
          for (const [i, sigma] of configurations(fine, b, 400 + d).entries()) {
            const prob = probabilities(p, fine, kernel.coarse, sigma);
            const flipped = probabilities(p, fine, kernel.coarse, negate(sigma));
            let total = 0;
            for (const x of prob) total += x;
            expect(total).toBeCloseTo(1, 12);
            // −μ has index (2^n − 1) − index(μ): every bit flipped.
            const last = prob.length - 1;
            for (let m = 0; m <= last; m++) expect(flipped[last - m]).toBeCloseTo(prob[m], 14);
            expectFrequencies(histogram(kernel, sigma, SAMPLES, Rng.stream(14, i)), prob);
          }
        }
      },
    );
  },
);
