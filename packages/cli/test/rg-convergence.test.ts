import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stochasticMajorityCodec } from '@rsrg/projectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, rsrg, sampleIsing2d } from './fixtures/run-rsrg.js';

/**
 * Trainer `rg-convergence` through the generic `rsrg train --trainer` path, and `rsrg mcrg
 * --weights` taking the projector from the file it is given.
 */

/** The parts of the file's training record read here. */
interface TrainingRecord {
  readonly trainer: string;
  readonly model: string;
  readonly evaluations: readonly { readonly w: number; readonly even: { readonly loss: number } }[];
  readonly tuned: { readonly w: number; readonly objective: number };
  readonly majority: { readonly w: number; readonly even: { readonly loss: number } };
}

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-rg-convergence-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const rbmFile = new URL('../../../docs/results/chung-kao-2019-paper/projector.rsrg', import.meta.url);

beforeAll(async () => {
  await sampleIsing2d(tmp, { size: 16, samples: 640, seed: 11, out: 'd16.rsrg' });
  await sampleIsing2d(tmp, { size: 8, samples: 640, seed: 12, out: 'd8.rsrg' });
  copyFileSync(rbmFile, join(tmp, 'rbm.rsrg'));
});

describe('rsrg train --trainer rg-convergence', () => {
  const train = (extra: string[]) =>
    rsrg(tmp, [
      'train',
      '--trainer',
      'rg-convergence',
      '--data',
      'd16.rsrg',
      '--trainer-option',
      'other=d8.rsrg',
      '--trainer-option',
      'evaluations=5',
      '--trainer-option',
      'bins=16',
      ...extra,
    ]);

  it('tunes w, writes θ and the objective into the projector file, and reports majority rule beside it', async () => {
    const r = await train(['--out', 'tuned.rsrg', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.trainer).toBe('rg-convergence');
    expect(doc.projector).toBe('stochastic-majority');
    expect(doc.steps).toBe(5);
    expect(doc.history).toHaveLength(5);
    const file = stochasticMajorityCodec.decode(readFileSync(join(tmp, 'tuned.rsrg')));
    expect(file.blockSize).toBe(2);
    expect(file.w1).toBe(0);
    expect(file.w).toBeGreaterThanOrEqual(0.1);
    expect(file.w).toBeLessThanOrEqual(3);
    const t = file.training as unknown as TrainingRecord;
    expect(t.trainer).toBe('rg-convergence');
    expect(t.model).toBe('ising2d');
    expect(t.evaluations).toHaveLength(5);
    // The file's θ is the best evaluation's, and its objective is that evaluation's y_t loss.
    const losses = t.evaluations.map((e) => e.even.loss);
    expect(t.tuned.objective).toBe(Math.min(...losses));
    expect(t.tuned.w).toBe(file.w);
    expect(t.majority.w).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isFinite(t.majority.even.loss)).toBe(true);
  });

  it('tunes the same θ with the same record, evaluation for evaluation, on 1 and on 2 worker threads', async () => {
    const [one, two] = await Promise.all([
      train(['--out', 'workers1.rsrg', '--workers', '1']),
      train(['--out', 'workers2.rsrg', '--workers', '2']),
    ]);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    const [a, b] = ['workers1.rsrg', 'workers2.rsrg'].map((f) =>
      stochasticMajorityCodec.decode(readFileSync(join(tmp, f))),
    );
    expect(b.w).toBe(a.w);
    expect(b.w1).toBe(a.w1);
    // Everything but the wall time: every evaluation's losses, exponents and errors, and majority rule's.
    const record = (t: unknown) => ({ ...(t as Record<string, unknown>), seconds: undefined });
    expect((a.training as unknown as TrainingRecord).evaluations).toHaveLength(5);
    expect(record(b.training)).toEqual(record(a.training));
  });

  it('refuses a bad option before anything runs, in one line', async () => {
    const [sector, method] = await Promise.all([
      train(['--out', 'bad.rsrg', '--trainer-option', 'sector=both']),
      train(['--out', 'bad.rsrg', '--trainer-option', 'tune=w,w1', '--trainer-option', 'method=golden']),
    ]);
    expectOneLineError(sector, 2, /sector must be one of even, odd/);
    expectOneLineError(method, 2, /golden-section search tunes one parameter/);
  });
});

describe('rsrg mcrg --weights without --projector', () => {
  const mcrg = (extra: string[]) =>
    rsrg(tmp, ['mcrg', '--ensemble', 'd16.rsrg', '--bins', '4', '--workers', '1', '--json', ...extra]);

  it('uses the projector the file names: stochastic-majority and rbm files', async () => {
    const [tuned, named, rbm] = await Promise.all([
      mcrg(['--weights', 'tuned.rsrg']),
      mcrg(['--weights', 'tuned.rsrg', '--projector', 'stochastic-majority']),
      mcrg(['--weights', 'rbm.rsrg']),
    ]);
    expect(tuned.code, tuned.stderr).toBe(0);
    expect(JSON.parse(tuned.stdout).parameters.projector).toBe('stochastic-majority');
    expect(JSON.parse(named.stdout).estimates).toEqual(JSON.parse(tuned.stdout).estimates);
    expect(rbm.code, rbm.stderr).toBe(0);
    expect(JSON.parse(rbm.stdout).parameters.projector).toBe('rbm');
  });

  it('refuses a --projector that disagrees with the file, and a file that names no projector, in one line', async () => {
    const [rbm, majority, ensemble] = await Promise.all([
      mcrg(['--weights', 'tuned.rsrg', '--projector', 'rbm']),
      mcrg(['--weights', 'tuned.rsrg', '--projector', 'majority']),
      mcrg(['--weights', 'd8.rsrg']),
    ]);
    expectOneLineError(
      rbm,
      2,
      /--projector rbm disagrees with --weights tuned\.rsrg, a file of projector stochastic-majority/,
    );
    expectOneLineError(majority, 2, /--projector majority disagrees with --weights/);
    expectOneLineError(ensemble, 2, /kind 'ensemble', which no registered projector reads/);
  });
});
