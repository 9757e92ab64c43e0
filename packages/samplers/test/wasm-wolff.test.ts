import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type ChainState,
  type Hamiltonian,
  hamiltonian,
  instantiateWasm,
  Lattice,
  Rng,
  randomSpins,
} from '@rsrg/core';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { inputsHash, recordedHash, WASM_MODULES } from '../scripts/build-wasm.mjs';
import { biasedBondLimits, bondLimits, bondTable } from '../src/bond-table.js';
import { wolff, wolffWasm } from '../src/index.js';
import { U32_RANGE } from '../src/uint32-threshold.js';
import { WOLFF_WASM_SOURCE_HASH } from '../src/wasm/wolff-module.generated.js';
import { nn1, nn2, nn3, nnn2 } from './cases.js';

const start = (lattice: Lattice, seed: number): ChainState => {
  const rng = Rng.stream(seed, 0);
  return { spins: randomSpins(lattice, rng), rng, moves: 0 };
};

const copy = (s: ChainState): ChainState => ({ spins: s.spins.slice(), rng: s.rng.clone(), moves: s.moves });

/** Index of the first site where the spins differ, or −1. */
function firstDifference(a: Int8Array, b: Int8Array): number {
  for (let x = 0; x < a.length; x++) if (a[x] !== b[x]) return x;
  return -1;
}

/**
 * Systems for every kernel path: degree 4 and 6 run the unrolled loops, degree 2 and 8 the
 * general one. `minMean` keeps the comparison honest: clusters of more than one spin.
 */
const systems: { name: string; lattice: Lattice; h: Hamiltonian; flips: number; minMean: number }[] = [
  {
    name: '2D L = 32 at K_c',
    lattice: new Lattice([32, 32]),
    h: hamiltonian([nn2], [0.44068679350977147]),
    flips: 4000,
    minMean: 20,
  },
  {
    name: '3D 8³ at K_c',
    lattice: new Lattice([8, 8, 8]),
    h: hamiltonian([nn3], [0.2216544]),
    flips: 4000,
    minMean: 20,
  },
  {
    name: 'ring of 100 at K = 1',
    lattice: new Lattice([100]),
    h: hamiltonian([nn1], [1]),
    flips: 4000,
    minMean: 3,
  },
  {
    name: '2D 16×16 nn + nnn',
    lattice: new Lattice([16, 16]),
    h: hamiltonian([nn2, nnn2], [0.25, 0.1]),
    flips: 4000,
    minMean: 20,
  },
  // Extreme bond limits: K = 40 opens every bond (threshold 2^32), K = 1e-12 only on r = 0.
  {
    name: '2D 8×12 nn K = 40',
    lattice: new Lattice([8, 12]),
    h: hamiltonian([nn2], [40]),
    flips: 300,
    minMean: 30,
  },
  {
    name: '2D 8×12 nn K = 40 + nnn K = 1e-12',
    lattice: new Lattice([8, 12]),
    h: hamiltonian([nn2, nnn2], [40, 1e-12]),
    flips: 300,
    minMean: 30,
  },
];

