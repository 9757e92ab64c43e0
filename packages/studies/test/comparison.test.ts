import { describe, expect, it } from 'vitest';
import { compareWithReference, comparisonSummary } from '../src/index.js';

describe('the comparison with published numbers', () => {
  it('compares cell by cell, leaving cells without a reference uncompared', () => {
    const rows = compareWithReference(
      [
        { projector: 'a', sector: 'even', nr: 1, nc: 1, y: 1.01, error: 0.003 },
        { projector: 'a', sector: 'even', nr: 1, nc: 2, y: 0.99, error: 0.01 },
        { projector: 'a', sector: 'odd', nr: 1, nc: 1, y: 1.9, error: 0.01 },
      ],
      [{ projector: 'a', sector: 'even', nr: 1, nc: 1, y: 1.0, error: 0.004 }],
      ['a'],
    );
    expect(rows.map((r) => `${r.sector} ${r.nc}`)).toEqual(['even 1', 'even 2']);
    expect(rows[0].deviation).toBeCloseTo(2, 12);
    expect(rows[1].deviation).toBeUndefined();
  });

  it('lists a published cell that was not measured, as NaN, and orders by sector, N_r, N_c, projector', () => {
    const rows = compareWithReference(
      [{ projector: 'b', sector: 'even', nr: 1, nc: 1, y: 1, error: 0.1 }],
      [
        { projector: 'a', sector: 'even', nr: 2, nc: 1, y: 1, error: 0.1 },
        { projector: 'a', sector: 'even', nr: 1, nc: 1, y: 1, error: 0.1 },
      ],
      ['a', 'b'],
    );
    expect(rows.map((r) => `${r.projector} ${r.nr} ${r.nc}`)).toEqual(['a 1 1', 'b 1 1', 'a 2 1']);
    expect(rows[0].y).toBeNaN();
  });

  it("without a reference lists the y_t sector's cells, whatever the model calls it", () => {
    const potts = [
      { projector: 'a', sector: 'magnetic', exponent: 'y_h', nr: 1, nc: 1, y: 1.87, error: 0.01 },
      { projector: 'a', sector: 'thermal', exponent: 'y_t', nr: 1, nc: 1, y: 1.2, error: 0.01 },
    ] as const;
    expect(compareWithReference(potts, [], ['a']).map((r) => r.sector)).toEqual(['thermal']);
    // Ising sectors, with or without exponents: 'even' as always.
    const ising = [
      { projector: 'a', sector: 'odd', nr: 1, nc: 1, y: 1.87, error: 0.01 },
      { projector: 'a', sector: 'even', nr: 1, nc: 1, y: 1, error: 0.01 },
    ];
    expect(compareWithReference(ising, [], ['a']).map((r) => r.sector)).toEqual(['even']);
    // Control: Potts estimates that do not say their exponent are not taken for y_t.
    const bare = potts.map(({ exponent: _, ...e }) => e);
    expect(compareWithReference(bare, [], ['a'])).toEqual([]);
  });

  it('summarizes per projector: cells compared, within 2σ, largest deviation', () => {
    const rows = compareWithReference(
      [
        { projector: 'a', sector: 'even', nr: 1, nc: 1, y: 1.005, error: 0.003 },
        { projector: 'a', sector: 'even', nr: 1, nc: 2, y: 1.5, error: 0.1 },
      ],
      [
        { projector: 'a', sector: 'even', nr: 1, nc: 1, y: 1.0, error: 0.004 },
        { projector: 'a', sector: 'even', nr: 1, nc: 2, y: 1.0, error: 0.0 },
      ],
      ['a'],
    );
    const [summary] = comparisonSummary(rows);
    expect(summary).toMatchObject({ projector: 'a', compared: 2, within2: 1 });
    expect(summary.maxAbsDeviation).toBeCloseTo(5, 12);
  });
});
