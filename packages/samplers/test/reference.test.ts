import {
  type ChainState,
  coupling,
  energy,
  type Hamiltonian,
  hamiltonian,
  Lattice,
  Rng,
  randomSpins,
  type Sampler,
} from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { heatBath, metropolis, swendsenWang, wolff } from '../src/index.js';
import { localFieldTable } from '../src/local-field.js';
import {
  diamond2,
  field2,
  knight2,
  nn2,
  nn3,
  nnn2,
  plaquette2,
  third2,
  triangle2,
  twoTwo2,
} from './cases.js';

// Plain implementations that draw through Rng's methods and compute ΔH from the full energy.
// The kernels inline xoshiro128** and use tables: they must agree bit for bit. Couplings are
// dyadic fractions so that every ΔH is exact and both sides compare identical numbers.

/** Bonds of site x in the kernels' documented order: coupling, term, then +d before −d. */
function bonds(lattice: Lattice, h: Hamiltonian): { shift: Int32Array; p: number }[] {
  const out: { shift: Int32Array; p: number }[] = [];
  h.couplings.forEach((c, a) => {
    if (h.K[a] === 0) return;
    for (const [o1, o2] of c.terms) {
      const d = o2.map((v, axis) => v - o1[axis]);
      if (lattice.index(d) === 0) continue;
      out.push({ shift: lattice.shift(d), p: 1 - Math.exp(-2 * h.K[a]) });
      out.push({ shift: lattice.shift(d.map((v) => -v)), p: 1 - Math.exp(-2 * h.K[a]) });
    }
  });
  return out;
}

function wolffReference(lattice: Lattice, h: Hamiltonian, s: ChainState): void {
  const b = bonds(lattice, h);
  const seed = s.rng.nextInt(lattice.volume);
  const sigma = s.spins[seed];
  s.spins[seed] = -sigma;
  const stack = [seed];
  while (stack.length) {
    const x = stack.pop()!;
    for (const { shift, p } of b) {
      const y = shift[x];
      if (s.spins[y] === sigma && s.rng.nextFloat() < p) {
        s.spins[y] = -sigma;
        stack.push(y);
      }
    }
  }
}

function swendsenWangReference(lattice: Lattice, h: Hamiltonian, s: ChainState): void {
  const b = bonds(lattice, h);
  const visited = new Set<number>();
  for (let x0 = 0; x0 < lattice.volume; x0++) {
    if (visited.has(x0)) continue;
    const flip = s.rng.nextSign() > 0;
    const sigma = s.spins[x0];
    visited.add(x0);
    if (flip) s.spins[x0] = -sigma;
    const stack = [x0];
    while (stack.length) {
      const x = stack.pop()!;
      for (const { shift, p } of b) {
        const y = shift[x];
        if (!visited.has(y) && s.spins[y] === sigma && s.rng.nextFloat() < p) {
          visited.add(y);
          if (flip) s.spins[y] = -sigma;
          stack.push(y);
        }
      }
    }
  }
}

/** H with spin i flipped minus H. */
function deltaH(lattice: Lattice, h: Hamiltonian, spins: Int8Array, i: number): number {
  const before = energy(h, lattice, spins);
  spins[i] = -spins[i];
  const after = energy(h, lattice, spins);
  spins[i] = -spins[i];
  return after - before;
}

function metropolisReference(lattice: Lattice, h: Hamiltonian, s: ChainState): void {
  for (let n = 0; n < lattice.volume; n++) {
    const i = s.rng.nextInt(lattice.volume);
    const dH = deltaH(lattice, h, s.spins, i);
    if (dH >= 0 || s.rng.nextFloat() < Math.exp(dH)) s.spins[i] = -s.spins[i];
  }
}

function heatBathReference(lattice: Lattice, h: Hamiltonian, s: ChainState): void {
  for (let i = 0; i < lattice.volume; i++) {
    const field = -0.5 * s.spins[i] * deltaH(lattice, h, s.spins, i); // ΔH = −2σ_i h
    s.spins[i] = s.rng.nextFloat() < 1 / (1 + Math.exp(-2 * field)) ? 1 : -1;
  }
}

const square6 = new Lattice([6, 6]);
const systems = {
  ferromagnetic: [
    {
      lattice: square6,
      h: hamiltonian(
        [
          nn2,
          nnn2,
          coupling('wrap', [
            [
              [0, 0],
              [0, 6],
            ],
          ]),
        ],
        [0.375, 0.125, 0.5],
      ),
    },
    { lattice: new Lattice([3, 4, 2]), h: hamiltonian([nn3], [0.25]) },
  ],
  general: [
    {
      lattice: square6,
      h: hamiltonian([nn2, nnn2, plaquette2, field2, triangle2], [0.375, -0.125, 0.25, 0.0625, -0.25]),
    },
    {
      lattice: square6,
      h: hamiltonian(
        [nn2, nnn2, plaquette2, third2, knight2, diamond2, twoTwo2],
        [0.25, -0.125, 0.125, 0.0625, -0.0625, 0.125, 0.03125],
      ),
    },
    {
      lattice: new Lattice([2, 2, 3]),
      h: hamiltonian(
        [
          nn3,
          coupling('wrap', [
            [
              [0, 0, 0],
              [2, 0, 0],
              [0, 1, 0],
            ],
          ]),
        ],
        [0.25, 0.5],
      ),
    },
  ],
};

const implementations: {
  sampler: Sampler;
  reference: typeof wolffReference;
  list: typeof systems.general;
}[] = [
  { sampler: wolff, reference: wolffReference, list: systems.ferromagnetic },
  { sampler: swendsenWang, reference: swendsenWangReference, list: systems.ferromagnetic },
  {
    sampler: metropolis,
    reference: metropolisReference,
    list: [...systems.ferromagnetic, ...systems.general],
  },
  { sampler: heatBath, reference: heatBathReference, list: [...systems.ferromagnetic, ...systems.general] },
];

describe.each(implementations)(
  '$sampler.id matches a plain implementation bit for bit',
  ({ sampler, reference, list }) => {
    it.each(list.map((s, i) => ({ ...s, i })))('system $i', ({ lattice, h }) => {
      const rng = Rng.stream(99, 1);
      const a: ChainState = { spins: randomSpins(lattice, rng), rng, moves: 0 };
      const b: ChainState = { spins: a.spins.slice(), rng: rng.clone(), moves: 0 };
      const kernel = sampler.create(lattice, h);
      for (let n = 0; n < 30; n++) {
        kernel.step(a);
        reference(lattice, h, b);
      }
      expect(Array.from(a.spins)).toEqual(Array.from(b.spins));
      expect(Array.from(a.rng.s)).toEqual(Array.from(b.rng.s));
    });
  },
);

describe('local field tables', () => {
  it('use exp tables for few distinct fields and Math.exp for many', () => {
    expect(localFieldTable(systems.general[0].lattice, systems.general[0].h).fields.length).toBeGreaterThan(
      0,
    );
    expect(localFieldTable(systems.general[1].lattice, systems.general[1].h).fields.length).toBe(0);
  });
});
