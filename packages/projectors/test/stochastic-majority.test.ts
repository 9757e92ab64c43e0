import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFormatError, Lattice, Registry, Rng, type Spins, spinsFromIndex, UsageError } from '@rsrg/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  fieldSites,
  majorityRule,
  plugin,
  shellOffsets,
  stochasticMajorityCodec,
  stochasticMajorityProjector,
  stochasticMajorityRule,
  upProbability,
} from '../src/index.js';

/**
 * The stochastic majority rule P(μ_B|σ) ∝ exp(μ_B h_B), h_B = w Σ_B σ + w₁ Σ_shell(B) σ, checked
 * against its definition computed from site coordinates (independently of the projector's
 * tables), against majority rule in the limit w → ∞, and its file and options.
 */

const dir = mkdtempSync(join(tmpdir(), 'rsrg-stochastic-majority-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** h_B from coordinates: block B holds the sites x with ⌊x/b⌋ = X_B; its shell the sites outside B one lattice step from a site of B. */
function definitionFields(fine: Lattice, b: number, w: number, w1: number, sigma: Spins): number[] {
  const coarse = fine.coarsen(b);
  const d = fine.dimension;
  return Array.from({ length: coarse.volume }, (_, J) => {
    const X = coarse.coords(J);
    const inBlock = (c: number[]) => c.every((x, a) => x >= X[a] * b && x < X[a] * b + b);
    let s = 0;
    const shell = new Set<string>();
    let t = 0;
    for (let x = 0; x < fine.volume; x++) {
      const c = fine.coords(x);
      if (!inBlock(c)) continue;
      s += sigma[x];
      for (let a = 0; a < d; a++)
        for (const step of [1, -1]) {
          const n = [...c];
          n[a] += step;
          // Unwrapped coordinates: on lattices of side ≥ 2b a shell site is outside the block.
          if (inBlock(n)) continue;
          const key = n.join(',');
          if (shell.has(key)) continue;
          shell.add(key);
          t += sigma[fine.index(n)];
        }
    }
    return w * s + w1 * t;
  });
}

function definitionProbability(fine: Lattice, b: number, w: number, w1: number, sigma: Spins, mu: Spins) {
  return definitionFields(fine, b, w, w1, sigma).reduce(
    (p, h, J) => (p * Math.exp(mu[J] * h)) / (Math.exp(h) + Math.exp(-h)),
    1,
  );
}

const cases = [
  { sizes: [8], b: 2, w: 0.7, w1: 0.3 },
  { sizes: [4, 4], b: 2, w: 0.45, w1: -0.2 },
  { sizes: [6, 6], b: 3, w: 0.3, w1: 0.1 },
  { sizes: [4, 4, 4], b: 2, w: 0.2, w1: 0.05 },
];

describe('probability()', () => {
  it.each(cases)(
    'equals the definition on $sizes (b = $b, w = $w, w1 = $w1) and sums to 1',
    ({ sizes, b, w, w1 }) => {
      const fine = new Lattice(sizes);
      const p = stochasticMajorityProjector({ w, w1 }, b);
      const n = fine.coarsen(b).volume;
      const rng = Rng.stream(7, sizes.length);
      for (let trial = 0; trial < 5; trial++) {
        const sigma = new Int8Array(fine.volume).map(() => rng.nextSign());
        let total = 0;
        // Every μ when there are few, else 64 random ones (the sum then covers the first 2^n only if n ≤ 6).
        const all = n <= 8;
        for (let k = 0; k < (all ? 2 ** n : 64); k++) {
          const mu = all ? spinsFromIndex(k, n) : new Int8Array(n).map(() => rng.nextSign());
          const q = p.probability(fine, sigma, mu);
          expect(Math.abs(q - definitionProbability(fine, b, w, w1, sigma, mu))).toBeLessThan(1e-13);
          total += q;
        }
        if (all) expect(Math.abs(total - 1)).toBeLessThan(1e-12);
      }
    },
  );

  it('differs from the definition when the shell weight is dropped (negative control)', () => {
    const fine = new Lattice([4, 4]);
    const sigma = new Int8Array(16).map((_, i) => (i % 3 === 0 ? 1 : -1));
    const mu = Int8Array.from([1, -1, 1, 1]);
    const p = stochasticMajorityProjector({ w: 0.45, w1: 0 }).probability(fine, sigma, mu);
    expect(Math.abs(p - definitionProbability(fine, 2, 0.45, -0.2, sigma, mu))).toBeGreaterThan(1e-3);
  });
});

describe('the kernel', () => {
  it('draws as a plain loop of Rng.nextFloat() < P(μ_B = +1), one draw per block', () => {
    for (const { sizes, b, w, w1 } of cases) {
      const fine = new Lattice(sizes);
      const p = stochasticMajorityProjector({ w, w1 }, b);
      const kernel = p.create(fine);
      const fields = (sigma: Spins) => definitionFields(fine, b, w, w1, sigma);
      const rng = Rng.stream(3, 1);
      for (let trial = 0; trial < 20; trial++) {
        const sigma = new Int8Array(fine.volume).map(() => rng.nextSign());
        const a = rng.clone();
        const ref = rng.clone();
        const mu = new Int8Array(kernel.coarse.volume);
        kernel.apply(sigma, mu, a);
        // Fields from coordinates can differ from the table's by rounding: compare the probabilities' draws.
        const expected = fields(sigma).map((h) => (ref.nextFloat() < upProbability(h) ? 1 : -1));
        expect(Array.from(mu)).toEqual(expected);
        expect(Array.from(a.s)).toEqual(Array.from(ref.s));
        rng.nextU32();
      }
    }
  });

  it('at w → ∞ (w1 = 0) gives majority rule off ties, and a fair coin at ties', () => {
    const fine = new Lattice([32, 32]);
    const blocks = fine.window(2, 2);
    const rng = Rng.stream(11, 0);
    let ties = 0;
    let tieUp = 0;
    for (const w of [Number.POSITIVE_INFINITY, 50]) {
      const kernel = stochasticMajorityProjector({ w, w1: 0 }).create(fine);
      for (let trial = 0; trial < 50; trial++) {
        const sigma = new Int8Array(fine.volume).map(() => rng.nextSign());
        const mu = new Int8Array(256);
        const maj = new Int8Array(256);
        kernel.apply(sigma, mu, rng);
        majorityRule(sigma, blocks, 4, maj, 256, rng.clone().s);
        for (let J = 0; J < 256; J++) {
          let s = 0;
          for (let k = 0; k < 4; k++) s += sigma[blocks[4 * J + k]];
          if (s !== 0) expect(mu[J]).toBe(maj[J]);
          else if (w === Number.POSITIVE_INFINITY) {
            ties++;
            if (mu[J] === 1) tieUp++;
          }
        }
      }
    }
    // Binomial(ties, ½) within 4σ.
    expect(Math.abs(tieUp - ties / 2)).toBeLessThan(4 * Math.sqrt(ties / 4));
    expect(ties).toBeGreaterThan(1000);
  });

  it('at small w does not follow the majority (negative control)', () => {
    const fine = new Lattice([32, 32]);
    const blocks = fine.window(2, 2);
    const kernel = stochasticMajorityProjector({ w: 0.05, w1: 0 }).create(fine);
    const rng = Rng.stream(12, 0);
    const sigma = new Int8Array(fine.volume).map(() => rng.nextSign());
    const mu = new Int8Array(256);
    kernel.apply(sigma, mu, rng);
    let disagree = 0;
    for (let J = 0; J < 256; J++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += sigma[blocks[4 * J + k]];
      if (s * mu[J] < 0) disagree++;
    }
    expect(disagree).toBeGreaterThan(30);
  });

  it('reads the shell: 2d·b^{d−1} face neighbours, none inside the block', () => {
    expect(shellOffsets(2, 2)).toHaveLength(8);
    expect(shellOffsets(3, 2)).toHaveLength(24);
    expect(shellOffsets(2, 3)).toHaveLength(12);
    for (const o of shellOffsets(3, 2)) expect(o.filter((x) => x === -1 || x === 2)).toHaveLength(1);
    // The exact direct kernel call: u = 8 shell sites per 2×2 block.
    const fine = new Lattice([4, 4]);
    const sigma = new Int8Array(16).fill(-1);
    sigma[fine.index([0, 2])] = 1; // a shell site of block (0, 0)
    sigma[fine.index([3, 0])] = 1; // another (periodic: offset (−1, 0))
    const mu = new Int8Array(4);
    // w = 0: only the shell counts; h = w1·t with t = 2 − 6 = −4 for block (0, 0).
    const thresholds = new Float64Array(5 * 9);
    for (let j = 0; j <= 8; j++)
      for (let i = 0; i <= 4; i++) thresholds[i * 9 + j] = j === 2 ? 4294967296 : 0;
    stochasticMajorityRule(sigma, fieldSites(fine, 2, true).table, 4, 8, thresholds, mu, 4, Rng.stream(1).s);
    expect(mu[0]).toBe(1);
  });
});

describe('the factory, the file and the registry', () => {
  const registry = new Registry().use(plugin);
  const factory = registry.projectors.get('stochastic-majority');

  it('reads w, w1 and blockSize as numbers or strings and refuses bad ones', async () => {
    const p = (await factory.create({ w: '0.8', w1: '-0.1', blockSize: 3 })) as ReturnType<
      typeof stochasticMajorityProjector
    >;
    expect([p.w, p.w1, p.blockSize]).toEqual([0.8, -0.1, 3]);
    expect(() => factory.create({ w: -1 })).toThrow(UsageError);
    expect(() => factory.create({ w1: 'Infinity' })).toThrow(/w1 must be a finite number/);
    expect(() => factory.create({ weight: 1 })).toThrow(/no option 'weight'/);
    expect(factory.fileKind).toBe('stochastic-majority');
  });

  it('round-trips θ through a projector file, and refuses a damaged one', async () => {
    const bytes = stochasticMajorityCodec.encode({
      w: Number.POSITIVE_INFINITY,
      w1: 0.25,
      blockSize: 2,
      training: { objective: 0.01 },
    });
    const path = join(dir, 'rule.rsrg');
    writeFileSync(path, bytes);
    const p = (await factory.create({ weights: path })) as ReturnType<typeof stochasticMajorityProjector>;
    expect([p.w, p.w1, p.blockSize]).toEqual([Number.POSITIVE_INFINITY, 0.25, 2]);
    expect(stochasticMajorityCodec.decode(bytes).training).toEqual({ objective: 0.01 });
    expect(() => factory.create({ weights: path, w: 1 })).toThrow(/not both/);
    expect(() => factory.create({ weights: path, blockSize: 3 })).toThrow(/block size 2, not 3/);
    const damaged = bytes.slice();
    damaged[damaged.length - 5] ^= 1;
    writeFileSync(path, damaged);
    expect(() => factory.create({ weights: path })).toThrow(FileFormatError);
    expect(() => factory.create({ weights: join(dir, 'missing.rsrg') })).toThrow(UsageError);
  });
});