describe('wolff-wasm', () => {
  it('flips the same clusters as wolff and leaves the same RNG state, step by step', () => {
    // All WebAssembly kernels live at once, and steps alternate between them: instances must not share memory.
    const runs = systems.map((s) => ({
      ...s,
      ts: wolff.create(s.lattice, s.h),
      wasm: wolffWasm.create(s.lattice, s.h),
      a: start(s.lattice, 17),
      b: start(s.lattice, 17),
      total: 0,
    }));
    const longest = Math.max(...runs.map((r) => r.flips));
    for (let i = 0; i < longest; i++) {
      for (const r of runs) {
        if (i >= r.flips) continue;
        const added = r.ts.step(r.a);
        expect(r.wasm.step(r.b), `${r.name}, flip ${i}`).toBe(added);
        r.total += added;
        const x = firstDifference(r.a.spins, r.b.spins);
        if (x >= 0) expect.fail(`${r.name}: spin ${x} differs after flip ${i}`);
        if (r.a.rng.s.some((w, k) => w !== r.b.rng.s[k]))
          expect.fail(`${r.name}: RNG differs after flip ${i}`);
      }
    }
    for (const r of runs) {
      expect(r.b.moves).toBe(r.flips);
      expect(r.total / r.flips, r.name).toBeGreaterThan(r.minMean);
    }
  });

  it('takes the spins and RNG state from the chain state at every step', () => {
    const lattice = new Lattice([16, 16]);
    const h = hamiltonian([nn2], [0.42]);
    const ts = wolff.create(lattice, h);
    const wasm = wolffWasm.create(lattice, h);
    const a = start(lattice, 9);
    let b = copy(a);
    for (let i = 0; i < 300; i++) {
      // Spins edited in place, and a new state object now and then: nothing may be cached.
      if (i % 3 === 0) {
        a.spins.fill(1, 0, 40);
        b.spins.fill(1, 0, 40);
      }
      if (i % 5 === 0) b = copy(b);
      const added = ts.step(a);
      expect(wasm.step(b)).toBe(added);
      expect(firstDifference(a.spins, b.spins)).toBe(-1);
      expect(Array.from(b.rng.s)).toEqual(Array.from(a.rng.s));
    }
  });

  it('turns every bond threshold into the uint32 limit with r < threshold ⇔ r ≤ limit', () => {
    const thresholds = [
      1e-300,
      0.25,
      1,
      1.5,
      2,
      12345.678,
      -Math.expm1(-2 * 0.44068679350977147) * U32_RANGE,
      U32_RANGE - 1,
      U32_RANGE - 0.5,
      U32_RANGE,
    ];
    const rng = Rng.stream(5, 0);
    for (let i = 0; i < 1000; i++) thresholds.push(rng.nextFloat() * U32_RANGE);
    const limits = bondLimits(Float64Array.from(thresholds));
    const biased = biasedBondLimits(Float64Array.from(thresholds));
    thresholds.forEach((t, j) => {
      for (const r of [0, 1, limits[j] - 1, limits[j], limits[j] + 1, U32_RANGE - 1]) {
        if (r < 0 || r >= U32_RANGE) continue;
        expect(r <= limits[j], `r = ${r}, threshold = ${t}`).toBe(r < t);
        // The TypeScript kernel's form: the same comparison on int32 with the sign bit flipped.
        expect((r ^ 0x80000000) <= biased[j], `biased: r = ${r}, threshold = ${t}`).toBe(r < t);
      }
    });
    expect(() => bondLimits(Float64Array.of(0))).toThrow(RangeError);
  });

  it.each([
    { lattice: new Lattice([3]), couplings: [nn1] },
    { lattice: new Lattice([3, 3]), couplings: [nn2] },
    { lattice: new Lattice([3, 3, 3]), couplings: [nn3] },
    { lattice: new Lattice([3, 3]), couplings: [nn2, nnn2] },
  ])(
    'opens every bond exactly when wolff does for a draw at its threshold ($lattice.label, degree $couplings.length)',
    ({ lattice, couplings }) => {
      // From all spins up, the k-th draw after the seed site's decides the seed's bond k − 1 (its
      // neighbours are distinct and all up). K puts every threshold half a unit above or below
      // that draw r, where r < threshold and r ≤ limit must still agree.
      const { degree, neighbours } = bondTable(
        lattice,
        hamiltonian(
          couplings,
          couplings.map(() => 1),
        ),
      );
      for (let seed = 0; seed < 6; seed++) {
        const probe = Rng.stream(seed, 0);
        const site = probe.nextInt(lattice.volume);
        for (let bond = 0; bond < degree; bond++) {
          const r = probe.nextU32();
          for (const offset of [-0.5, 0.5]) {
            const K = -Math.log1p(-(r + offset) / U32_RANGE) / 2;
            const t = -Math.expm1(-2 * K) * U32_RANGE;
            expect(Math.abs(t - (r + offset))).toBeLessThan(0.25);
            const h = hamiltonian(
              couplings,
              couplings.map(() => K),
            );
            const a: ChainState = {
              spins: new Int8Array(lattice.volume).fill(1),
              rng: Rng.stream(seed, 0),
              moves: 0,
            };
            const b = copy(a);
            const size = wolff.create(lattice, h).step(a);
            expect(wolffWasm.create(lattice, h).step(b), `bond ${bond}, r = ${r}, threshold = ${t}`).toBe(
              size,
            );
            expect(firstDifference(a.spins, b.spins)).toBe(-1);
            expect(Array.from(b.rng.s)).toEqual(Array.from(a.rng.s));
            if (offset > 0) expect(a.spins[neighbours[site * degree + bond]]).toBe(-1); // the bond opened
          }
        }
      }
    },
  );

  it('refuses a memory beyond 4 GiB with a RangeError before allocating it', () => {
    expect(() => instantiateWasm({}, 2 ** 32 + 1)).toThrow(/4 GiB/);
  });

  it('is built from the current AssemblyScript source (recorded hash)', () => {
    const [module] = WASM_MODULES;
    expect(recordedHash(module)).toBe(WOLFF_WASM_SOURCE_HASH);
    expect(WOLFF_WASM_SOURCE_HASH, 'run `pnpm --filter @rsrg/samplers build:wasm`').toBe(inputsHash(module));
  });

  it('holds exactly the bytes the compiler makes from that source (asc, about 5 s)', () => {
    const script = fileURLToPath(new URL('../scripts/build-wasm.mjs', import.meta.url));
    const run = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
  });
});
