import { Lattice, Rng } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { inputsHash, recordedHash, WASM_MODULES } from '../scripts/build-wasm.mjs';
import { createPottsWolffKernel, createPottsWolffWasmKernel } from '../src/potts/index.js';
import { POTTS_WASM_SOURCE_HASH } from '../src/potts/wasm/potts-wolff-module.generated.js';

/** Every kernel path: degree 4 and 6 unrolled, 2 and 8 general, 0 (K = 0) the seed alone. */
const systems = [
  { name: '2D 32² q = 3 at K_c', sizes: [32, 32], q: 3, K: Math.log(1 + Math.sqrt(3)), minMean: 20 },
  { name: '2D 16² q = 2 at K_c', sizes: [16, 16], q: 2, K: Math.log(1 + Math.SQRT2), minMean: 20 },
  {
    name: '2D 12² q = 200 at K = 3 from all 150 (states ≥ 128)',
    sizes: [12, 12],
    q: 200,
    K: 3,
    minMean: 5,
    start: 150,
  },
  { name: '3D 8³ q = 3 at K = 0.55', sizes: [8, 8, 8], q: 3, K: 0.55, minMean: 10 },
  { name: '1D 64 q = 4 at K = 3', sizes: [64], q: 4, K: 3, minMean: 5 },
  { name: '4D 4⁴ q = 3 at K = 0.4', sizes: [4, 4, 4, 4], q: 3, K: 0.4, minMean: 5 },
  { name: '2D 8² q = 5 at K = 0', sizes: [8, 8], q: 5, K: 0, minMean: 1 },
];

describe('potts wolff-wasm', () => {
  it.each(systems)(
    '$name: the same chain as the TypeScript kernel, step for step',
    ({ sizes, q, K, minMean, start }) => {
      const lattice = new Lattice(sizes);
      const ts = createPottsWolffKernel(lattice, q, K);
      const wasm = createPottsWolffWasmKernel(lattice, q, K);
      const init = Rng.stream(9, 1);
      const spins = Int8Array.from({ length: lattice.volume }, () =>
        start === undefined ? init.nextInt(q) : start,
      );
      const a = { spins: spins.slice(), rng: Rng.stream(9, 0), moves: 0 };
      const b = { spins: spins.slice(), rng: Rng.stream(9, 0), moves: 0 };
      const steps = 2000;
      let total = 0;
      for (let i = 0; i < steps; i++) {
        const added = ts.step(a);
        if (wasm.step(b) !== added) expect.fail(`cluster sizes differ at step ${i}`);
        total += added;
        if (a.spins.some((s, x) => s !== b.spins[x]) || a.rng.s.some((w, k) => w !== b.rng.s[k]))
          expect.fail(`state differs after step ${i}`);
      }
      expect(b.moves).toBe(steps);
      expect(total / steps).toBeGreaterThanOrEqual(minMean);
    },
  );

  it('is compiled from the committed source (recorded hash = hash of asm/potts-wolff.ts, compiler, flags)', () => {
    const module = WASM_MODULES.find((m: { name: string }) => m.name === 'potts');
    expect(recordedHash(module)).toBe(POTTS_WASM_SOURCE_HASH);
    expect(POTTS_WASM_SOURCE_HASH, 'run `pnpm --filter @rsrg/samplers build:wasm`').toBe(inputsHash(module));
  });
});
