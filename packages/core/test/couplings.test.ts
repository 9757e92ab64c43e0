import { describe, expect, it } from 'vitest';
import {
  CompiledCouplings,
  type Coupling,
  coupling,
  couplingFromOrbit,
  Lattice,
  Rng,
  randomSpins,
  termOrbit,
} from '../src/index.js';

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

  it('matches the explicit offsets of docs/physics.md for the knight pairs', () => {
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

describe('compiled coupling sums against the direct sum', () => {
  /** Σ_x Σ_terms Π σ_{x+o}, site by site. */
  const direct = (couplings: readonly Coupling[], lattice: Lattice, spins: Int8Array) =>
    couplings.map((c) => {
      let total = 0;
      for (let x = 0; x < lattice.volume; x++) {
        const q = lattice.coords(x);
        for (const term of c.terms) {
          let p = 1;
          for (const o of term) p *= spins[lattice.index(q.map((v, a) => v + o[a]))];
          total += p;
        }
      }
      return total;
    });

  // Rows of ≤ 32 and of > 32 anchors, terms of 1 to 5 spins, negative offsets: every path of the kernel.
  it.each([
    [[6, 5, 7], 3],
    [[3, 40], 2],
    [[4, 32], 2],
    [[70], 1],
    [[2, 3, 2], 3],
  ])('on %j', (sizes, d) => {
    const lattice = new Lattice(sizes);
    const rng = Rng.stream(7, d);
    const offset = (k: number) => Array.from({ length: d }, (_, a) => ((k * (a + 2)) % 5) - 2);
    const couplings = [1, 2, 3, 4, 5].map((k) =>
      coupling(`k${k}`, [
        Array.from({ length: k }, (_, j) => offset(j + k)),
        Array.from({ length: k }, (_, j) => offset(2 * j)),
      ]),
    );
    const compiled = new CompiledCouplings(couplings, lattice);
    const out = new Float64Array(couplings.length);
    for (let n = 0; n < 3; n++) {
      const spins = randomSpins(lattice, rng);
      compiled.evaluate(spins, out);
      expect(Array.from(out)).toEqual(direct(couplings, lattice, spins));
    }
  });
});
