import {
  CompiledCouplings,
  type Coupling,
  type CouplingSet,
  canonicalTerm,
  couplingParity,
  defaultCoupling,
  energy,
  Lattice,
  Registry,
  studyTrainings,
  UsageError,
} from '@rsrg/core';
import { plugin as projectors } from '@rsrg/projectors';
import { describe, expect, it } from 'vitest';
import {
  hypercubicIsing,
  type IsingModel,
  ising1d,
  ising1dEven,
  ising1dOdd,
  ising2d,
  ising2dEven,
  ising2dOdd,
  ising3d,
  ising3dEven,
  ising3dOdd,
  plugin,
} from '../src/index.js';

/** A coupling's terms as a set: each term canonicalised, then the list sorted. */
function termSet(terms: readonly (readonly (readonly number[])[])[]): string[] {
  return terms.map((t) => JSON.stringify(canonicalTerm(t))).sort();
}

function sums(set: CouplingSet, lattice: Lattice, spins: Int8Array): number[] {
  const out = new Float64Array(set.couplings.length);
  new CompiledCouplings(set.couplings, lattice).evaluate(spins, out);
  return Array.from(out);
}

const termCount = (set: CouplingSet) => set.couplings.map((c) => c.terms.length);

describe('ising2d coupling sets', () => {
  it("generate exactly the terms listed in docs/physics.md §3, in Table 1's order", () => {
    // (row, col) offsets copied from the table of docs/physics.md §3.
    const table: number[][][][] = [
      [
        [
          [0, 0],
          [0, 1],
        ],
        [
          [0, 0],
          [1, 0],
        ],
      ],
      [
        [
          [0, 0],
          [1, 1],
        ],
        [
          [0, 1],
          [1, 0],
        ],
      ],
      [
        [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ],
      ],
      [
        [
          [0, 0],
          [0, 2],
        ],
        [
          [0, 0],
          [2, 0],
        ],
      ],
      [
        [
          [0, 0],
          [1, 2],
        ],
        [
          [0, 1],
          [2, 0],
        ],
        [
          [0, 0],
          [2, 1],
        ],
        [
          [0, 2],
          [1, 0],
        ],
      ],
      [
        [
          [0, 1],
          [1, 0],
          [1, 2],
          [2, 1],
        ],
      ],
      [
        [
          [0, 0],
          [2, 2],
        ],
        [
          [0, 2],
          [2, 0],
        ],
      ],
    ];
    expect(ising2dEven.couplings).toHaveLength(7);
    ising2dEven.couplings.forEach((c, i) => {
      expect(termSet(c.terms), c.name).toEqual(termSet(table[i]));
    });
  });

  it('odd set: magnetization, 4 plaquette corners, 2 rows of 3, 2 diagonals of 3', () => {
    const explicit: number[][][][] = [
      [[[0, 0]]],
      [
        [
          [0, 0],
          [0, 1],
          [1, 0],
        ],
        [
          [0, 0],
          [0, 1],
          [1, 1],
        ],
        [
          [0, 0],
          [1, 0],
          [1, 1],
        ],
        [
          [0, 1],
          [1, 0],
          [1, 1],
        ],
      ],
      [
        [
          [0, 0],
          [0, 1],
          [0, 2],
        ],
        [
          [0, 0],
          [1, 0],
          [2, 0],
        ],
      ],
      [
        [
          [0, 0],
          [1, 1],
          [2, 2],
        ],
        [
          [0, 2],
          [1, 1],
          [2, 0],
        ],
      ],
    ];
    expect(ising2dOdd.couplings).toHaveLength(4);
    ising2dOdd.couplings.forEach((c, i) => {
      expect(termSet(c.terms), c.name).toEqual(termSet(explicit[i]));
    });
  });

  it('coupling sums on hand-made 8×8 configurations', () => {
    const L = new Lattice([8, 8]);
    const N = 64;
    const up = new Int8Array(N).fill(1);
    expect(sums(ising2dEven, L, up)).toEqual([2, 2, 1, 2, 4, 1, 2].map((t) => t * N));
    expect(sums(ising2dOdd, L, up)).toEqual([1, 4, 2, 2].map((t) => t * N));
    // Checkerboard: a pair at offset (r, c) gives (−1)^(r+c); 4-spin terms have even parity sum.
    const checker = new Int8Array(N).map((_, x) => ((Math.floor(x / 8) + (x % 8)) % 2 ? -1 : 1));
    expect(sums(ising2dEven, L, checker)).toEqual([-2 * N, 2 * N, N, 2 * N, -4 * N, N, 2 * N]);
    expect(sums(ising2dOdd, L, checker)).toEqual([0, 0, 0, 0]);
    // Row stripes σ = (−1)^row: a pair at (r, c) gives (−1)^r.
    const stripes = new Int8Array(N).map((_, x) => (Math.floor(x / 8) % 2 ? -1 : 1));
    expect(sums(ising2dEven, L, stripes)).toEqual([0, -2 * N, N, 2 * N, 0, N, 2 * N]);
    expect(sums(ising2dOdd, L, stripes)).toEqual([0, 0, 0, 0]);
  });
});

