import { UnsupportedError, UsageError } from '../errors/index.js';
import { Lattice } from '../lattice.js';
import type { Projector, ProjectorFactory, ProjectorKernel, ProjectorOptions } from '../projector.js';
import { Rng } from '../rng.js';
import {
  indexFromSpins,
  indexFromStates,
  randomConfiguration,
  randomSpins,
  type SpinEncoding,
  type Spins,
  spinsFromIndex,
  statesFromIndex,
} from '../spins.js';
import { chiSquare } from '../stats.js';

/**
 * The projector contract as a list of checks, independent of any test framework: an adapter
 * turns each into a test (`it(check.name, check.run)` in vitest).
 */

/** A projector broke its contract; the message says which part, on which lattice and σ. */
export class ConformanceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceError';
  }
}

/** One part of the projector contract, as a named asynchronous check: one test case. */
export interface ConformanceCheck {
  /** What the check asserts, e.g. 'is deterministic given the rng state'; the test's title. */
  readonly name: string;
  /**
   * Resolves to undefined when the projector passes, or to the reason the check does not apply
   * (e.g. no `probability`); rejects with a ConformanceError when the projector violates it.
   */
  run(): Promise<string | undefined>;
}

/** How `projectorConformance` checks a projector: its options, expected id, dimensions and tolerance. */
export interface ProjectorConformanceOptions {
  /** Options passed to `factory.create` when a factory is checked (default `{}`). */
  readonly projectorOptions?: ProjectorOptions;
  /** The id the projector must report: default the factory's id; unchecked for a bare projector. */
  readonly id?: string;
  /** Dimensions of the test lattices (default 1, 2 and 3). */
  readonly dimensions?: readonly number[];
  /** Require P(−μ|−σ) = P(μ|σ) bit for bit instead of to within 5·10⁻¹⁵. */
  readonly exactSymmetry?: boolean;
  /**
   * The spins blocked: absent, Ising ±1 (symmetry: the global flip); a q-state encoding checks
   * states 0…q−1 instead, the symmetry being the cyclic shift σ → σ + 1 mod q.
   */
  readonly spins?: SpinEncoding;
}

/** Draws per histogram: ≥ 78 expected counts in each of the 2^8 equally likely μ of a 2×2×2 coarse lattice. */
export const CONFORMANCE_SAMPLES = 20_000;

/** Chi-square z above which a histogram is rejected (probability ~3·10⁻⁵ per test when correct). */
const Z_MAX = 4;

function fail(message: string): never {
  throw new ConformanceError(message);
}

function check(condition: boolean, message: () => string): void {
  if (!condition) fail(message());
}

