import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveSeed } from '@rsrg/studies';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, fixture, rsrg } from './fixtures/run-rsrg.js';

// A study that trains two projectors (the RBM and the stochastic majority rule tuned by
// rg-convergence, measured as 'tuned') and confirms on a larger lattice.
const tmp = mkdtempSync(join(tmpdir(), 'rsrg-reproduce-several-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const plugin = ['--plugin', fixture('several-trainings-study.mjs')];
const STUDY = [...plugin, 'reproduce', 'several', '--seed', '3', '--workers', '1'];

interface Estimate {
  projector: string;
  sector: string;
  nr: number;
  nc: number;
  y: number | null;
  error: number | null;
}
interface Doc {
  files: Record<string, unknown>;
  seeds: { master: number; measurement: number };
  estimates: Estimate[];
  trainings: {
    label: string;
    trainer: string;
    projector: string;
    file: string;
    options: { other?: string; mu?: number };
    parameters: { weights: number[] };
  }[];
  confirmation: { size: number; seed: number; lattices: string[]; samples: number; estimates: Estimate[] };
}

/** A result.json without its wall times, the run's directory written as <dir>. */
function comparable(file: string, dir: string): unknown {
  const text = readFileSync(file, 'utf8').split(dir).join('<dir>');
  const { sha256: _, ...doc } = JSON.parse(text);
  const times = new Set(['seconds', 'wallSeconds', 'trainingSeconds']);
  return JSON.parse(JSON.stringify(doc, (k, v) => (times.has(k) ? undefined : v)));
}

const outDir = join(tmp, 'out');
let doc: Doc;
beforeAll(async () => {
  const r = await rsrg(tmp, [...STUDY, '--out', outDir, '--json']);
  expect(r.code, r.stderr).toBe(0);
  doc = JSON.parse(r.stdout);
}, 120_000);

/** The estimates of `rsrg mcrg --json` for one projector, without the label. */
async function mcrgAlone(args: string[]): Promise<Omit<Estimate, 'projector'>[]> {
  const r = await rsrg(tmp, [
    ...plugin,
    'mcrg',
    '--model',
    'ising2d',
    '--sampler',
    'wolff',
    '--json',
    ...args,
  ]);
  expect(r.code, r.stderr).toBe(0);
  const { estimates } = JSON.parse(r.stdout) as { estimates: Estimate[] };
  return estimates.map(({ projector: _, ...e }) => e);
}
const of = (estimates: Estimate[], label: string) =>
  estimates.filter((e) => e.projector === label).map(({ projector: _, ...e }) => e);

describe('rsrg reproduce: a study with several trainings and a confirmation lattice', () => {
  it('trains each projector into its own file and measures it under its label', () => {
    expect(doc.trainings.map((t) => [t.label, t.trainer, t.projector, t.file])).toEqual([
      ['rbm', 'rbm', 'rbm', 'projector-rbm.rsrg'],
      ['tuned', 'rg-convergence', 'stochastic-majority', 'projector-tuned.rsrg'],
    ]);
    for (const t of doc.trainings) expect(existsSync(join(outDir, t.file)), t.file).toBe(true);
    expect(existsSync(join(outDir, 'projector.rsrg'))).toBe(false);
    expect(new Set(doc.estimates.map((e) => e.projector))).toEqual(new Set(['majority', 'rbm', 'tuned']));
    const report = readFileSync(join(outDir, 'report.md'), 'utf8');
    expect(report).toContain('## Training of tuned');
    expect(report).toContain('## Confirmation on 16×16');
  });

  it('samples the ensemble a training reads (the size term of rg-convergence) once, from seed derive(S, 100 + L)', async () => {
    const file = join(outDir, 'training-data-8.rsrg');
    const { ensembleCodec } = await import('@rsrg/mcrg');
    const ensemble = ensembleCodec.decode(readFileSync(file));
    expect(ensemble.header.size).toBe(8);
    expect(ensemble.count).toBe(200);
    expect(ensemble.header.seed).toBe(deriveSeed(3, 108));
    const tuned = doc.trainings.find((t) => t.label === 'tuned') as {
      options: { other?: string; mu?: number };
    };
    expect(tuned.options.other).toBe(file);
    expect(tuned?.options.mu).toBe(1);
    // The training ensemble itself is another: 16×16 from derive(S, 1), not written with --out.
    expect(existsSync(join(outDir, 'training-data.rsrg'))).toBe(false);
  });

  it("each projector's estimates are rsrg mcrg's with its file alone, bit for bit (its own projecting stream)", async () => {
    const tuned = await mcrgAlone([
      ...['--size', '8', '--interval', '2', '--thermalize', '100', '--samples', '2000'],
      ...['--seed', String(doc.seeds.measurement), '--weights', join(outDir, 'projector-tuned.rsrg')],
    ]);
    expect(of(doc.estimates, 'tuned')).toEqual(tuned);
    // Control: another projector's estimates differ.
    expect(of(doc.estimates, 'majority')).not.toEqual(tuned);
  }, 60_000);

  it('confirms every projector on fresh configurations of the larger lattice, from seed derive(S, 4)', async () => {
    const c = doc.confirmation;
    expect(c.size).toBe(16);
    expect(c.seed).toBe(deriveSeed(3, 4));
    expect(c.lattices).toEqual(['16×16', '8×8', '4×4']);
    expect(c.samples).toBe(1000);
    expect(new Set(c.estimates.map((e) => e.projector))).toEqual(new Set(['majority', 'rbm', 'tuned']));
    const majority = await mcrgAlone([
      ...['--size', '16', '--interval', '4', '--thermalize', '100', '--samples', '1000'],
      ...['--seed', String(c.seed), '--projector', 'majority'],
    ]);
    expect(of(c.estimates, 'majority')).toEqual(majority);
    expect(of(doc.estimates, 'majority')).not.toEqual(
      majority.slice(0, of(doc.estimates, 'majority').length),
    );
  }, 60_000);

  it('--run-dir keeps a stage file per training and a run directory per measurement, and reports the same', async () => {
    const dir = join(tmp, 'run-dir');
    const r = await rsrg(tmp, [...STUDY, '--run-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    for (const f of [
      'training-rbm.rsrg',
      'training-tuned.rsrg',
      'measurement/plan.json',
      'confirmation/plan.json',
    ])
      expect(existsSync(join(dir, f)), f).toBe(true);
    // A run directory keeps its training data; otherwise the report is --out's.
    const kept = comparable(join(dir, 'result.json'), dir) as { files: Record<string, unknown> };
    expect(kept.files.trainingData).toBe('training-data.rsrg');
    delete kept.files.trainingData;
    expect(kept).toEqual(comparable(join(outDir, 'result.json'), outDir));
  }, 120_000);

  it.each([
    ['one-label-twice', /trains two projectors under one label/],
    ['trained-not-measured', /trains 'tuned' but does not measure it/],
    ['no-confirmation-samples', /confirmationSamples must be a positive integer/],
    ['scale-training-options', /several trainings: give them per training/],
  ])('a study declared wrong (%s) is one error line, before anything runs', async (id, message) => {
    const dir = join(tmp, id);
    const r = await rsrg(tmp, [...plugin, 'reproduce', id, '--out', dir]);
    expectOneLineError(r, 2, message);
    expect(existsSync(join(dir, 'training-data.rsrg'))).toBe(false);
  });
});