describe('ising3d coupling sets', () => {
  it('have the hand-counted number of terms per site', () => {
    // Pairs at v: (number of images of v under the 48 cubic operations) / 2. Square plaquettes:
    // one per coordinate plane; tetrahedra: 2 per cube; 1×√2 rectangles: 3 axes × 2 diagonals.
    expect(termCount(ising3dEven)).toEqual([3, 6, 4, 3, 3, 12, 12, 6, 2, 6]);
    // Square corners: 3 planes × 4; rows: 3 axes; face diagonals: 3 planes × 2; body
    // diagonals: 4; face-diagonal triangles: 4 faces × 2 tetrahedra.
    expect(termCount(ising3dOdd)).toEqual([1, 12, 3, 6, 4, 8]);
  });

  it('generate the hand-listed 4-spin terms', () => {
    const [, , , , plaquette, , , , tetrahedron, rectangle] = ising3dEven.couplings;
    const sq = (a: number[], b: number[]) => [[0, 0, 0], a, b, a.map((x, i) => x + b[i])];
    expect(termSet(plaquette.terms)).toEqual(
      termSet([sq([1, 0, 0], [0, 1, 0]), sq([1, 0, 0], [0, 0, 1]), sq([0, 1, 0], [0, 0, 1])]),
    );
    expect(termSet(tetrahedron.terms)).toEqual(
      termSet([
        [
          [0, 0, 0],
          [1, 1, 0],
          [1, 0, 1],
          [0, 1, 1],
        ],
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
          [1, 1, 1],
        ],
      ]),
    );
    // Rectangle with sides e_a and e_b ± e_c, written from a corner with non-negative offsets.
    expect(termSet(rectangle.terms)).toEqual(
      termSet([
        sq([1, 0, 0], [0, 1, 1]),
        sq([1, 0, 0], [0, 1, -1]),
        sq([0, 1, 0], [1, 0, 1]),
        sq([0, 1, 0], [1, 0, -1]),
        sq([0, 0, 1], [1, 1, 0]),
        sq([0, 0, 1], [1, -1, 0]),
      ]),
    );
  });

  it('coupling sums on all-up and checkerboard 4×4×4 configurations', () => {
    const L = Lattice.cubic(3, 4);
    const N = 64;
    expect(sums(ising3dEven, L, new Int8Array(N).fill(1))).toEqual(termCount(ising3dEven).map((t) => t * N));
    expect(sums(ising3dOdd, L, new Int8Array(N).fill(1))).toEqual(termCount(ising3dOdd).map((t) => t * N));
    // Checkerboard (−1)^(x+y+z): a pair at v gives (−1)^(|v|₁); the tetrahedron's corners all
    // have even parity, the rectangle's alternate (+ − + −); odd terms sum to 0.
    const checker = new Int8Array(N).map((_, s) => (L.coords(s).reduce((a, b) => a + b) % 2 ? -1 : 1));
    expect(sums(ising3dEven, L, checker)).toEqual([-3, 6, -4, 3, 3, -12, 12, 6, 2, 6].map((t) => t * N));
    expect(sums(ising3dOdd, L, checker)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe.each([
  ['ising1d', ising1d, [ising1dEven, ising1dOdd], 5],
  ['ising2d', ising2d, [ising2dEven, ising2dOdd], 4],
  ['ising3d', ising3d, [ising3dEven, ising3dOdd], 3],
] as const)('%s couplings', (_, model, sets, L) => {
  const all: Coupling[] = sets.flatMap((s) => [...s.couplings]);

  it('have the stated parity, distinct canonical terms within reach 2 and no repeated site', () => {
    const [even, odd] = sets;
    expect(even.couplings.every((c) => couplingParity(c) === 'even')).toBe(true);
    expect(odd.couplings.every((c) => couplingParity(c) === 'odd')).toBe(true);
    const seen = new Set<string>();
    for (const c of all) {
      for (const t of c.terms) {
        const key = JSON.stringify(canonicalTerm(t));
        expect(seen.has(key), `${c.name}: ${key} appears twice`).toBe(false);
        seen.add(key);
        expect(new Set(t.map((o) => o.join())).size).toBe(t.length);
        expect(t.every((o) => o.length === model.dimension && o.every((x) => x >= 0 && x <= 2))).toBe(true);
      }
    }
  });

  it('sum to T·(N − 2k) with one spin flipped (T terms of k spins)', () => {
    const lattice = model.lattice(L);
    const N = lattice.volume;
    const spins = new Int8Array(N).fill(1);
    spins[N >> 1] = -1;
    // Each term covers the flipped site from k anchors; those T·k placements give −1.
    for (const set of sets) {
      expect(sums(set, lattice, spins)).toEqual(
        set.couplings.map((c) => c.terms.length * (N - 2 * c.terms[0].length)),
      );
    }
  });
});

describe('models', () => {
  it('ising1d: the alternating ring has S_nn = −N and M = 0', () => {
    const L = ising1d.lattice(6);
    const alt = Int8Array.from([1, -1, 1, -1, 1, -1]);
    expect(sums(ising1dEven, L, alt)).toEqual([-6]);
    expect(sums(ising1dOdd, L, alt)).toEqual([0]);
  });

  it('runs without a coupling at K_c, and the ring, which has no transition, at its default 0.5', () => {
    expect(ising1d).not.toHaveProperty('criticalCoupling');
    expect(ising1d.defaults.coupling).toBe(0.5);
    expect(defaultCoupling(ising1d)).toBe(0.5);
    for (const model of [ising2d, ising3d]) {
      expect(model.defaults.coupling).toBeUndefined();
      expect(defaultCoupling(model)).toBe(model.criticalCoupling);
    }
  });

  it.each([
    ['ising1d', ising1d, 1, undefined, 'wolff', 'decimation', undefined],
    ['ising2d', ising2d, 2, Math.log(1 + Math.SQRT2) / 2, 'wolff-wasm', 'majority', { yt: 1, yh: 15 / 8 }],
    ['ising3d', ising3d, 3, 0.221654626, 'wolff-wasm', 'majority', { yt: 1.587375, yh: 2.4818511 }],
  ] as const)(
    '%s: constants, defaults, lattices and Hamiltonian',
    (id, model: IsingModel, d, Kc, sampler, projector, exponents) => {
      expect(model.id).toBe(id);
      expect(model.dimension).toBe(d);
      if (Kc === undefined) expect(model.criticalCoupling).toBeUndefined();
      else expect(model.criticalCoupling).toBeCloseTo(Kc, 15);
      const { coupling: _, ...defaults } = model.defaults;
      expect(defaults).toEqual({ sampler, projector, interval: 5 });
      expect(model.exponents).toEqual(exponents);
      expect(model.couplingSets).toEqual({ even: `${model.id}.even`, odd: `${model.id}.odd` });
      const lattice = model.lattice(4);
      expect([...lattice.sizes]).toEqual(new Array(d).fill(4));
      for (const bad of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => model.lattice(bad), String(bad)).toThrow(UsageError);
      }
      const h = model.hamiltonian(0.3);
      expect(h.K).toEqual([0.3]);
      expect(h.couplings).toHaveLength(1);
      expect(termSet(h.couplings[0].terms)).toEqual(termSet(model.evenSet.couplings[0].terms));
      expect(termSet(h.couplings[0].terms)).toHaveLength(d);
      // H(all up) = K · d · N.
      expect(energy(h, lattice, new Int8Array(lattice.volume).fill(1))).toBeCloseTo(
        0.3 * d * lattice.volume,
        12,
      );
    },
  );

  it('a model needs a critical or a default coupling', () => {
    const spec = { id: 'x', description: 'x', dimension: 2, evenSet: ising2dEven, oddSet: ising2dOdd };
    expect(() => hypercubicIsing(spec)).toThrow(UsageError);
    expect(hypercubicIsing({ ...spec, defaults: { coupling: 0.3 } }).defaults.coupling).toBe(0.3);
  });

  it('the plugin registers the models, every coupling set they name and the studies, nothing else', () => {
    const r = new Registry().use(plugin);
    expect(r.projectors.list()).toEqual([]);
    expect(r.samplers.list()).toEqual([]);
    expect(r.models.list().map((m) => m.id)).toEqual(['ising1d', 'ising2d', 'ising3d', 'potts2d']);
    for (const m of r.models.list()) {
      expect(r.couplingSets.get(m.couplingSets.even).couplings.length).toBeGreaterThan(0);
      expect(r.couplingSets.get(m.couplingSets.odd).couplings.length).toBeGreaterThan(0);
    }
    expect(r.couplingSets.get('ising2d.even')).toBe(ising2dEven);
    expect(r.couplingSets.list()).toHaveLength(8);
    expect(r.studies.list().map((st) => st.id)).toEqual([
      'chung-kao-2019',
      'ising3d-16',
      'ising3d-32',
      'potts2d-q3',
      'potts2d-q4',
      'ising2d-optimized',
      'ising3d-optimized',
    ]);
  });

  it('names default projectors, and studies models and projectors, that the built-in plugins register', () => {
    const r = new Registry().use(plugin).use(projectors);
    for (const m of r.models.list()) expect(r.projectors.has(m.defaults.projector), m.id).toBe(true);
    for (const st of r.studies.list()) {
      expect(r.models.has(st.model), st.id).toBe(true);
      // A trained projector is measured under its training's label.
      const labels = new Set(studyTrainings(st).flatMap((t) => (t.label ? [t.label] : [])));
      for (const p of st.projectors)
        expect(r.projectors.has(p) || labels.has(p), `${st.id}: ${p}`).toBe(true);
    }
  });
});