function equalArrays(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const show = (a: ArrayLike<number>): string => `[${Array.from(a).join(', ')}]`;

/**
 * Test lattices for block size b in d dimensions: `rectangular` has coarse sides 2, 3, 5
 * (distinct, so a swapped axis shows); `enumerable` has side 2b, so its 2^d coarse sites allow
 * every μ to be enumerated (4×4 → 2×2 for b = 2).
 */
export function projectorTestLattices(
  d: number,
  b: number,
): {
  /** Coarse sides 2, 3, 5 (the first d): a projector that mixes up axes fails on it. */
  rectangular: Lattice;
  /** Side 2b, so 2^d coarse sites: small enough to enumerate every μ. */
  enumerable: Lattice;
} {
  return {
    rectangular: new Lattice([2, 3, 5].slice(0, d).map((n) => n * b)),
    enumerable: Lattice.cubic(d, 2 * b),
  };
}

/**
 * Test configurations: three random ones, all up, stripes along the first axis, and "split
 * blocks" whose first half (in window order) is up, which ties every block of even size b^d.
 */
export function projectorTestConfigurations(
  lattice: Lattice,
  b: number,
  seed: number,
  spins?: SpinEncoding,
): Spins[] {
  const rng = Rng.stream(seed, 0);
  if (spins?.kind === 'state') {
    // The same shapes in states: uniform random, all 0, stripes of 0 and q − 1, and blocks split
    // between states 0 and 1 (ties); with q ≥ 4 also blocks cycling through every state.
    const q = spins.states;
    const blocks = lattice.window(b, b);
    const v = b ** lattice.dimension;
    const split = new Int8Array(lattice.volume);
    const cycle = new Int8Array(lattice.volume);
    for (let k = 0; k < blocks.length; k++) {
      split[blocks[k]] = k % v < v / 2 ? 0 : 1;
      cycle[blocks[k]] = (k % v) % q;
    }
    return [
      randomConfiguration(lattice, rng, spins),
      randomConfiguration(lattice, rng, spins),
      randomConfiguration(lattice, rng, spins),
      new Int8Array(lattice.volume),
      new Int8Array(lattice.volume).map((_, x) => (lattice.coords(x)[0] % 2 ? q - 1 : 0)),
      split,
      cycle,
    ];
  }
  const stripes = new Int8Array(lattice.volume).map((_, x) => (lattice.coords(x)[0] % 2 ? -1 : 1));
  const blocks = lattice.window(b, b);
  const v = b ** lattice.dimension;
  const split = new Int8Array(lattice.volume);
  for (let k = 0; k < blocks.length; k++) split[blocks[k]] = k % v < v / 2 ? 1 : -1;
  return [
    randomSpins(lattice, rng),
    randomSpins(lattice, rng),
    randomSpins(lattice, rng),
    new Int8Array(lattice.volume).fill(1),
    stripes,
    split,
  ];
}

/**
 * P(μ|σ) for every μ of the coarse lattice, indexed as `spinsFromIndex` (Ising) or
 * `statesFromIndex` (q-state `spins`).
 */
export function coarseProbabilities(
  projector: Projector,
  fine: Lattice,
  sigma: Spins,
  spins?: SpinEncoding,
): Float64Array {
  if (!projector.probability) throw new ConformanceError(`projector '${projector.id}' has no probability()`);
  const n = fine.coarsen(projector.blockSize).volume;
  const q = spins?.kind === 'state' ? spins.states : 2;
  const p = new Float64Array(q ** n);
  const mu = new Int8Array(n);
  for (let m = 0; m < p.length; m++) {
    const coarse = spins?.kind === 'state' ? statesFromIndex(m, n, q, mu) : spinsFromIndex(m, n, mu);
    p[m] =
      spins?.kind === 'state'
        ? projector.probability(fine, sigma, coarse, spins)
        : projector.probability(fine, sigma, coarse);
  }
  return p;
}

/**
 * Histogram of the index of μ ~ apply(σ) over `n` draws from one stream; `flip` counts the
 * image of μ under the inverse symmetry (−μ, or μ − 1 mod q for q-state `spins`).
 */
export function coarseHistogram(
  kernel: ProjectorKernel,
  sigma: Spins,
  n: number,
  rng: Rng,
  flip = false,
  spins?: SpinEncoding,
): Float64Array {
  const mu = new Int8Array(kernel.coarse.volume);
  const q = spins?.kind === 'state' ? spins.states : 2;
  const counts = new Float64Array(q ** kernel.coarse.volume);
  for (let i = 0; i < n; i++) {
    kernel.apply(sigma, mu, rng);
    if (spins?.kind === 'state') {
      const m = flip ? shiftStates(mu, q - 1, q) : mu;
      counts[indexFromStates(m, q)]++;
    } else {
      if (flip) for (let j = 0; j < mu.length; j++) mu[j] = -mu[j];
      counts[indexFromSpins(mu)]++;
    }
  }
  return counts;
}

const negate = (s: Spins): Spins => s.map((x) => -x);

/** σ + by mod q, state by state (a cyclic permutation of the q states). */
function shiftStates(s: Spins, by: number, q: number): Spins {
  const out = new Int8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = ((s[i] & 0xff) + by) % q;
  return out;
}

/**
 * Whether two histograms of equal size come from one distribution: two-sample chi-square
 * Σ (a−b)²/(a+b), cells with a+b < 10 pooled. With a single occupied cell (a deterministic
 * rule) the histograms must be equal.
 */
function sameDistribution(a: Float64Array, b: Float64Array, where: string): void {
  let chi2 = 0;
  let cells = 0;
  let poolA = 0;
  let poolB = 0;
  for (let i = 0; i < a.length; i++) {
    const t = a[i] + b[i];
    if (t === 0) continue;
    if (t < 10) {
      poolA += a[i];
      poolB += b[i];
      continue;
    }
    chi2 += (a[i] - b[i]) ** 2 / t;
    cells++;
  }
  if (poolA + poolB > 0) {
    chi2 += (poolA - poolB) ** 2 / (poolA + poolB);
    cells++;
  }
  const dof = cells - 1;
  if (dof === 0) {
    check(equalArrays(a, b), () => `${where}: deterministic μ differs between σ and −σ (flipped)`);
    return;
  }
  const z = ((chi2 / dof) ** (1 / 3) - (1 - 2 / (9 * dof))) / Math.sqrt(2 / (9 * dof));
  check(
    z < Z_MAX,
    () =>
      `${where}: μ|σ and −μ|−σ differ: two-sample chi2 = ${chi2.toFixed(1)} on ${dof} dof, z = ${z.toFixed(2)}`,
  );
}

/** Empirical counts against exact probabilities: none outside the support, chi-square z < 4 inside. */
function matchesFrequencies(counts: Float64Array, p: Float64Array, where: string): void {
  let support = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0)
      check(counts[i] === 0, () => `${where}: μ #${i} has P = 0 but was drawn ${counts[i]} times`);
    else support++;
  }
  if (support === 1) return;
  const { chi2, dof, z } = chiSquare(counts, p);
  check(
    z < Z_MAX,
    () =>
      `${where}: apply() disagrees with probability(): chi2 = ${chi2.toFixed(1)} on ${dof} dof, z = ${z.toFixed(2)}`,
  );
}

