import { describe, expect, it } from 'vitest';
import {
  CompiledCouplings,
  type Coupling,
  type CouplingOperator,
  compileCouplings,
  couplingFromOrbit,
  couplingParity,
  Lattice,
  Rng,
  randomConfiguration,
  randomSpins,
  SiteCouplings,
  stateSpins,
  stateView,
} from '../src/index.js';

const EQUAL: CouplingOperator = { kind: 'equal' };
const along = (q: number): CouplingOperator => ({ kind: 'state', state: 0, states: q });

const NN = [
  [0, 0],
  [0, 1],
];
const CORNER = [
  [0, 0],
  [0, 1],
  [1, 0],
];

/** S of a coupling by its definition, site by site and term by term, on the lattice's coordinates. */
function direct(c: Coupling, lattice: Lattice, spins: Int8Array): number {
  const u = stateView(spins);
  let total = 0;
  for (let x = 0; x < lattice.volume; x++) {
    const at = lattice.coords(x);
    for (const term of c.terms) {
      const sites = term.map((o) => lattice.index(at.map((v, a) => v + o[a])));
      const op = c.operator ?? { kind: 'product' };
      if (op.kind === 'product') total += sites.reduce((p, i) => p * spins[i], 1);
      else {
        const equal = sites.every((i) => u[i] === u[sites[0]]) ? 1 : 0;
        if (op.kind === 'equal') total += equal;
        else total += (equal && u[sites[0]] === op.state ? 1 : 0) - equal / op.states;
      }
    }
  }
  return total;
}

describe('q-state couplings (docs/potts.md)', () => {
  const lattice = new Lattice([6, 5]);
  const couplings = (q: number) => [
    couplingFromOrbit('nn', NN, undefined, EQUAL),
    couplingFromOrbit('corner', CORNER, undefined, EQUAL),
    couplingFromOrbit('m', [[0, 0]], undefined, along(q)),
    couplingFromOrbit('nn magnetic', NN, undefined, along(q)),
    couplingFromOrbit('corner magnetic', CORNER, undefined, along(q)),
  ];

  it.each([2, 3, 7])('SiteCouplings agrees with the definition at q = %i', (q) => {
    const rng = Rng.stream(1, q);
    const cs = couplings(q);
    const evaluator = compileCouplings(cs, lattice);
    expect(evaluator).toBeInstanceOf(SiteCouplings);
    for (let rep = 0; rep < 5; rep++) {
      const spins = randomConfiguration(lattice, rng, stateSpins(q));
      const out = new Float64Array(cs.length);
      evaluator.evaluate(spins, out);
      for (const [i, c] of cs.entries()) expect(out[i]).toBeCloseTo(direct(c, lattice, spins), 10);
    }
  });

  it('the general path sums Ising products exactly as the bit-packed one', () => {
    const products = [
      couplingFromOrbit('nn', NN),
      couplingFromOrbit('corner', CORNER),
      couplingFromOrbit('m', [[0, 0]]),
    ];
    expect(compileCouplings(products, lattice)).toBeInstanceOf(CompiledCouplings);
    const rng = Rng.stream(2);
    for (let rep = 0; rep < 5; rep++) {
      const spins = randomSpins(lattice, rng);
      const a = new Float64Array(3);
      const b = new Float64Array(3);
      new CompiledCouplings(products, lattice).evaluate(spins, a);
      new SiteCouplings(products, lattice).evaluate(spins, b);
      expect(b).toEqual(a);
    }
    expect(() => new CompiledCouplings(couplings(3), lattice)).toThrow(/spin products/);
  });

  it('for q = 2 the nn magnetic operator is exactly 2m (so magnetic N_c ≥ 2 is singular)', () => {
    const rng = Rng.stream(3);
    const cs = couplings(2);
    const evaluator = compileCouplings(cs, lattice);
    for (let rep = 0; rep < 10; rep++) {
      const out = new Float64Array(cs.length);
      evaluator.evaluate(randomConfiguration(lattice, rng, stateSpins(2)), out);
      expect(out[3]).toBe(2 * out[2]);
    }
    // Negative control: at q = 3 the two are independent.
    const q3 = compileCouplings(couplings(3), lattice);
    const ratios = new Set<number>();
    for (let rep = 0; rep < 10; rep++) {
      const out = new Float64Array(5);
      q3.evaluate(randomConfiguration(lattice, rng, stateSpins(3)), out);
      ratios.add(Math.round((out[3] / out[2]) * 1e6));
    }
    expect(ratios.size).toBeGreaterThan(1);
  });

  it('permutation-invariant operators are the even (thermal) sector, state components the odd one', () => {
    const [nn, corner, m, nnm] = couplings(3);
    expect([nn, corner, m, nnm].map(couplingParity)).toEqual(['even', 'even', 'odd', 'odd']);
    expect(couplingParity(couplingFromOrbit('Ising corner', CORNER))).toBe('odd');
    expect(() => couplingFromOrbit('bad', NN, undefined, { kind: 'state', state: 3, states: 3 })).toThrow(
      /not a state/,
    );
  });

  it('a thermal operator is invariant under every permutation of the states, a magnetic one is not', () => {
    const rng = Rng.stream(4);
    const cs = couplings(3);
    const evaluator = compileCouplings(cs, lattice);
    const spins = randomConfiguration(lattice, rng, stateSpins(3));
    const swapped = spins.map((s) => [2, 0, 1][s]);
    const a = new Float64Array(5);
    const b = new Float64Array(5);
    evaluator.evaluate(spins, a);
    evaluator.evaluate(swapped, b);
    expect([b[0], b[1]]).toEqual([a[0], a[1]]);
    expect(b[2]).not.toBe(a[2]);
  });
});
