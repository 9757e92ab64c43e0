import {
  couplingFromOrbit,
  hamiltonian,
  Lattice,
  Rng,
  randomSpins,
  type Sampler,
  UsageError,
} from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import {
  createPottsHeatBathKernel,
  createPottsSwendsenWangKernel,
  createPottsWolffKernel,
  pottsBondLimit,
  pottsBonds,
  pottsHeatBathSweep,
  pottsHeatBathSweep4,
  pottsHeatBathSweep6,
  pottsWolffCluster,
  pottsWolffCluster4,
  pottsWolffCluster6,
} from '../src/potts/index.js';
import { swendsenWang } from '../src/swendsen-wang.js';
import { wolff } from '../src/wolff.js';
import { nn2, nn3 } from './cases.js';
import { batchMeans, type PottsKernelFactory, pottsChain } from './potts-exact.js';

const nn4 = couplingFromOrbit('nearest neighbour', [
  [0, 0, 0, 0],
  [0, 0, 0, 1],
]);

describe('potts kernels at q = 2: the Ising chain at K_Ising = K/2, draw for draw (0 ↔ +1, 1 ↔ −1)', () => {
  const cases = [
    { name: '2D 24×24 at K_c', lattice: new Lattice([24, 24]), nn: nn2, KIsing: 0.44068679350977147 },
    { name: '3D 8³ at K_c', lattice: new Lattice([8, 8, 8]), nn: nn3, KIsing: 0.221654626 },
    // Degree 6 of 8 (the axis of size 1 has no bonds), an axis of size 2 (doubled bonds).
    { name: '4D 5×4×1×2 at K = 0.3', lattice: new Lattice([5, 4, 1, 2]), nn: nn4, KIsing: 0.3 },
    { name: '4D 3×4×5×3 at K = 0.15', lattice: new Lattice([3, 4, 5, 3]), nn: nn4, KIsing: 0.15 },
  ];
  const pairs: [string, Sampler, PottsKernelFactory, number][] = [
    ['wolff', wolff, createPottsWolffKernel, 3000],
    ['swendsen-wang', swendsenWang, createPottsSwendsenWangKernel, 200],
  ];
  for (const [id, ising, create, steps] of pairs) {
    it.each(cases)(`${id}: $name`, ({ lattice, nn, KIsing }) => {
      const isingKernel = ising.create(lattice, hamiltonian([nn], [KIsing]));
      const pottsKernel = create(lattice, 2, 2 * KIsing);
      const start = randomSpins(lattice, Rng.stream(5, 1));
      const a = { spins: start.slice(), rng: Rng.stream(5, 0), moves: 0 };
      const b = { spins: Int8Array.from(start, (s) => (1 - s) / 2), rng: Rng.stream(5, 0), moves: 0 };
      let total = 0;
      for (let i = 0; i < steps; i++) {
        const added = isingKernel.step(a);
        expect(pottsKernel.step(b), `step ${i}`).toBe(added);
        total += added;
        if (a.spins.some((s, x) => (1 - s) / 2 !== b.spins[x]) || a.rng.s.some((w, k) => w !== b.rng.s[k]))
          expect.fail(`state differs after step ${i}`);
      }
      expect(b.moves).toBe(steps);
      // Large clusters, so that the comparison covers many bonds.
      expect(total / steps).toBeGreaterThan(5);
    });
  }
});

describe('potts wolff: the unrolled kernels', () => {
  it.each([
    {
      name: 'pottsWolffCluster4, 2D 24×24, q = 3 at K_c',
      unrolled: pottsWolffCluster4,
      sizes: [24, 24],
      q: 3,
      K: 1.0051,
    },
    {
      name: 'pottsWolffCluster4, 2D 16×16, q = 7 at K_c',
      unrolled: pottsWolffCluster4,
      sizes: [16, 16],
      q: 7,
      K: Math.log(1 + Math.sqrt(7)),
    },
    {
      name: 'pottsWolffCluster6, 3D 8³, q = 3 at K = 0.55',
      unrolled: pottsWolffCluster6,
      sizes: [8, 8, 8],
      q: 3,
      K: 0.55,
    },
  ])(
    '$name grows the same clusters as the general loop and leaves the same RNG state',
    ({ unrolled, sizes, q, K }) => {
      const lattice = new Lattice(sizes);
      const { degree, neighbours } = pottsBonds(lattice);
      const limit = pottsBondLimit(K);
      const rng = Rng.stream(3, 0);
      const a = Int8Array.from({ length: lattice.volume }, () => rng.nextInt(q));
      const b = a.slice();
      const rngA = rng.s.slice();
      const rngB = rng.s.slice();
      const stack = new Int32Array(lattice.volume);
      let total = 0;
      for (let i = 0; i < 3000; i++) {
        const added = pottsWolffCluster(a, neighbours, degree, q, limit, stack, rngA);
        expect(unrolled(b, neighbours, degree, q, limit, stack, rngB), `flip ${i}`).toBe(added);
        total += added;
        if (a.some((s, x) => s !== b[x]) || rngA.some((w, k) => w !== rngB[k]))
          expect.fail(`state differs after flip ${i}`);
      }
      expect(total / 3000).toBeGreaterThan(5);
    },
  );
});

