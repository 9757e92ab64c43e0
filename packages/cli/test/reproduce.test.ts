import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseChecksummedJson, Registry, type Study, studyTrainingOptions, studyTrainings } from '@rsrg/core';
import { ensembleCodec } from '@rsrg/mcrg';
import { chungKao2019, plugin as models } from '@rsrg/models';
import { plugin as projectors, rbmPresets, rbmProjectorCodec } from '@rsrg/projectors';
import { deriveSeed, runSeeds, studyScale } from '@rsrg/studies';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterFigureSpec } from '../src/render/figures.js';
import { expectOneLineError, fixture, type Run, rsrg } from './fixtures/run-rsrg.js';

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-reproduce-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const tiny = ['--plugin', fixture('tiny-study.mjs')];

interface Entry {
  projector: string;
  sector: string;
  nr: number;
  nc: number;
  y: number | null;
  error: number | null;
  lambda: number | null;
  lambdaError: number | null;
}

describe('rsrg reproduce (a tiny study from a plugin)', () => {
  let json: Run;
  let doc: {
    schemaVersion: number;
    command: string;
    outDir: string;
    files: Record<string, string | { svg: string; png: string }>;
    study: { id: string };
    scale: { id: string; trainingConfigurations: number };
    parameters: {
      measurement: {
        seed: number;
        samples: number;
        projectors: { id: string; options: { weights?: string } }[];
      };
    };
    seeds: {
      master: number;
      trainingData: number;
      evaluation: number;
      measurement: number;
      training: number;
    };
    estimates: Entry[];
    reference: unknown[];
    comparison: {
      projector: string;
      nr: number;
      nc: number;
      y: number;
      error: number;
      reference?: { y: number; error: number };
      deviation?: number;
    }[];
    training: {
      steps: number;
      evaluation: { step: number }[];
      snapshots: { epoch: number; weights: number[] }[];
      filter: { weights: number[] };
    };
    wallSeconds: Record<string, number>;
    versions: Record<string, string>;
  };
  let human: Run;
  const outDir = join(tmp, 'tiny');
  const otherDir = join(tmp, 'other');

  beforeAll(async () => {
    [json, human] = await Promise.all([
      rsrg(tmp, [...tiny, 'reproduce', 'tiny', '--out', 'tiny', '--seed', '4', '--workers', '1', '--json']),
      rsrg(tmp, [
        ...tiny,
        'reproduce',
        'tiny',
        '--scale',
        'other',
        '--out',
        'other',
        '--workers',
        '1',
        '--keep-data',
      ]),
    ]);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    doc = JSON.parse(json.stdout);
  });

  it('writes every output into the directory, and result.json is the printed JSON', () => {
    expect(doc.schemaVersion).toBe(2);
    expect(doc.command).toBe('reproduce');
    expect(doc.outDir).toBe(outDir);
    const names = Object.values(doc.files).flatMap((f) => (typeof f === 'string' ? [f] : [f.svg, f.png]));
    expect(names.sort()).toEqual(
      [
        'filters.png',
        'filters.svg',
        'training-curve.png',
        'training-curve.svg',
        'projector.rsrg',
        'report.md',
        'result.json',
        'comparison.md',
      ].sort(),
    );
    for (const name of names) expect(existsSync(join(outDir, name)), name).toBe(true);
    // A finished run leaves neither the lock nor the INCOMPLETE marker.
    expect(readdirSync(outDir).sort()).toEqual(names.sort());
    // result.json is the printed document and its checksum.
    const written = parseChecksummedJson(readFileSync(join(outDir, 'result.json'), 'utf8'), 'result.json');
    expect(written.checksum).toBe('verified');
    expect(written.value).toEqual(doc);
    // The training data are not kept unless asked for.
    expect(existsSync(join(outDir, 'training-data.rsrg'))).toBe(false);
  });

  it('lists the estimates of both projectors, each shaped like an mcrg --json entry with its projector', () => {
    const byProjector = new Map<string, Entry[]>();
    for (const e of doc.estimates) byProjector.set(e.projector, [...(byProjector.get(e.projector) ?? []), e]);
    expect([...byProjector.keys()]).toEqual(['majority', 'rbm']);
    for (const list of byProjector.values()) {
      expect(list.map((e) => `${e.sector} ${e.nr} ${e.nc}`)).toEqual([
        ...[1, 2, 3, 4, 5, 6, 7].map((nc) => `even 1 ${nc}`),
        ...[1, 2, 3, 4].map((nc) => `odd 1 ${nc}`),
      ]);
      for (const e of list)
        expect(Object.keys(e).sort()).toEqual([
          'error',
          'exponent',
          'lambda',
          'lambdaError',
          'nc',
          'nr',
          'projector',
          'sector',
          'y',
        ]);
    }
    // Majority rule at N_r = 1, N_c = 1 is well defined on 8×8.
    const m = doc.estimates.find((e) => e.projector === 'majority' && e.sector === 'even' && e.nc === 1);
    expect(m?.y).toBeGreaterThan(0.5);
    expect(m?.y).toBeLessThan(1.5);
  });

  it('compares with the reference in combined standard errors', () => {
    expect(doc.reference).toHaveLength(3);
    const referenced = doc.comparison.filter((c) => c.reference);
    expect(referenced.map((c) => `${c.projector} ${c.nr} ${c.nc}`).sort()).toEqual([
      'majority 1 1',
      'majority 1 2',
      'rbm 1 1',
    ]);
    for (const c of referenced) {
      const e = doc.estimates.find(
        (x) => x.projector === c.projector && x.sector === 'even' && x.nr === c.nr && x.nc === c.nc,
      );
      expect(c.y).toBe(e?.y);
      if (e?.y == null || e.error == null || !c.reference) continue;
      const expected = (e.y - c.reference.y) / Math.hypot(e.error, c.reference.error);
      expect(c.deviation).toBeCloseTo(expected, 12);
    }
    const table = readFileSync(join(outDir, 'comparison.md'), 'utf8');
    expect(table).toContain(
      '| N_r | N_c | majority (this run) | published | Δ/σ | rbm (this run) | published | Δ/σ |',
    );
    expect(table).toContain('0.900(10)');
  });

  it('derives independent seeds and measures the trained projector file with the measurement seed', () => {
    expect(doc.seeds).toEqual({ ...runSeeds(4) });
    expect(new Set([doc.seeds.trainingData, doc.seeds.evaluation, doc.seeds.measurement]).size).toBe(3);
    const m = doc.parameters.measurement;
    expect(m.seed).toBe(doc.seeds.measurement);
    expect(m.samples).toBe(800);
    expect(m.projectors.map((p) => p.id)).toEqual(['majority', 'rbm']);
    expect(m.projectors[1].options.weights).toBe(join(outDir, 'projector.rsrg'));
    const file = rbmProjectorCodec.decode(readFileSync(join(outDir, 'projector.rsrg')));
    expect(Array.from(file.filter.weights)).toEqual(doc.training.filter.weights);
    expect(file.training?.data.configurations).toBe(200);
  });

  it('keeps the filter at the study epochs (past the last: the last) and y_t every evaluateEvery steps', () => {
    // snapshotEpochs 1,50 in a run of 2 epochs.
    expect(doc.training.snapshots.map((s) => s.epoch)).toEqual([1, 2]);
    expect(doc.training.snapshots[1].weights).toEqual(doc.training.filter.weights);
    expect(doc.training.steps).toBe(40);
    expect(doc.training.evaluation.map((p) => p.step)).toEqual([15, 30, 40]);
    for (const k of ['trainingData', 'evaluationData', 'training', 'measurement', 'report', 'total']) {
      expect(doc.wallSeconds[k], k).toBeGreaterThan(0);
    }
    expect(Object.keys(doc.versions)).toEqual(
      expect.arrayContaining([
        '@rsrg/cli',
        '@rsrg/studies',
        '@rsrg/mcrg',
        '@rsrg/models',
        '@rsrg/projectors',
      ]),
    );
  });

  it('draws the figures as SVG and PNG, and writes a report that links them', () => {
    for (const f of ['filters', 'training-curve']) {
      expect(readFileSync(join(outDir, `${f}.svg`), 'utf8')).toMatch(/^<svg[^>]*>/);
      expect(readFileSync(join(outDir, `${f}.png`)).subarray(0, 8)).toEqual(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      );
    }
    const report = readFileSync(join(outDir, 'report.md'), 'utf8');
    for (const text of [
      '](filters.png)',
      '](training-curve.png)',
      '## Comparison with the published estimates',
      '| epoch | steps | η | reconstruction error |',
      'rsrg reproduce tiny --scale test --seed 4',
      String(doc.seeds.measurement),
      'τ_int',
      '## Wall time',
      '## Versions',
    ]) {
      expect(report).toContain(text);
    }
  });

  it('prints the side-by-side table and the paths, with --scale and --keep-data', () => {
    expect(human.stderr).toBe('');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/N_r\s+N_c\s+majority \(this run\)\s+published\s+Δ\/σ\s+rbm \(this run\)/);
    expect(human.stdout).toContain('other/comparison.md');
    expect(human.stdout).toContain('other/training-curve.png');
    const kept = ensembleCodec.decode(readFileSync(join(otherDir, 'training-data.rsrg')));
    expect(kept.count).toBe(200);
    expect(kept.header.seed).toBe(deriveSeed(1, 1));
    const result = JSON.parse(readFileSync(join(otherDir, 'result.json'), 'utf8'));
    expect(result.parameters.measurementSamples).toBe(960);
    // Scale `other` trains (and evaluates) on 16×16 and measures on the study's 8×8.
    expect(kept.header.size).toBe(16);
    expect(result.parameters).toMatchObject({ size: 8, trainingSize: 16 });
    expect(result.lattices[0]).toBe('8×8');
    expect(result.training.evaluation.length).toBeGreaterThan(0);
  });

  it('reports bad input in one line with exit code 2', async () => {
    writeFileSync(join(tmp, 'a-file'), 'x');
    const runs = await Promise.all([
      rsrg(tmp, [...tiny, 'reproduce', 'nope']),
      rsrg(tmp, [...tiny, 'reproduce', 'tiny', '--scale', 'huge']),
      rsrg(tmp, [...tiny, 'reproduce', 'untrainable']),
      rsrg(tmp, [...tiny, 'reproduce', 'tiny', '--out', 'a-file']),
      rsrg(tmp, ['reproduce']),
    ]);
    expectOneLineError(runs[0], 2, /unknown study 'nope' \(known: .*tiny/);
    expectOneLineError(runs[1], 2, /study 'tiny' has no scale 'huge' \(known: test, other\)/);
    expectOneLineError(runs[2], 2, /unknown trainer 'majority' \(known: [^)]*\brbm\b[^)]*\)/);
    expectOneLineError(runs[3], 2, /is a file, not a directory/);
    expectOneLineError(runs[4], 2, /missing required argument 'study'/);
  });
});

