import { describe, expect, it } from 'vitest';
import { CompiledCouplings, coupling, couplingFromOrbit, Lattice, termOrbit } from '../src/index.js';

describe('coupling orbits', () => {
  it('generates the terms of Table 1 from one representative each (2D)', () => {
    const count = (rep: number[][]) => termOrbit(rep).length;
    expect(
      count([
        [0, 0],
        [0, 1],
      ]),
    ).toBe(2); // nn
    expect(
      count([
        [0, 0],
        [1, 1],
      ]),
    ).toBe(2); // diagonal
    expect(
      count([
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ]),
    ).toBe(1); // plaquette
    expect(
      count([
        [0, 0],
        [0, 2],
      ]),
    ).toBe(2);
    expect(
      count([
        [0, 0],
        [1, 2],
      ]),
    ).toBe(4); // knight
    expect(
      count([
        [0, 1],
        [1, 0],
        [1, 2],
        [2, 1],
      ]),
    ).toBe(1); // diamond
    expect(
      count([
        [0, 0],
        [2, 2],
      ]),
    ).toBe(2);
    expect(
      count([
        [0, 0],
        [0, 1],
        [1, 0],
      ]),
    ).toBe(4); // 3-spin plaquette subsets
    expect(
      count([
        [0, 0],
        [0, 1],
        [0, 2],
      ]),
    ).toBe(2);
    expect(
      count([
        [0, 0],
        [1, 1],
        [2, 2],
      ]),
    ).toBe(2);
  });

  it('matches the explicit offsets of physics.md for the knight pairs', () => {
    expect(
      termOrbit([
        [0, 0],
        [1, 2],
      ]),
    ).toEqual(
      [
        [
          [0, 0],
          [1, 2],
        ],
        [
          [0, 0],
          [2, 1],
        ],
        [
          [0, 1],
          [2, 0],
        ],
        [
          [0, 2],
          [1, 0],
        ],
      ].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
    );
  });

  it('counts 3D orbits: 3 nn bonds, 6 face diagonals, 4 body diagonals, 3 square plaquettes', () => {
    expect(
      termOrbit([
        [0, 0, 0],
        [1, 0, 0],
      ]).length,
    ).toBe(3);
    expect(
      termOrbit([
        [0, 0, 0],
        [1, 1, 0],
      ]).length,
    ).toBe(6);
    expect(
      termOrbit([
        [0, 0, 0],
        [1, 1, 1],
      ]).length,
    ).toBe(4);
    expect(
      termOrbit([
        [0, 0, 0],
        [1, 0, 0],
        [0, 1, 0],
        [1, 1, 0],
      ]).length,
    ).toBe(3);
  });
});

describe('compiled coupling sums', () => {
  const L = new Lattice([4, 4]);
  const nn = couplingFromOrbit('nn', [
    [0, 0],
    [0, 1],
  ]);
  const plaq = couplingFromOrbit('plaquette', [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  const mag = coupling('m', [[[0, 0]]]);
  const c = new CompiledCouplings([nn, plaq, mag], L);
  const out = new Float64Array(3);

  it('all up: every term is +1', () => {
    c.evaluate(new Int8Array(16).fill(1), out);
    expect(Array.from(out)).toEqual([32, 16, 16]);
  });

  it('checkerboard: nn bonds all −1, plaquettes +1', () => {
    const s = new Int8Array(16).map((_, i) => ((Math.floor(i / 4) + (i % 4)) % 2 ? -1 : 1));
    c.evaluate(s, out);
    expect(Array.from(out)).toEqual([-32, 16, 0]);
  });

  it('one flipped spin changes nn by −8, plaquette by −8, m by −2', () => {
    const s = new Int8Array(16).fill(1);
    s[5] = -1;
    c.evaluate(s, out);
    expect(Array.from(out)).toEqual([24, 8, 14]);
  });

  it('stripes along rows: vertical bonds −1, horizontal +1', () => {
    const s = new Int8Array(16).map((_, i) => (Math.floor(i / 4) % 2 ? -1 : 1));
    c.evaluate(s, out);
    expect(Array.from(out)).toEqual([0, 16, 0]);
  });
});