describe('potts heat-bath: the unrolled sweeps', () => {
  it.each([
    {
      name: 'pottsHeatBathSweep4, 2D 16², q = 3 at K_c',
      unrolled: pottsHeatBathSweep4,
      sizes: [16, 16],
      q: 3,
      K: 1.0051,
    },
    {
      name: 'pottsHeatBathSweep4, 2D 12², q = 5 at K = −0.8',
      unrolled: pottsHeatBathSweep4,
      sizes: [12, 12],
      q: 5,
      K: -0.8,
    },
    {
      name: 'pottsHeatBathSweep6, 3D 6³, q = 3 at K = 0.55',
      unrolled: pottsHeatBathSweep6,
      sizes: [6, 6, 6],
      q: 3,
      K: 0.55,
    },
  ])('$name draws the same chain as the general sweep', ({ unrolled, sizes, q, K }) => {
    const lattice = new Lattice(sizes);
    const { degree, neighbours } = pottsBonds(lattice);
    const top = K > 0 ? degree : 0;
    const boltzmann = Float64Array.from({ length: degree + 1 }, (_, n) => Math.exp(K * (n - top)));
    const rng = Rng.stream(4, 0);
    const a = Int8Array.from({ length: lattice.volume }, () => rng.nextInt(q));
    const b = a.slice();
    const rngA = rng.s.slice();
    const rngB = rng.s.slice();
    const countsA = new Int32Array(q);
    const countsB = new Int32Array(q);
    for (let i = 0; i < 200; i++) {
      pottsHeatBathSweep(a, neighbours, degree, q, boltzmann, countsA, rngA);
      unrolled(b, neighbours, degree, q, boltzmann, countsB, rngB);
      if (a.some((s, x) => s !== b[x]) || rngA.some((w, k) => w !== rngB[k]))
        expect.fail(`state differs after sweep ${i}`);
    }
    expect(countsA.every((c) => c === 0) && countsB.every((c) => c === 0)).toBe(true);
  });
});

describe('potts kernels: edge cases', () => {
  it('wolff at K = 0 moves one site to another state per step', () => {
    const lattice = new Lattice([6, 6]);
    const kernel = createPottsWolffKernel(lattice, 4, 0);
    const state = pottsChain(lattice, 1);
    for (let i = 0; i < 200; i++) {
      const before = state.spins.slice();
      expect(kernel.step(state)).toBe(1);
      const changed = [...before.keys()].filter((x) => before[x] !== state.spins[x]);
      expect(changed).toHaveLength(1);
    }
  });

  // Two sites on a ring of 2: the pair is counted from both ends, S = 2 δ(σ0, σ1), so
  // P(σ0 = σ1) = e^{2K} / (e^{2K} + q − 1). q = 200 stores states ≥ 128, negative as Int8.
  it.each([
    ['wolff', createPottsWolffKernel],
    ['swendsen-wang', createPottsSwendsenWangKernel],
    ['heat-bath', createPottsHeatBathKernel],
  ] as const)(
    '%s, q = 200 on a ring of 2 sites at K = 3: P(σ0 = σ1) and P(σ0 ≥ 128) within 4σ',
    (_, create) => {
      const q = 200;
      const K = 3;
      const lattice = new Lattice([2]);
      const kernel = create(lattice, q, K);
      const state = pottsChain(lattice, 7);
      const n = 100_000;
      const equal = new Float64Array(n);
      const high = new Float64Array(n);
      let outside = 0;
      for (let i = 0; i < n; i++) {
        kernel.step(state);
        const s0 = state.spins[0] & 255;
        const s1 = state.spins[1] & 255;
        if (s0 >= q || s1 >= q) outside++;
        equal[i] = s0 === s1 ? 1 : 0;
        high[i] = s0 >= 128 ? 1 : 0;
      }
      expect(outside).toBe(0);
      const pEqual = Math.exp(2 * K) / (Math.exp(2 * K) + q - 1);
      const e = batchMeans(equal, 50);
      expect(Math.abs(e.value - pEqual)).toBeLessThan(4 * e.error);
      const h = batchMeans(high, 50);
      expect(Math.abs(h.value - (q - 128) / q)).toBeLessThan(4 * h.error);
    },
  );

  it('bad q, K and chain sizes are UsageErrors', () => {
    const lattice = new Lattice([4, 4]);
    for (const create of [createPottsWolffKernel, createPottsSwendsenWangKernel, createPottsHeatBathKernel]) {
      for (const q of [1, 257, 2.5, Number.NaN]) expect(() => create(lattice, q, 1)).toThrow(UsageError);
      expect(() => create(lattice, 3, Number.NaN)).toThrow(UsageError);
      expect(() => create(lattice, 3, Number.POSITIVE_INFINITY)).toThrow(UsageError);
      const kernel = create(lattice, 3, 1);
      expect(() => kernel.step(pottsChain(new Lattice([3, 3]), 1))).toThrow(UsageError);
    }
    expect(() => createPottsWolffKernel(lattice, 3, -0.1)).toThrow(/K ≥ 0/);
    expect(() => createPottsSwendsenWangKernel(lattice, 3, -0.1)).toThrow(/K ≥ 0/);
    expect(() => createPottsHeatBathKernel(lattice, 3, -0.1)).not.toThrow();
    expect(() => createPottsHeatBathKernel(lattice, 3, 176)).toThrow(UsageError);
    expect(() => createPottsHeatBathKernel(lattice, 3, -176)).toThrow(UsageError);
    expect(() => createPottsHeatBathKernel(lattice, 3, 174)).not.toThrow();
  });
});