describe('rsrg reproduce: the run directory', () => {
  const dir = (name: string) => join(tmp, name);
  const run = (out: string, ...extra: string[]) =>
    rsrg(tmp, [...tiny, 'reproduce', 'measure-only', '--out', out, '--workers', '1', '--json', ...extra]);

  it('runs a study that trains nothing: only the comparison, the report and result.json', async () => {
    const r = await run('plain');
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.schemaVersion).toBe(2);
    expect(d.training).toBeUndefined();
    expect(Object.keys(d.files).sort()).toEqual(['comparison', 'report', 'result']);
    expect(readdirSync(dir('plain')).sort()).toEqual(['comparison.md', 'report.md', 'result.json']);
    // A finished run of the same study may be run again into its directory.
    const again = await run('plain');
    expect(again.code, again.stderr).toBe(0);
  });

  it('refuses a directory in use, an incomplete one and a foreign one, in one line', async () => {
    mkdirSync(dir('locked'));
    // The lock of a running process (this test's).
    writeFileSync(join(dir('locked'), '.rsrg-lock'), `${process.pid}\n`);
    mkdirSync(dir('incomplete'));
    writeFileSync(join(dir('incomplete'), 'INCOMPLETE'), 'stopped\n');
    mkdirSync(dir('foreign'));
    writeFileSync(join(dir('foreign'), 'notes.txt'), 'mine\n');
    const runs = await Promise.all([run('locked'), run('incomplete'), run('foreign')]);
    expectOneLineError(runs[0], 2, /is in use by process \d+ \(lock file \.rsrg-lock\)/);
    expectOneLineError(runs[1], 2, /holds an incomplete run \(INCOMPLETE is there\); rerun with --restart/);
    expectOneLineError(runs[2], 2, /holds files of something else \(notes\.txt\).*--restart/);
    // Nothing was written into them.
    expect(readdirSync(dir('incomplete'))).toEqual(['INCOMPLETE']);
    expect(readdirSync(dir('foreign'))).toEqual(['notes.txt']);
  });

  it('takes over the lock of a process that no longer runs, and starts over with --restart', async () => {
    mkdirSync(dir('stale'));
    // A pid above the kernel's pid_max runs nowhere.
    writeFileSync(join(dir('stale'), '.rsrg-lock'), '2147483646\n');
    writeFileSync(join(dir('stale'), 'INCOMPLETE'), 'stopped\n');
    writeFileSync(join(dir('stale'), 'comparison.md'), 'stale\n');
    writeFileSync(join(dir('stale'), 'training-data.rsrg'), 'stale\n');
    writeFileSync(join(dir('stale'), 'notes.txt'), 'mine\n');
    const r = await run('stale', '--restart');
    expect(r.code, r.stderr).toBe(0);
    // The files of the earlier run are replaced or removed; other files stay.
    expect(readdirSync(dir('stale')).sort()).toEqual([
      'comparison.md',
      'notes.txt',
      'report.md',
      'result.json',
    ]);
    expect(readFileSync(join(dir('stale'), 'comparison.md'), 'utf8')).toContain('# measure-only');
  });

  it('leaves the INCOMPLETE marker, and no lock, when a run fails', async () => {
    // A scale whose projector file cannot be written: a directory in its place.
    mkdirSync(join(dir('failing'), 'projector.rsrg'), { recursive: true });
    writeFileSync(
      join(dir('failing'), 'result.json'),
      JSON.stringify({ command: 'reproduce', study: { id: 'tiny' } }),
    );
    const r = await rsrg(tmp, [...tiny, 'reproduce', 'tiny', '--out', 'failing', '--workers', '1']);
    expectOneLineError(r, 1, /cannot write .*projector\.rsrg: it is a directory/);
    expect(readdirSync(dir('failing')).sort()).toEqual(['INCOMPLETE', 'projector.rsrg', 'result.json']);
  });
});

