import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Lattice, Rng } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { inputsHash, recordedHash, WASM_MODULES } from '../scripts/build-wasm.mjs';
import {
  type RbmFilter,
  type RbmKernelId,
  rbm,
  rbmFilter,
  rbmKernel,
  rbmKernels,
  rbmProjector,
  type TrainOptions,
  trainRbm,
} from '../src/rbm/index.js';
import { RbmLayout } from '../src/rbm/layout.js';
import { RBM_WASM_SOURCE_HASH } from '../src/wasm/rbm-module.generated.js';
import { WindowTable } from '../src/window/index.js';

// Geometries of the conformance suite: the paper's (w = 8, b = 2: unrolled paths of the wasm
// kernel), packed lines (w = 4), several segments per line (w = 10), w < b, 3D, 1D.
const cases = [
  { sizes: [16, 16], w: 8, b: 2 },
  { sizes: [8, 8], w: 4, b: 2 },
  { sizes: [12, 6], w: 10, b: 2 },
  { sizes: [9, 6], w: 3, b: 3 },
  { sizes: [6, 6], w: 1, b: 2 },
  { sizes: [4, 4, 6], w: 3, b: 2 },
  { sizes: [8, 8, 8], w: 4, b: 2 },
  { sizes: [16], w: 20, b: 2 },
];

type Case = (typeof cases)[number];

const label = ({ sizes, w, b }: Case) => `${sizes.join('×')}, w = ${w}, b = ${b}`;

/** A filter of weights (u − ½)·2·scale and `n` random configurations. */
function setup({ sizes, w, b }: Case, seed: number, scale = 0.5, n = 4) {
  const lattice = new Lattice(sizes);
  const rng = Rng.stream(seed, 0);
  const filter = rbmFilter({ dimension: sizes.length, width: w, blockSize: b });
  for (let k = 0; k < filter.weights.length; k++) filter.weights[k] = (2 * rng.nextFloat() - 1) * scale;
  const configs = new Int8Array(n * lattice.volume);
  for (let i = 0; i < configs.length; i++) configs[i] = rng.nextSign();
  return { lattice, filter, configs, layout: new RbmLayout(lattice, filter) };
}

/** h_J = Σ_k W_k σ_{bX_J + k} by direct window sums. */
function directFields(lattice: Lattice, filter: RbmFilter, sigma: Int8Array): Float64Array {
  const wd = filter.weights.length;
  const window = lattice.window(filter.blockSize, filter.width);
  const h = new Float64Array(window.length / wd);
  for (let J = 0; J < h.length; J++) {
    for (let k = 0; k < wd; k++) h[J] += filter.weights[k] * sigma[window[J * wd + k]];
  }
  return h;
}

/** G_k(σ) = Σ_J σ_{bX_J+k} tanh h_J, directly. */
function directG(lattice: Lattice, filter: RbmFilter, sigma: Int8Array): Float64Array {
  const wd = filter.weights.length;
  const window = lattice.window(filter.blockSize, filter.width);
  const h = directFields(lattice, filter, sigma);
  const G = new Float64Array(wd);
  for (let J = 0; J < h.length; J++) {
    for (let k = 0; k < wd; k++) G[k] += sigma[window[J * wd + k]] * Math.tanh(h[J]);
  }
  return G;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(tol);
}

const bits = (a: Float64Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, 2 * a.length));