/** Throws unless `f` throws an instance of `type`. */
function throwsA(f: () => unknown, type: typeof UsageError, what: string): void {
  try {
    f();
  } catch (err) {
    check(err instanceof type, () => `${what} threw ${String(err)}, expected a ${type.name}`);
    return;
  }
  fail(`${what} did not throw, expected a ${type.name}`);
}

const isFactory = (s: Projector | ProjectorFactory): s is ProjectorFactory =>
  typeof (s as Projector).supports !== 'function';

/**
 * The conformance checks for one projector: given a factory, each check creates the projector
 * afresh with `options.projectorOptions`. Statistical checks use fixed seeds, so a run is
 * reproducible; their threshold is z < 4.
 */
export function projectorConformance(
  source: Projector | ProjectorFactory,
  options: ProjectorConformanceOptions = {},
): ConformanceCheck[] {
  const dims = options.dimensions ?? [1, 2, 3];
  const expectedId = options.id ?? (isFactory(source) ? source.id : undefined);
  const projector = async (): Promise<Projector> =>
    isFactory(source) ? source.create(options.projectorOptions ?? {}) : source;
  const lattices = (p: Projector, d: number) => projectorTestLattices(d, p.blockSize);
  const spins = options.spins?.kind === 'state' ? options.spins : undefined;
  const q = spins?.states ?? 2;
  const configurations = (lattice: Lattice, b: number, seed: number) =>
    projectorTestConfigurations(lattice, b, seed, spins);
  const create = (p: Projector, l: Lattice) => (spins ? p.create(l, spins) : p.create(l));
  const supports = (p: Projector, l: Lattice) => (spins ? p.supports(l, spins) : p.supports(l));
  // The symmetry image of σ: −σ, or σ + 1 mod q.
  const image = (s: Spins) => (spins ? shiftStates(s, 1, q) : negate(s));
  const isSpin = (m: number) => (spins ? m >= 0 && m < q : m === 1 || m === -1);

  const checks: [string, (p: Projector) => string | undefined][] = [
    [
      'has an integer block size ≥ 2 and the id it is registered under',
      (p) => {
        if (expectedId !== undefined)
          check(p.id === expectedId, () => `id is '${p.id}', expected '${expectedId}'`);
        else check(typeof p.id === 'string' && p.id.length > 0, () => `id is ${JSON.stringify(p.id)}`);
        check(Number.isInteger(p.blockSize) && p.blockSize >= 2, () => `blockSize is ${p.blockSize}`);
      },
    ],
    [
      'supports the test lattices and rejects one not divisible by b with a reason, create() throwing UnsupportedError',
      (p) => {
        for (const d of dims) {
          const { rectangular, enumerable } = lattices(p, d);
          for (const l of [rectangular, enumerable]) {
            const reason = supports(p, l);
            check(
              reason === undefined,
              () => `supports(${l.label}) = ${JSON.stringify(reason)}, expected undefined`,
            );
          }
          const bad = new Lattice(rectangular.sizes.map((L, a) => (a === d - 1 ? L + 1 : L)));
          const reason = supports(p, bad);
          check(
            typeof reason === 'string' && reason.length > 0,
            () =>
              `supports(${bad.label}) = ${JSON.stringify(reason)}, expected a reason (b = ${p.blockSize})`,
          );
          throwsA(() => create(p, bad), UnsupportedError, `create(${bad.label})`);
        }
      },
    ],
    [
      spins
        ? `maps σ on L onto states 0…${q - 1} on the coarse lattice L/b, leaving σ untouched`
        : 'maps σ on L onto ±1 spins on the coarse lattice L/b, leaving σ untouched',
      (p) => {
        const b = p.blockSize;
        for (const d of dims) {
          const fine = lattices(p, d).rectangular;
          const kernel = create(p, fine);
          check(
            kernel.fine.equals(fine),
            () => `kernel.fine is ${kernel.fine.label}, expected ${fine.label}`,
          );
          const expected = fine.sizes.map((L) => L / b);
          check(
            equalArrays(kernel.coarse.sizes, expected),
            () => `kernel.coarse is ${kernel.coarse.label}, expected ${expected.join('×')}`,
          );
          const rng = Rng.stream(11, d);
          for (const [i, sigma] of configurations(fine, b, 100 + d).entries()) {
            const before = sigma.slice();
            const mu = new Int8Array(kernel.coarse.volume); // zeros: an unwritten entry shows
            kernel.apply(sigma, mu, rng);
            const written = spins ? new Int8Array(kernel.coarse.volume).fill(-1) : mu;
            if (spins) kernel.apply(sigma, written, rng.clone()); // −1 (state 255): an unwritten entry shows
            check(
              written.every((m) => isSpin(spins ? m & 0xff : m)),
              () =>
                `${fine.label}, σ #${i}: μ = ${show(written)} is not all ${spins ? `states < ${q}` : '±1'}`,
            );
            check(equalArrays(sigma, before), () => `${fine.label}, σ #${i}: apply() modified σ`);
          }
        }
      },
    ],
    [
      'rejects σ or μ of the wrong length with a UsageError',
      (p) => {
        for (const d of dims) {
          const fine = lattices(p, d).rectangular;
          const kernel = create(p, fine);
          const rng = Rng.stream(11, d);
          const sigma = new Int8Array(fine.volume).fill(1);
          const long = new Int8Array(kernel.coarse.volume + 1);
          throwsA(
            () => kernel.apply(sigma, long, rng),
            UsageError,
            `${fine.label}: apply() with μ of length ${long.length}`,
          );
          const short = new Int8Array(fine.volume - 1).fill(1);
          const mu = new Int8Array(kernel.coarse.volume);
          throwsA(
            () => kernel.apply(short, mu, rng),
            UsageError,
            `${fine.label}: apply() with σ of length ${short.length}`,
          );
        }
      },
    ],
    [
      'is deterministic given the rng state',
      (p) => {
        const b = p.blockSize;
        for (const d of dims) {
          const fine = lattices(p, d).rectangular;
          const k1 = create(p, fine);
          const k2 = create(p, fine);
          for (const [i, sigma] of configurations(fine, b, 200 + d).entries()) {
            const r1 = Rng.stream(12, i);
            const r2 = r1.clone();
            const mu1 = new Int8Array(k1.coarse.volume);
            const mu2 = new Int8Array(k2.coarse.volume);
            for (let rep = 0; rep < 3; rep++) {
              k1.apply(sigma, mu1, r1);
              k2.apply(sigma, mu2, r2);
              const where = `${fine.label}, σ #${i}, draw ${rep}`;
              check(
                equalArrays(mu1, mu2),
                () => `${where}: μ = ${show(mu1)} then ${show(mu2)} from one rng state`,
              );
              check(
                equalArrays(r1.s, r2.s),
                () => `${where}: the two kernels left the rng in different states`,
              );
            }
          }
        }
      },
    ],
    [
      spins
        ? `is symmetric under σ → σ + 1 mod ${q}: μ given σ and μ + 1 given σ + 1 have one distribution (chi-square)`
        : 'is Z2 symmetric: μ given σ and −μ given −σ have one distribution (chi-square)',
      (p) => {
        const b = p.blockSize;
        for (const d of dims) {
          const fine = lattices(p, d).enumerable;
          const kernel = create(p, fine);
          for (const [i, sigma] of configurations(fine, b, 300 + d).entries()) {
            const plus = coarseHistogram(
              kernel,
              sigma,
              CONFORMANCE_SAMPLES,
              Rng.stream(13, 2 * i),
              false,
              spins,
            );
            const minus = coarseHistogram(
              kernel,
              image(sigma),
              CONFORMANCE_SAMPLES,
              Rng.stream(13, 2 * i + 1),
              true,
              spins,
            );
            sameDistribution(plus, minus, `${fine.label}, σ #${i}`);
          }
        }
      },
    ],
    [
      spins
        ? `P(μ|σ) sums to 1 over all μ and is symmetric: P(μ + 1|σ + 1) = P(μ|σ) mod ${q}`
        : 'P(μ|σ) sums to 1 over all μ and is Z2 symmetric: P(−μ|−σ) = P(μ|σ)',
      (p) => {
        if (!p.probability) return 'the projector has no probability()';
        const b = p.blockSize;
        for (const d of dims) {
          const fine = lattices(p, d).enumerable;
          for (const [i, sigma] of configurations(fine, b, 400 + d).entries()) {
            const where = `${fine.label}, σ #${i}`;
            const prob = coarseProbabilities(p, fine, sigma, spins);
            const flipped = coarseProbabilities(p, fine, image(sigma), spins);
            let total = 0;
            for (const x of prob) total += x;
            check(Math.abs(total - 1) < 5e-13, () => `${where}: Σ_μ P(μ|σ) = ${total}`);
            // −μ has index (2^n − 1) − index(μ): every bit flipped; μ + 1 mod q is computed.
            const last = prob.length - 1;
            const n = fine.coarsen(b).volume;
            const mu = new Int8Array(n);
            for (let m = 0; m <= last; m++) {
              const a = prob[m];
              const z = spins
                ? flipped[indexFromStates(shiftStates(statesFromIndex(m, n, q, mu), 1, q), q)]
                : flipped[last - m];
              const ok = options.exactSymmetry ? z === a : Math.abs(z - a) < 5e-15;
              check(ok, () => `${where}: P(μ #${m}|σ) = ${a} but P(−μ|−σ) = ${z}`);
            }
          }
        }
      },
    ],
    [
      'apply() draws μ with the frequencies P(μ|σ) (chi-square z < 4)',
      (p) => {
        if (!p.probability) return 'the projector has no probability()';
        const b = p.blockSize;
        for (const d of dims) {
          const fine = lattices(p, d).enumerable;
          const kernel = create(p, fine);
          for (const [i, sigma] of configurations(fine, b, 400 + d).entries()) {
            const prob = coarseProbabilities(p, fine, sigma, spins);
            const counts = coarseHistogram(
              kernel,
              sigma,
              CONFORMANCE_SAMPLES,
              Rng.stream(14, i),
              false,
              spins,
            );
            matchesFrequencies(counts, prob, `${fine.label}, σ #${i}`);
          }
        }
      },
    ],
  ];
  return checks.map(([name, body]) => ({
    name,
    run: async () => body(await projector()) ?? undefined,
  }));
}