describe('the chung-kao-2019 study declaration', () => {
  const registry = new Registry().use(models).use(projectors);
  const study: Study = registry.studies.get('chung-kao-2019');

  it('is registered by the models plugin and names what the registry has', () => {
    expect(study).toBe(chungKao2019);
    const model = registry.models.get(study.model);
    expect(registry.couplingSets.get(model.couplingSets.even).couplings).toHaveLength(7);
    for (const p of study.projectors) expect(registry.projectors.has(p)).toBe(true);
    expect(study.training).toEqual({ trainer: 'rbm', options: { preset: 'nmcrg' } });
    const trainer = registry.trainers.get('rbm');
    expect(trainer.projector).toBe('rbm');
    expect(Object.keys(rbmPresets)).toContain(studyTrainings(study)[0]?.options?.preset);
    expect(study.size).toBe(32);
  });

  it('holds all 28 numbers of Table 1 as printed', () => {
    expect(study.reference).toHaveLength(28);
    const cells = new Set(study.reference.map((r) => `${r.projector} ${r.sector} ${r.nr} ${r.nc}`));
    expect(cells.size).toBe(28);
    for (const projector of ['rbm', 'majority'])
      for (const nr of [1, 2])
        for (let nc = 1; nc <= 7; nc++) expect(cells.has(`${projector} even ${nr} ${nc}`)).toBe(true);
    const at = (projector: string, nr: number, nc: number) =>
      study.reference.find((r) => r.projector === projector && r.nr === nr && r.nc === nc);
    expect(at('rbm', 1, 1)).toMatchObject({ y: 0.9217, error: 0.0009 });
    expect(at('majority', 1, 1)).toMatchObject({ y: 0.904, error: 0.001 });
    expect(at('rbm', 1, 7)).toMatchObject({ y: 1.0001, error: 0.0011 });
    expect(at('majority', 1, 7)).toMatchObject({ y: 0.967, error: 0.003 });
    expect(at('rbm', 2, 5)).toMatchObject({ y: 1.0032, error: 0.0011 });
    expect(at('majority', 2, 3)).toMatchObject({ y: 1.0, error: 0.002 });
    expect(at('rbm', 2, 7)).toMatchObject({ y: 1.0016, error: 0.001 });
    expect(at('majority', 2, 7)).toMatchObject({ y: 0.997, error: 0.003 });
  });

  it("has the paper's scale and a quick one, whose trainer options resolve", () => {
    expect(studyScale(study, 'paper').scale).toMatchObject({
      trainingConfigurations: 10_000,
      measurementSamples: 1_000_000,
      evaluationSamples: 50_000,
    });
    const trainer = registry.trainers.get('rbm');
    const model = registry.models.get(study.model);
    const plan = (id: string) => {
      const { scale } = studyScale(study, id);
      return trainer.plan(studyTrainingOptions(study, studyTrainings(study)[0], id), {
        lattice: model.lattice(study.size),
        count: scale.trainingConfigurations ?? 0,
      });
    };
    // The training curve gets 25–50 points over the preset's epochs of 10⁴/batch minibatches.
    const paper = plan('paper');
    const every = studyScale(study, 'paper').scale.evaluateEvery ?? 0;
    expect(paper.steps / every).toBeGreaterThanOrEqual(25);
    expect(paper.steps / every).toBeLessThanOrEqual(50);
    expect(paper.options).toMatchObject({ preset: 'nmcrg', snapshotEpochs: [1, 3, 5, 100] });
    expect(plan('quick')).toMatchObject({ epochs: 150, steps: 12_000, stepsPerEpoch: 80 });
    expect(plan('quick').options).toMatchObject({ snapshotEpochs: [1, 3, 5, 150] });
    expect(studyScale(study, undefined).id).toBe(study.defaultScale);
  });
});