// One suite, every implementation: registering a kernel in `rbmKernels` enrols it.
describe.each(Object.keys(rbmKernels) as RbmKernelId[])('RBM kernel %s', (id) => {
  const kernel = rbmKernels[id];

  it('is what rbmKernel returns for its id; unknown ids are refused', () => {
    expect(kernel.id).toBe(id);
    expect(rbmKernel(id)).toBe(kernel);
    expect(() => rbmKernel('gpu')).toThrow(/unknown RBM kernel 'gpu'/);
  });

  for (const c of cases) {
    it(`hidden fields equal direct window sums; projections draw μ = +1 iff u·(1 + e) < 1 (${label(c)})`, () => {
      const { lattice, filter, configs } = setup(c, 3);
      const sigma = configs.subarray(0, lattice.volume);
      const units = kernel.hiddenUnits(new RbmLayout(lattice, filter), filter.weights);
      units.fields(sigma);
      const h = directFields(lattice, filter, sigma);
      expectClose(units.h, h, 1e-12);
      for (let J = 0; J < h.length; J++) {
        expect(Math.abs(units.e[J] / Math.exp(-2 * h[J]) - 1)).toBeLessThan(1e-12);
      }
      const e = Float64Array.from(units.e);
      const rng = Rng.stream(3, 1);
      const expected = rng.clone();
      const mu = new Int8Array(h.length);
      units.project(sigma, mu, rng);
      for (let J = 0; J < h.length; J++) {
        expect(mu[J], `unit ${J}`).toBe(expected.nextU32() * 2 ** -32 * (1 + e[J]) < 1 ? 1 : -1);
      }
      expect(Array.from(rng.s)).toEqual(Array.from(expected.s));
    });

    it(`PCD: the resolved gradient is G(data) − G(new chain state), draws as documented (${label(c)})`, () => {
      const { lattice, filter, configs, layout } = setup(c, 5);
      const V = lattice.volume;
      for (const k of [1, 3]) {
        const cd = kernel.contrastiveDivergence(layout, k);
        cd.setWeights(filter.weights);
        const chain = configs.slice(V, 2 * V);
        const rng = Rng.stream(5, 1);
        const start = rng.clone();
        const buckets = new Float64Array(cd.bucketSize);
        const differ = cd.accumulate(configs, 0, chain, rng, buckets);
        let d = 0;
        for (let i = 0; i < V; i++) {
          expect(Math.abs(chain[i])).toBe(1);
          d += chain[i] !== configs[i] ? 1 : 0;
        }
        expect(differ).toBe(d);
        const grad = new Float64Array(filter.weights.length);
        cd.resolve(buckets, grad);
        const plus = directG(lattice, filter, configs.subarray(0, V));
        const minus = directG(lattice, filter, chain);
        expectClose(
          grad,
          plus.map((x, i) => x - minus[i]),
          1e-9,
        );
        // Hidden units, then per step the visible and (but for the last) the hidden units.
        const draws = layout.hidden + k * layout.visible + (k - 1) * layout.hidden;
        for (let i = 0; i < draws; i++) start.nextU32();
        expect(Array.from(rng.s)).toEqual(Array.from(start.s));
      }
    });
  }

  it('adds to the buckets it is given, and refuses zero Gibbs steps', () => {
    const { lattice, configs, filter, layout } = setup(cases[0], 7);
    const cd = kernel.contrastiveDivergence(layout, 2);
    cd.setWeights(filter.weights);
    const fresh = new Float64Array(cd.bucketSize);
    cd.accumulate(configs, 0, undefined, Rng.stream(7, 1), fresh);
    const offset = new Float64Array(cd.bucketSize).fill(0.25);
    cd.accumulate(configs, 0, undefined, Rng.stream(7, 1), offset);
    expectClose(
      offset,
      fresh.map((x) => x + 0.25),
      1e-12,
    );
    expect(lattice.volume).toBe(layout.visible);
    expect(() => kernel.contrastiveDivergence(layout, 0)).toThrow(RangeError);
  });
});

/** Runs `steps` CD-k (or PCD) updates with a kernel: buckets, samples, RNG state. */
function chainRun(id: RbmKernelId, c: Case, cdSteps: number, persistent: boolean, scale: number, steps = 6) {
  const { lattice, filter, configs, layout } = setup(c, 11, scale, 3);
  const V = lattice.volume;
  const cd = rbmKernels[id].contrastiveDivergence(layout, cdSteps);
  cd.setWeights(filter.weights);
  const chain = persistent ? configs.slice(0, V) : undefined;
  const rng = Rng.stream(11, 1);
  const buckets = new Float64Array(cd.bucketSize);
  const differ: number[] = [];
  const chains: number[][] = [];
  for (let s = 0; s < steps; s++) {
    differ.push(cd.accumulate(configs, (s % 3) * V, chain, rng, buckets));
    if (chain) chains.push(Array.from(chain));
    // A filter update between steps, as in training.
    if (s === 2) cd.setWeights(filter.weights.map((w, k) => w * (1 + 0.01 * (k % 3))));
  }
  const grad = new Float64Array(filter.weights.length);
  cd.resolve(buckets, grad);
  return { differ, chains, buckets: bits(buckets), grad: bits(grad), rng: Array.from(rng.s) };
}

