// The unrolled Wolff kernels (degree 4 and 6, TypeScript and WebAssembly) hold one bond limit
// per neighbour slot. With one uniform K every slot has the same limit, so a bond tested against
// another direction's limit goes unseen; here every direction has its own coupling.
import {
  boltzmannDistribution,
  type ChainState,
  CompiledCouplings,
  type Coupling,
  chiSquare,
  correlatedMeanError,
  coupling,
  type Hamiltonian,
  hamiltonian,
  interactionTable,
  Lattice,
  Rng,
  randomSpins,
  type Sampler,
} from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { biasedBondLimits, bondTable } from '../src/bond-table.js';
import { wolff, wolffWasm } from '../src/index.js';
import { wolffCluster, wolffCluster4, wolffCluster6 } from '../src/wolff.js';

/** The nearest-neighbour bond along axis `a` of a d-dimensional lattice, as its own coupling. */
const axisBond = (d: number, a: number): Coupling =>
  coupling(`axis ${a}`, [[Array(d).fill(0), Array.from({ length: d }, (_, i) => (i === a ? 1 : 0))]]);

/** A lattice with coupling K[a] along axis a: bond slots 2a (forward) and 2a + 1 (backward). */
function anisotropic(
  sizes: number[],
  K: number[],
): { lattice: Lattice; couplings: Coupling[]; h: Hamiltonian } {
  const couplings = K.map((_, a) => axisBond(sizes.length, a));
  return { lattice: new Lattice(sizes), couplings, h: hamiltonian(couplings, K) };
}

/**
 * The exact joint distribution of the per-direction sums S_a = Σ_x s_x s_{x+e_a}: the Boltzmann
 * weight depends on a configuration only through them, so their histogram is the whole test.
 */
function exactSums(lattice: Lattice, couplings: Coupling[], h: Hamiltonian) {
  const k = couplings.length;
  const S = interactionTable(lattice, couplings);
  const p = boltzmannDistribution(lattice, h);
  const span = 2 * lattice.volume + 1;
  const key = (s: ArrayLike<number>) => {
    let code = 0;
    for (let a = 0; a < k; a++) code = code * span + (s[a] + lattice.volume);
    return code;
  };
  const cellProbability = new Map<number, number>();
  const mean = new Float64Array(k);
  for (let c = 0; c < p.length; c++) {
    const row = S.subarray(c * k, (c + 1) * k);
    const code = key(row);
    cellProbability.set(code, (cellProbability.get(code) ?? 0) + p[c]);
    for (let a = 0; a < k; a++) mean[a] += p[c] * row[a];
  }
  const cells = [...cellProbability.keys()];
  return {
    key,
    cell: new Map(cells.map((code, i) => [code, i])),
    probabilities: cells.map((code) => cellProbability.get(code)!),
    mean,
  };
}

/** One cluster flip of a chain state. */
type Step = (state: ChainState) => void;

/** The histogram of the sums and their series, `samples` entries `interval` flips apart. */
function sampleSums(
  system: ReturnType<typeof anisotropic>,
  exact: ReturnType<typeof exactSums>,
  step: Step,
  samples: number,
  interval: number,
  seed: number,
) {
  const { lattice, couplings } = system;
  const rng = Rng.stream(seed, 0);
  const state: ChainState = { spins: randomSpins(lattice, rng), rng, moves: 0 };
  const sums = new CompiledCouplings(couplings, lattice);
  const out = new Float64Array(couplings.length);
  const counts = new Float64Array(exact.probabilities.length);
  const series = couplings.map(() => new Float64Array(samples));
  for (let i = 0; i < 1000; i++) step(state);
  for (let n = 0; n < samples; n++) {
    for (let i = 0; i < interval; i++) step(state);
    sums.evaluate(state.spins, out, 0);
    const cell = exact.cell.get(exact.key(out));
    if (cell === undefined) throw new Error(`sums ${Array.from(out)} are not those of any configuration`);
    counts[cell]++;
    for (let a = 0; a < out.length; a++) series[a][n] = out[a];
  }
  return { counts, series };
}

/** Per-direction ⟨S_a⟩ against the exact means, in correlated standard errors. */
function meanZ(series: Float64Array[], mean: Float64Array): number[] {
  return series.map((xs, a) => {
    const { value, error } = correlatedMeanError(xs);
    return (value - mean[a]) / error;
  });
}

const systems = [
  // 16 sites (65 536 states), K_x ≠ K_y: the square lattice's unrolled loops (degree 4).
  { name: '2D 4×4, K = (0.15, 0.55)', ...anisotropic([4, 4], [0.15, 0.55]), degree: 4 },
  // 18 sites, three different couplings: the simple cubic lattice's unrolled loops (degree 6).
  { name: '3D 3×3×2, K = (0.1, 0.3, 0.5)', ...anisotropic([3, 3, 2], [0.1, 0.3, 0.5]), degree: 6 },
];

const SAMPLES = 40_000;
const INTERVAL = 4;

