import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stochasticMajorityCodec } from '@rsrg/projectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, rsrg, sampleIsing2d } from './fixtures/run-rsrg.js';

/**
 * Trainer `rg-convergence` with `objective=fixed-point` (Swendsen's proxy: level n + 1 of L
 * against level n of L/2): it minimizes the fixed-point loss and records it, and leaves what
 * the default objective computes as it was.
 */

interface Evaluation {
  readonly w: number;
  readonly even: { readonly loss: number };
  readonly fixedPoint?: { readonly even: { readonly loss: number; readonly terms: readonly unknown[] } };
}

interface TrainingRecord {
  readonly options: { readonly objective?: string };
  readonly evaluations: readonly Evaluation[];
  readonly tuned: { readonly w: number; readonly objective: number };
  readonly majority: Evaluation & Record<string, unknown>;
}

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-fixed-point-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  await sampleIsing2d(tmp, { size: 16, samples: 320, seed: 13, out: 'd16.rsrg' });
  await sampleIsing2d(tmp, { size: 8, samples: 320, seed: 14, out: 'd8.rsrg' });
});

const train = (other: string, extra: string[]) =>
  rsrg(tmp, [
    'train',
    '--trainer',
    'rg-convergence',
    '--data',
    'd16.rsrg',
    '--seed',
    '5',
    '--trainer-option',
    `other=${other}`,
    '--trainer-option',
    'evaluations=4',
    '--trainer-option',
    'bins=16',
    ...extra,
  ]);

const recordOf = (file: string) =>
  stochasticMajorityCodec.decode(readFileSync(join(tmp, file))).training as unknown as TrainingRecord;

describe('rsrg train --trainer rg-convergence --trainer-option objective=fixed-point', () => {
  it('minimizes the fixed-point loss, records it, and leaves the default objective as it was', async () => {
    const [fp, plain] = await Promise.all([
      train('d8.rsrg', ['--out', 'fp.rsrg', '--trainer-option', 'objective=fixed-point']),
      train('d8.rsrg', ['--out', 'plain.rsrg']),
    ]);
    expect(fp.code, fp.stderr).toBe(0);
    expect(plain.code, plain.stderr).toBe(0);
    const t = recordOf('fp.rsrg');
    expect(t.options.objective).toBe('fixed-point');
    expect(t.evaluations).toHaveLength(4);
    const losses = t.evaluations.map((e) => e.fixedPoint?.even.loss as number);
    for (const l of losses) expect(l).toBeGreaterThan(0);
    expect(t.tuned.objective).toBe(Math.min(...losses));
    // Both losses are kept: the convergence loss (NaN where an exponent is undefined on so few
    // configurations) beside the fixed-point one.
    for (const e of t.evaluations) expect(typeof e.even.loss).toBe('number');
    expect(t.majority.fixedPoint?.even.terms.length).toBeGreaterThan(0);

    // The default run records neither the option nor the proxy, and majority rule's
    // convergence loss on the same data and draws is the fixed-point run's, bit for bit.
    const d = recordOf('plain.rsrg');
    expect(d.options.objective).toBeUndefined();
    expect(d.evaluations.every((e) => e.fixedPoint === undefined)).toBe(true);
    const { fixedPoint, ...majority } = t.majority;
    expect(fixedPoint).toBeDefined();
    expect(d.majority).toEqual(majority);
  });

  it('refuses it without a second lattice, or with one not of side L/2, in one line', async () => {
    const [none, wrong] = await Promise.all([
      rsrg(tmp, [
        'train',
        '--trainer',
        'rg-convergence',
        '--data',
        'd16.rsrg',
        '--out',
        'bad.rsrg',
        '--trainer-option',
        'objective=fixed-point',
      ]),
      train('d16.rsrg', ['--out', 'bad.rsrg', '--trainer-option', 'objective=fixed-point']),
    ]);
    expectOneLineError(none, 2, /objective=fixed-point compares L with L\/b: give the option other/);
    expectOneLineError(wrong, 2, /needs a second lattice of side L\/2: 16×16 is not 16×16 \/ 2/);
  });
});