describe('the wasm kernel is bit-identical to the js kernel', () => {
  const geometries: [string, Case][] = [
    ['2D w = 8, b = 2', { sizes: [16, 16], w: 8, b: 2 }],
    ['2D w = 4, b = 2', { sizes: [12, 12], w: 4, b: 2 }],
    ['3D w = 4, b = 2 on 8³', { sizes: [8, 8, 8], w: 4, b: 2 }],
  ];
  for (const [name, c] of geometries) {
    for (const persistent of [false, true]) {
      it(`${name}, ${persistent ? 'PCD' : 'CD'}-3: buckets, gradient, negative samples, RNG state`, () => {
        expect(chainRun('wasm', c, 3, persistent, 0.5)).toEqual(chainRun('js', c, 3, persistent, 0.5));
      });
    }
  }

  it('with a filter too large for products of E (Σ|w| > 300: exp per unit), CD-2 and PCD-2', () => {
    const c = { sizes: [16, 16], w: 8, b: 2 };
    const { filter, layout } = setup(c, 11, 10, 1);
    const table = new WindowTable(layout.hiddenWeightIndex, layout.fineReader.offsets.length);
    table.update(filter.weights);
    expect(table.products).toBe(false);
    for (const persistent of [false, true]) {
      expect(chainRun('wasm', c, 2, persistent, 10)).toEqual(chainRun('js', c, 2, persistent, 10));
    }
    // Fields, projections and log Y too.
    const lattice = new Lattice(c.sizes);
    const sigma = new Int8Array(lattice.volume).map((_, i) => (i % 3 ? 1 : -1));
    const [wasm, js] = (['wasm', 'js'] as const).map((kernel) => rbmProjector(filter, { kernel }));
    expect(bits(wasm.fields(lattice, sigma))).toEqual(bits(js.fields(lattice, sigma)));
    expect(wasm.logY(lattice, sigma)).toBe(js.logY(lattice, sigma));
    const mu = (p: typeof wasm) => {
      const out = new Int8Array(lattice.volume / 4);
      const rng = Rng.stream(2, 9);
      p.create(lattice).apply(sigma, out, rng);
      return [Array.from(out), Array.from(rng.s)];
    };
    expect(mu(wasm)).toEqual(mu(js));
  });

  it('projector: the same μ, RNG state, fields, probability and log Y (2D w = 8 and 3D w = 4)', () => {
    for (const c of [cases[0], cases[6]]) {
      const { lattice, filter, configs } = setup(c, 13, 0.5, 8);
      const V = lattice.volume;
      const run = (kernel: RbmKernelId) => {
        const p = rbmProjector(filter, { kernel });
        const k = p.create(lattice);
        const rng = Rng.stream(13, 2);
        const mu = new Int8Array(k.coarse.volume);
        const out: unknown[] = [];
        for (let i = 0; i < 8; i++) {
          const sigma = configs.subarray(i * V, (i + 1) * V);
          k.apply(sigma, mu, rng);
          out.push(Array.from(mu), bits(p.fields(lattice, sigma)), p.logY(lattice, sigma));
          out.push(p.probability(lattice, sigma, mu));
        }
        return [out, Array.from(rng.s)];
      };
      expect(run('wasm')).toEqual(run('js'));
    }
  });

  const training: [string, Lattice, TrainOptions][] = [
    ['2D w = 8, CD-3', Lattice.cubic(2, 16), { seed: 3, epochs: 2, batchSize: 4, configurations: 12 }],
    [
      '2D w = 8, PCD-2, symmetrized',
      Lattice.cubic(2, 16),
      {
        seed: 4,
        epochs: 2,
        batchSize: 4,
        cdSteps: 2,
        persistent: true,
        symmetrize: true,
        configurations: 12,
      },
    ],
    [
      '2D w = 4, CD-1, symmetrized',
      Lattice.cubic(2, 8),
      { seed: 5, width: 4, epochs: 3, cdSteps: 1, symmetrize: true },
    ],
    [
      '3D w = 4 on 8³, PCD-3',
      Lattice.cubic(3, 8),
      { seed: 6, width: 4, epochs: 2, batchSize: 3, persistent: true },
    ],
  ];
  for (const [name, lattice, options] of training) {
    it(`trainRbm gives the same filter bits and history (${name})`, () => {
      const rng = Rng.stream(21, 0);
      const configs = new Int8Array(12 * lattice.volume).map(() => rng.nextSign());
      const run = (kernel: RbmKernelId) => {
        const r = trainRbm({ lattice, configs }, { evaluationSize: 4, ...options, kernel });
        return {
          weights: bits(r.filter.weights),
          history: r.history.map(({ seconds: _, ...h }) => h),
          snapshots: r.snapshots.map((s) => bits(s.filter.weights)),
        };
      };
      expect(run('wasm')).toEqual(run('js'));
    });
  }

  it("the projector registry entry takes option 'kernel' and refuses an unknown one", () => {
    expect(() => rbm.create({ weights: 'none.rsrg', kernel: 'gpu' })).toThrow(
      /kernel must be one of wasm, js/,
    );
    expect(() =>
      trainRbm(
        { lattice: Lattice.cubic(2, 8), configs: new Int8Array(64).fill(1) },
        {
          seed: 1,
          width: 4,
          kernel: 'gpu' as RbmKernelId,
        },
      ),
    ).toThrow(/unknown RBM kernel 'gpu'/);
  });
});

describe('the compiled kernel (asm/rbm.ts)', () => {
  it('is built from the current AssemblyScript source (recorded hash)', () => {
    const [module] = WASM_MODULES;
    expect(recordedHash(module)).toBe(RBM_WASM_SOURCE_HASH);
    expect(RBM_WASM_SOURCE_HASH, 'run `pnpm --filter @rsrg/projectors build:wasm`').toBe(inputsHash(module));
  });

  it('holds exactly the bytes the compiler makes from that source (asc, about 5 s)', () => {
    const script = fileURLToPath(new URL('../scripts/build-wasm.mjs', import.meta.url));
    const run = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
  });
});
