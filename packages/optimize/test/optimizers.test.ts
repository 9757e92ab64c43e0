import { describe, expect, it } from 'vitest';
import { goldenSection, gridSearch, nelderMead } from '../src/index.js';

/** The minimizers on functions with known minima, their evaluation budgets and their errors. */

describe('minimizers', () => {
  const parabola = (x: readonly number[]) => (x[0] - 0.7) ** 2 + 3;

  it('golden section brackets the minimum to 0.618^(n−2) of the interval in exactly n evaluations', async () => {
    const m = await goldenSection(parabola, { min: 0, max: 2 }, 30);
    expect(m.evaluations).toHaveLength(30);
    expect(Math.abs(m.theta[0] - 0.7)).toBeLessThan(2 * 0.618 ** 28);
    expect(m.value).toBeCloseTo(3, 10);
  });

  it('golden section finds a minimum at the edge of the interval', async () => {
    const m = await goldenSection(parabola, { min: 1, max: 2 }, 30);
    expect(Math.abs(m.theta[0] - 1)).toBeLessThan(1e-5);
  });

  it('a grid evaluates every point, ends included, and keeps the best', async () => {
    const m = await gridSearch(
      (x) => (x[0] - 0.5) ** 2 + (x[1] - 0.3) ** 2,
      [
        { min: 0, max: 1 },
        { min: -1, max: 1 },
      ],
      5,
    );
    expect(m.evaluations).toHaveLength(25);
    expect(m.evaluations[0].theta).toEqual([0, -1]);
    expect(m.evaluations[24].theta).toEqual([1, 1]);
    expect(m.theta).toEqual([0.5, 0.5]);
  });

  it('Nelder–Mead finds the minimum of a tilted quadratic valley in 2 parameters in exactly n evaluations', async () => {
    const f = (x: readonly number[]) => (x[0] - 1.2) ** 2 + 10 * (x[1] - 0.3 - 0.5 * (x[0] - 1.2)) ** 2;
    const m = await nelderMead(f, [0.5, 0], [0.2, 0.1], 120);
    expect(m.evaluations).toHaveLength(120);
    expect(Math.abs(m.theta[0] - 1.2)).toBeLessThan(1e-3);
    expect(Math.abs(m.theta[1] - 0.3)).toBeLessThan(1e-3);
  });

  it('Nelder–Mead stays in its box, and stops short of the minimum with too few evaluations (negative control)', async () => {
    const f = (x: readonly number[]) => (x[0] - 5) ** 2 + x[1] ** 2;
    const boxed = await nelderMead(f, [0.5, 0.5], [0.1, 0.1], 80, [
      { min: 0, max: 2 },
      { min: -1, max: 1 },
    ]);
    for (const e of boxed.evaluations) expect(e.theta[0]).toBeLessThanOrEqual(2);
    expect(Math.abs(boxed.theta[0] - 2)).toBeLessThan(1e-3);
    const short = await nelderMead(f, [0, 0], [0.1, 0.1], 5);
    expect(Math.abs(short.theta[0] - 5)).toBeGreaterThan(1);
  });

  it('counts NaN as +∞ and refuses bad settings', async () => {
    const m = await goldenSection((x) => (x[0] < 0.5 ? Number.NaN : x[0]), { min: 0, max: 1 }, 20);
    expect(m.theta[0]).toBeGreaterThanOrEqual(0.5);
    await expect(goldenSection(parabola, { min: 1, max: 0 }, 10)).rejects.toThrow(/min < max/);
    await expect(gridSearch(parabola, [{ min: 0, max: 1 }], 1)).rejects.toThrow(/≥ 2 points/);
    await expect(nelderMead(parabola, [0], [0.1], 1)).rejects.toThrow(/≥ 2 evaluations/);
  });
});
