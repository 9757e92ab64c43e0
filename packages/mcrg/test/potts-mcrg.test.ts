import { describe, expect, it } from 'vitest';
import { type McrgResult, runMcrg } from '../src/index.js';
import { sourceRegistry } from './registry.js';

// MCRG of the q-state Potts model end to end (docs/potts.md), on small lattices with fixed seeds.
const registry = sourceRegistry();
const KC_ISING = 0.44068679350977147;

async function run(model: string, coupling: number, seed: number, modelOptions?: Record<string, number>) {
  return runMcrg(registry, {
    model,
    ...(modelOptions && { modelOptions }),
    size: 16,
    coupling,
    samples: 3000,
    thermalize: 300,
    levels: 2,
    seed,
    workers: 1,
  });
}

const pick = (r: McrgResult, exponent: 'y_t' | 'y_h', nr: number, nc: number) => {
  const e = r.estimates.find((x) => x.exponent === exponent && x.nr === nr && x.nc === nc);
  if (!e) throw new Error(`no ${exponent} estimate at N_r = ${nr}, N_c = ${nc}`);
  return e;
};

describe('potts2d MCRG', () => {
  // q = 2 at K = 2 K_Ising is the Ising model; plurality is the majority rule, and the leading
  // thermal couplings (nn and nnn δ) and m span what the Ising ones span. Independent runs.
  const ising = run('ising2d', KC_ISING, 21);
  const potts = run('potts2d', 2 * KC_ISING, 22, { q: 2 });
  const cells: ['y_t' | 'y_h', number, number][] = [
    ['y_t', 1, 1],
    ['y_t', 1, 2],
    ['y_t', 2, 1],
    ['y_t', 2, 2],
    ['y_h', 1, 1],
    ['y_h', 2, 1],
  ];

  it('q = 2 at K = 2 K_Ising reproduces the Ising majority-rule exponents within 3 combined σ', async () => {
    const [a, b] = [await ising, await potts];
    for (const [x, nr, nc] of cells) {
      const e = pick(a, x, nr, nc);
      const f = pick(b, x, nr, nc);
      const sigma = Math.hypot(e.error, f.error);
      expect(Math.abs(e.y - f.y), `${x} N_r = ${nr}, N_c = ${nc}: ${e.y} vs ${f.y}`).toBeLessThan(3 * sigma);
    }
    expect(b.model.sectors).toEqual({ even: 'thermal', odd: 'magnetic' });
    expect(new Set(b.estimates.map((e) => `${e.sector}/${e.exponent}`))).toEqual(
      new Set(['thermal/y_t', 'magnetic/y_h']),
    );
  });

  it('negative control: q = 2 at K = K_Ising (half the Ising coupling) misses the Ising y_t by far more than 3σ', async () => {
    const a = await ising;
    const off = await run('potts2d', KC_ISING, 23, { q: 2 });
    const e = pick(a, 'y_t', 1, 1);
    const f = pick(off, 'y_t', 1, 1);
    expect(Math.abs(e.y - f.y)).toBeGreaterThan(3 * Math.hypot(e.error, f.error));
  });

  it('q = 2: magnetic N_c ≥ 2 is not defined (nn magnetic = 2m), with a reason, while N_c = 1 is finite', async () => {
    const b = await potts;
    for (const e of b.estimates.filter((x) => x.exponent === 'y_h')) {
      if (e.nc === 1) {
        expect(Number.isFinite(e.y) && Number.isFinite(e.error)).toBe(true);
        expect(e.reason).toBeUndefined();
      } else {
        expect(e.y).toBeNaN();
        expect(e.reason).toMatch(/singular/);
      }
    }
  });

  it('negative control: at q = 3 the same magnetic N_c = 2 estimate is defined', async () => {
    const r = await run('potts2d', Math.log1p(Math.sqrt(3)), 24, { q: 3 });
    for (const nr of [1, 2]) {
      const e = pick(r, 'y_h', nr, 2);
      expect(Number.isFinite(e.y) && e.error > 0).toBe(true);
      expect(e.reason).toBeUndefined();
    }
    expect(r.config.modelOptions).toEqual({ q: 3 });
  });
});
