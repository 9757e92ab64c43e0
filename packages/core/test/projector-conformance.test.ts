import { describe, expect, it } from 'vitest';
import {
  ConformanceError,
  Lattice,
  type Projector,
  projectorConformance,
  Rng,
  type Spins,
  UnsupportedError,
  UsageError,
} from '../src/index.js';

/**
 * Negative controls: the conformance checks must pass a correct projector and fail each
 * deliberately broken one on the check that covers the broken part of the contract, so a
 * green suite means something.
 */

interface Defects {
  /** Adds a field h to every block, so P(μ|σ) ≠ P(−μ|−σ). */
  readonly field?: number;
  /** probability() uses this weight while apply() draws with w: the two disagree. */
  readonly probabilityW?: number;
  /** Draws from a stream of its own per kernel, ignoring the rng it is given. */
  readonly ownStream?: boolean;
  /** supports() accepts every lattice and create() never throws UnsupportedError. */
  readonly acceptsAll?: boolean;
  /** Leaves the last coarse spin unwritten. */
  readonly skipsLastBlock?: boolean;
  /** apply() does not validate the lengths of σ and μ. */
  readonly noLengthCheck?: boolean;
}

/** Heat-bath block rule P(μ_J = +1|σ) = 1/(1 + e^{−2(w s_J + h)}), b = 2, with optional defects. */
function blockHeatBath(w: number, defects: Defects = {}): Projector {
  const b = 2;
  const h = defects.field ?? 0;
  const up = (s: number, weight: number) => 1 / (1 + Math.exp(-2 * (weight * s + h)));
  const sums = (fine: Lattice, sigma: Spins): number[] => {
    const blocks = fine.window(b, b);
    const v = b ** fine.dimension;
    const s = new Array<number>(blocks.length / v).fill(0);
    for (let k = 0; k < blocks.length; k++) s[Math.floor(k / v)] += sigma[blocks[k]];
    return s;
  };
  let kernels = 0;
  return {
    id: 'block-heat-bath',
    blockSize: b,
    supports: (lattice) =>
      defects.acceptsAll || lattice.divisibleBy(b) ? undefined : `${lattice.label} is not divisible by ${b}`,
    create(fine) {
      if (!defects.acceptsAll && !fine.divisibleBy(b))
        throw new UnsupportedError(`${fine.label} is not divisible`);
      const coarse = new Lattice(fine.sizes.map((L) => Math.floor(L / b)));
      const own = Rng.stream(7, kernels++);
      return {
        fine,
        coarse,
        apply(sigma: Spins, mu: Spins, rng: Rng) {
          if (!defects.noLengthCheck && (sigma.length !== fine.volume || mu.length !== coarse.volume))
            throw new UsageError('wrong length');
          const s = sums(fine, sigma);
          const n = defects.skipsLastBlock ? s.length - 1 : s.length;
          for (let J = 0; J < n; J++) {
            const u = (defects.ownStream ? own : rng).nextFloat();
            mu[J] = u < up(s[J], w) ? 1 : -1;
          }
        },
      };
    },
    probability(fine, sigma, mu) {
      const weight = defects.probabilityW ?? w;
      return sums(fine, sigma).reduce((p, s, J) => p * (mu[J] > 0 ? up(s, weight) : 1 - up(s, weight)), 1);
    },
  };
}

/** Names of the checks that fail, with their messages. */
async function failures(projector: Projector): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  for (const check of projectorConformance(projector, { id: 'block-heat-bath', dimensions: [1, 2] })) {
    try {
      await check.run();
    } catch (err) {
      expect(err).toBeInstanceOf(ConformanceError);
      failed.set(check.name, (err as Error).message);
    }
  }
  return failed;
}

const names = projectorConformance(blockHeatBath(1)).map((c) => c.name);
const named = (pattern: RegExp): string => {
  const found = names.filter((n) => pattern.test(n));
  expect(found).toHaveLength(1);
  return found[0];
};

it('a correct projector passes every check', async () => {
  expect(await failures(blockHeatBath(0.7))).toEqual(new Map());
});

/** Each defect, with the checks it must fail and a pattern their messages must match. */
const defective: [string, Defects, [RegExp, RegExp][]][] = [
  [
    'a field that breaks the σ → −σ symmetry',
    { field: 0.3 },
    [
      [/^is Z2 symmetric/, /μ\|σ and −μ\|−σ differ/],
      [/^P\(μ\|σ\) sums to 1/, /but P\(−μ\|−σ\) =/],
    ],
  ],
  [
    'a probability() that disagrees with apply()',
    { probabilityW: 0.35 },
    [[/^apply\(\) draws μ with the frequencies/, /apply\(\) disagrees with probability\(\)/]],
  ],
  ['draws that ignore the rng', { ownStream: true }, [[/^is deterministic/, /from one rng state/]]],
  [
    'no UnsupportedError on an indivisible lattice',
    { acceptsAll: true },
    [[/^supports the test lattices/, /expected a reason/]],
  ],
  [
    'an unwritten coarse spin',
    { skipsLastBlock: true },
    [
      [/^maps σ on L onto ±1 spins/, /is not all ±1/],
      // An unwritten 0 counts as +1, so μ_last = −1 is never drawn.
      [/^apply\(\) draws μ with the frequencies/, /disagrees with probability/],
    ],
  ],
  [
    'no length validation',
    { noLengthCheck: true },
    [[/^rejects σ or μ of the wrong length/, /did not throw, expected a UsageError/]],
  ],
];

describe.each(defective)('a projector with %s', (_, defects, expected) => {
  it('fails exactly the checks that cover the defect, with a clear message', async () => {
    const failed = await failures(blockHeatBath(0.7, defects));
    expect([...failed.keys()].sort()).toEqual(expected.map(([check]) => named(check)).sort());
    for (const [check, message] of expected) expect(failed.get(named(check))).toMatch(message);
  });
});

it('reports a check that does not apply instead of passing it silently', async () => {
  const { probability: _, ...rest } = blockHeatBath(0.7);
  const reasons = await Promise.all(projectorConformance(rest).map((c) => c.run()));
  expect(reasons.filter((r) => r !== undefined)).toEqual([
    'the projector has no probability()',
    'the projector has no probability()',
  ]);
});