describe.each(systems)('wolff on $name (unequal couplings per direction)', (system) => {
  const exact = exactSums(system.lattice, system.couplings, system.h);

  it('runs the unrolled kernel: one limit per direction and slot, all different across directions', () => {
    const { degree, threshold } = bondTable(system.lattice, system.h);
    expect(degree).toBe(system.degree);
    expect(new Set(threshold).size).toBe(system.couplings.length);
  });

  // 40 000 entries resolve the cells well. Measured over 8 seeds, a right kernel gives |z| < 2.5
  // (chi-square and every direction's mean); with the limits of any two slots of different
  // directions exchanged (the control below), chi-square z > 60 and some mean is > 20σ off.
  it.each([wolff, wolffWasm].map((sampler) => ({ sampler, id: sampler.id })))(
    '$id samples the exact joint distribution of the per-direction sums (chi-square and means within 4σ)',
    ({ sampler }: { sampler: Sampler }) => {
      const kernel = sampler.create(system.lattice, system.h);
      const { counts, series } = sampleSums(system, exact, (s) => kernel.step(s), SAMPLES, INTERVAL, 2025);
      const right = chiSquare(counts, exact.probabilities);
      expect(right.z, `chi2 = ${right.chi2.toFixed(1)} on ${right.dof} dof`).toBeLessThan(4);
      for (const [a, z] of meanZ(series, exact.mean).entries()) {
        expect(Math.abs(z), `⟨S⟩ along axis ${a}: ${z.toFixed(2)} standard errors off`).toBeLessThan(4);
      }
      // Power: the same histogram against the couplings of two directions exchanged must fail.
      const K = [...system.h.K];
      [K[0], K[K.length - 1]] = [K[K.length - 1], K[0]];
      const swapped = exactSums(system.lattice, system.couplings, hamiltonian(system.couplings, K));
      expect(chiSquare(counts, swapped.probabilities).z).toBeGreaterThan(4);
    },
  );

  // Negative control: the very bug these tests are for, made by handing the correct kernel a
  // limit table with the forward slots of two directions exchanged. It must be seen.
  it.each(
    system.degree === 4
      ? [{ slots: [0, 2] }, { slots: [1, 2] }]
      : [{ slots: [0, 2] }, { slots: [2, 4] }, { slots: [1, 4] }, { slots: [3, 5] }],
  )('a kernel testing slots $slots against each other’s limits fails the same checks', ({ slots }) => {
    const { degree, neighbours, threshold } = bondTable(system.lattice, system.h);
    const limit = biasedBondLimits(threshold);
    [limit[slots[0]], limit[slots[1]]] = [limit[slots[1]], limit[slots[0]]];
    const cluster = degree === 4 ? wolffCluster4 : wolffCluster6;
    const stack = new Int32Array(system.lattice.volume);
    const step: Step = (s) => {
      cluster(s.spins, neighbours, degree, limit, stack, s.rng.s);
    };
    const { counts, series } = sampleSums(system, exact, step, SAMPLES, INTERVAL, 2025);
    expect(chiSquare(counts, exact.probabilities).z).toBeGreaterThan(10);
    expect(Math.max(...meanZ(series, exact.mean).map(Math.abs))).toBeGreaterThan(10);
  });
});

/** Larger anisotropic systems near their critical couplings: clusters of many spins. */
const large = [
  // sinh 2K_x · sinh 2K_y = 1 at K_x = 0.3, K_y ≈ 0.617.
  { name: '2D 24×20, K = (0.3, 0.62)', ...anisotropic([24, 20], [0.3, 0.62]), unrolled: wolffCluster4 },
  {
    name: '3D 8×7×6, K = (0.12, 0.22, 0.36)',
    ...anisotropic([8, 7, 6], [0.12, 0.22, 0.36]),
    unrolled: wolffCluster6,
  },
];

describe.each(large)('wolff kernels on $name agree bit for bit', (system) => {
  const flips = 3000;

  it('the unrolled TypeScript kernel flips the same clusters as the general loop', () => {
    const { degree, neighbours, threshold } = bondTable(system.lattice, system.h);
    const limit = biasedBondLimits(threshold);
    const rng = Rng.stream(8, 0);
    const a = randomSpins(system.lattice, rng);
    const b = a.slice();
    const rngA = rng.s.slice();
    const rngB = rng.s.slice();
    const stack = new Int32Array(system.lattice.volume);
    let total = 0;
    for (let i = 0; i < flips; i++) {
      const added = wolffCluster(a, neighbours, degree, limit, stack, rngA);
      expect(system.unrolled(b, neighbours, degree, limit, stack, rngB), `flip ${i}`).toBe(added);
      total += added;
      if (a.some((s, x) => s !== b[x]) || rngA.some((w, k) => w !== rngB[k]))
        expect.fail(`state differs after flip ${i}`);
    }
    expect(total / flips).toBeGreaterThan(20);
  });

  it('wolff-wasm flips the same clusters as wolff and leaves the same RNG state', () => {
    const ts = wolff.create(system.lattice, system.h);
    const wasm = wolffWasm.create(system.lattice, system.h);
    const rng = Rng.stream(9, 0);
    const a: ChainState = { spins: randomSpins(system.lattice, rng), rng, moves: 0 };
    const b: ChainState = { spins: a.spins.slice(), rng: rng.clone(), moves: 0 };
    let total = 0;
    for (let i = 0; i < flips; i++) {
      const added = ts.step(a);
      expect(wasm.step(b), `flip ${i}`).toBe(added);
      total += added;
      if (a.spins.some((s, x) => s !== b.spins[x])) expect.fail(`spins differ after flip ${i}`);
      if (a.rng.s.some((w, k) => w !== b.rng.s[k])) expect.fail(`RNG differs after flip ${i}`);
    }
    expect(total / flips).toBeGreaterThan(20);
  });
});
