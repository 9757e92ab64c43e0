// The cross-model comparison reads any result document: Ising files written before estimates
// named their exponent, q-state models whose sectors have their own names, studies with
// several projectors; it picks the truncation shown and never invents a value.
import { FileFormatError, UsageError } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { crossModelComparison, type ResultDocument, type ResultEstimate } from '../src/index.js';

const grid = (
  nrs: number[],
  ncs: number[],
  sector: string,
  y: (nr: number, nc: number) => number,
  extra: Partial<ResultEstimate> = {},
): ResultEstimate[] =>
  nrs.flatMap((nr) => ncs.map((nc) => ({ sector, nr, nc, y: y(nr, nc), error: 0.01 * nc, ...extra })));

const ising: ResultDocument = {
  parameters: { model: 'ising2d', size: 32, projectors: [{ label: 'majority' }] },
  model: { id: 'ising2d', exponents: { yt: 1, yh: 1.875 } },
  estimates: [
    // y_t at N_c = 3 is undefined at N_r = 2: the default truncation is 2.
    ...grid([1, 2], [1, 2, 3], 'even', (nr, nc) =>
      nr === 2 && nc === 3 ? Number.NaN : 0.9 + 0.01 * nr + 0.001 * nc,
    ),
    ...grid([1, 2], [1, 2], 'odd', (nr, nc) => 1.8 + 0.01 * nr + 0.001 * nc),
  ],
};
const potts: ResultDocument = {
  parameters: { model: 'potts2d', size: 64, modelOptions: { q: 3 }, projectors: [{ label: 'majority' }] },
  model: { id: 'potts2d', exponents: { yt: 1.2, yh: 28 / 15 } },
  estimates: [
    ...grid([1, 2, 3], [1, 2], 'thermal', (nr) => 1.1 + 0.02 * nr, { exponent: 'y_t' }),
    ...grid([1, 2, 3], [1], 'magnetic', (nr) => 1.85 + 0.005 * nr, { exponent: 'y_h' }),
  ],
};
const study: ResultDocument = {
  parameters: { model: 'ising3d', size: 16 },
  model: { id: 'ising3d', exponents: { yt: 1.587375 } },
  estimates: [
    ...grid([1], [1, 2], 'even', () => 1.4, { projector: 'majority' }),
    ...grid([1], [1, 2], 'even', () => 1.3, { projector: 'rbm' }),
  ],
};

describe('crossModelComparison', () => {
  it('gives one series per model, projector and exponent, each with its exact value', () => {
    const series = crossModelComparison([
      { name: 'ising.json', document: ising },
      { name: 'potts.json', document: potts },
      { name: 'study.json', document: study },
    ]);
    expect(series.map((s) => [s.label, s.exponent, s.nc, s.exact])).toEqual([
      ['ising2d L=32 majority', 'y_t', 2, 1],
      ['ising2d L=32 majority', 'y_h', 2, 1.875],
      ['potts2d q=3 L=64 majority', 'y_t', 2, 1.2],
      ['potts2d q=3 L=64 majority', 'y_h', 1, 28 / 15],
      ['ising3d L=16 majority', 'y_t', 2, 1.587375],
      ['ising3d L=16 rbm', 'y_t', 2, 1.587375],
    ]);
    // The values are the documents' own, at the truncation shown.
    expect(series[0].points).toEqual([
      { nr: 1, y: 0.9 + 0.01 + 0.002, error: 0.02 },
      { nr: 2, y: 0.9 + 0.02 + 0.002, error: 0.02 },
    ]);
    expect(series[2].points.map((p) => p.nr)).toEqual([1, 2, 3]);
  });

  it('shows the N_c asked for, or the largest a series has; an undefined value stays undefined', () => {
    const [yt, yh] = crossModelComparison([{ name: 'ising.json', document: ising }], { nc: 3 });
    expect([yt.nc, yh.nc]).toEqual([3, 2]);
    expect(yt.points[1].y).toBeNaN();
    expect(yt.points[0].y).toBe(0.9 + 0.01 + 0.003);
  });

  it('labels as told, and tells apart two inputs of the same series by their files', () => {
    const series = crossModelComparison([
      { name: 'a.json', document: ising, label: 'mine' },
      { name: 'b.json', document: ising },
      { name: 'c.json', document: ising },
    ]);
    expect([...new Set(series.map((s) => s.label))]).toEqual([
      'mine',
      'ising2d L=32 majority (b.json)',
      'ising2d L=32 majority (c.json)',
    ]);
  });

  it('refuses what is not a result, and a bad N_c', () => {
    expect(() => crossModelComparison([{ name: 'x.json', document: { model: { id: 'ising2d' } } }])).toThrow(
      FileFormatError,
    );
    expect(() =>
      crossModelComparison([
        { name: 'y.json', document: { model: { id: 'm' }, estimates: grid([1], [1], 'thermal', () => 1) } },
      ]),
    ).toThrow(/y.json: estimate of sector 'thermal' names no exponent/);
    expect(() => crossModelComparison([{ name: 'ising.json', document: ising }], { nc: 0 })).toThrow(
      UsageError,
    );
  });
});