describe('the filters figure', () => {
  it('gives each panel its own colour scale symmetric about zero, with its range in the title', () => {
    const spec = filterFigureSpec(
      [
        { epoch: 1, shape: [2, 2], values: [0.5, -2, 1, 0], min: -2, max: 1 },
        { epoch: 2.5, shape: [2, 2], values: [0.01, 0, 0, 0.02], min: 0, max: 0.02 },
      ],
      't',
    ) as {
      resolve: unknown;
      hconcat: {
        title: { text: string[] };
        encoding: { color: { scale: { domain: number[] } } };
        data: { values: unknown[] };
      }[];
    };
    expect(spec.resolve).toEqual({ scale: { color: 'independent' }, legend: { color: 'independent' } });
    const [first, second] = spec.hconcat;
    expect(first.title.text).toEqual(['epoch 1', '−2 ≤ W ≤ 1']);
    expect(second.title.text).toEqual(['epoch 2.50', '0 ≤ W ≤ 0.02']);
    expect(first.encoding.color.scale.domain).toEqual([-2, 2]);
    expect(second.encoding.color.scale.domain).toEqual([-0.02, 0.02]);
    expect(first.data.values).toEqual([
      { slice: '', row: 0, col: 0, w: 0.5 },
      { slice: '', row: 0, col: 1, w: -2 },
      { slice: '', row: 1, col: 0, w: 1 },
      { slice: '', row: 1, col: 1, w: 0 },
    ]);
  });

  it('shows a 3D filter as one row per slice of the leading axis', () => {
    const values = Array.from({ length: 8 }, (_, k) => k - 3);
    const spec = filterFigureSpec([{ epoch: 3, shape: [2, 2, 2], values, min: -3, max: 4 }], 't') as {
      hconcat: { facet: unknown; data: { values: { slice: string }[] } }[];
    };
    expect(spec.hconcat[0].facet).toEqual({ row: { field: 'slice', type: 'ordinal', title: null } });
    expect(spec.hconcat[0].data.values.map((v) => v.slice)).toEqual([
      ...Array(4).fill('slice 0'),
      ...Array(4).fill('slice 1'),
    ]);
  });
});
