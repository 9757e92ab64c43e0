import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseChecksummedJson,
  Registry,
  resolveModel,
  type Study,
  studyTrainingOptions,
  studyTrainings,
} from '@rsrg/core';
import { ensembleCodec, ensembleConfiguration } from '@rsrg/mcrg';
import { plugin as models } from '@rsrg/models';
import { pottsRbmProjectorCodec, plugin as projectors } from '@rsrg/projectors';
import { studyScale } from '@rsrg/studies';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, rsrg } from './fixtures/run-rsrg.js';

const registry = new Registry().use(models).use(projectors);

describe.each([
  ['potts2d-q3', 3, 6 / 5, 28 / 15],
  ['potts2d-q4', 4, 3 / 2, 15 / 8],
] as const)('study %s', (id, q, yt, yh) => {
  const study: Study = registry.studies.get(id);

  it('runs the q-state Potts model at K_c with plurality rule and the learned q-state RBM', () => {
    expect(study.model).toBe('potts2d');
    expect(study.modelOptions).toEqual({ q });
    const model = resolveModel(registry.models.get(study.model), study.modelOptions);
    expect(model.spins).toEqual({ kind: 'state', states: q });
    expect(model.exponents).toEqual({ yt, yh });
    expect(model.criticalCoupling).toBeCloseTo(Math.log(1 + Math.sqrt(q)), 12);
    expect(study.coupling).toBeUndefined();
    expect(study.size).toBe(64);
    expect(study.projectors).toEqual(['majority', 'potts-rbm']);
    // The trainer's q is the model's.
    expect(studyTrainings(study)[0]?.trainer).toBe('potts-rbm');
    expect(studyTrainings(study)[0]?.options?.q).toBe(q);
    expect(study.reference).toEqual([]);
    expect(studyScale(study, undefined).id).toBe('quick');
  });

  it.each(['quick', 'campaign'])(
    'scale %s plans a 4² filter with stride 2 on a lattice it fits',
    (scaleId) => {
      const { scale } = studyScale(study, scaleId);
      const trainingSize = scale.trainingSize ?? study.size;
      const configurations = scale.trainingConfigurations ?? 0;
      const plan = registry.trainers
        .get('potts-rbm')
        .plan(studyTrainingOptions(study, studyTrainings(study)[0], scaleId), {
          lattice: registry.models.get(study.model).lattice(trainingSize),
          count: configurations,
        });
      const options = plan.options as {
        q: number;
        width: number;
        blockSize: number;
        initScale: number;
        snapshotEpochs: number[];
      };
      expect(options.q).toBe(q);
      expect(options.width).toBe(4);
      expect(options.blockSize).toBe(2);
      // W > 0 at the start: the plurality-like basin (packages/projectors README).
      expect(options.initScale).toBeGreaterThan(0);
      expect(study.size % options.blockSize).toBe(0);
      const every = scale.evaluateEvery ?? 0;
      expect(plan.steps / every).toBeGreaterThanOrEqual(5);
      expect(plan.steps / every).toBeLessThanOrEqual(50);
      expect(options.snapshotEpochs.at(-1)).toBe(plan.epochs);
      expect(scale.measurementSamples).toBeGreaterThan(configurations);
    },
  );
});

interface Doc {
  parameters: {
    model: string;
    modelOptions?: Record<string, unknown>;
    measurement: { modelOptions?: Record<string, unknown> };
    training: { q: number };
  };
  model: { id: string; states?: number; sectors?: { even: string; odd: string }; exponents: { yt?: number } };
  estimates: { projector: string; sector: string; exponent: string; nr: number; nc: number; y: number }[];
  comparison: { projector: string; sector: string; nr: number; nc: number; y: number }[];
  training: { evaluation: { y: number; estimates: { y: number }[] }[] };
}

describe('rsrg reproduce of a Potts study (potts2d-q4 at a tiny scale)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'rsrg-reproduce-potts-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const plugin = ['--plugin', fixture('tiny-potts-study.mjs')];
  const run = (id: string) =>
    rsrg(tmp, [
      ...plugin,
      'reproduce',
      id,
      '--out',
      id,
      '--seed',
      '3',
      '--workers',
      '1',
      '--keep-data',
      '--json',
    ]);
  let q4: Doc;
  let q3: Doc;

  beforeAll(async () => {
    const [a, b] = await Promise.all([run('potts2d-q4-tiny'), run('potts2d-tiny-default')]);
    for (const r of [a, b]) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    q4 = JSON.parse(a.stdout);
    q3 = JSON.parse(b.stdout);
  }, 120_000);

  /** Every state of the ensemble file's configurations, and its header's q. */
  const ensembleStates = (id: string) => {
    const e = ensembleCodec.decode(readFileSync(join(tmp, id, 'training-data.rsrg')), 'training-data.rsrg');
    const seen = new Set<number>();
    for (let i = 0; i < e.count; i++) for (const s of ensembleConfiguration(e, i)) seen.add(s);
    return { header: e.header, states: [...seen].sort() };
  };

  it('records q = 4 in the parameters, the measurement and the model of result.json', () => {
    expect(q4.parameters.model).toBe('potts2d');
    expect(q4.parameters.modelOptions).toEqual({ q: 4 });
    expect(q4.parameters.measurement.modelOptions).toEqual({ q: 4 });
    expect(q4.parameters.training.q).toBe(4);
    expect(q4.model.states).toBe(4);
    expect(q4.model.exponents.yt).toBe(1.5);
    // result.json is the printed document.
    const file = parseChecksummedJson(
      readFileSync(join(tmp, 'potts2d-q4-tiny', 'result.json'), 'utf8'),
      'result.json',
    );
    expect(file.checksum).toBe('verified');
    expect(file.value).toEqual(q4);
    // Control: the same study without model options runs potts2d's default, q = 3.
    expect(q3.parameters.modelOptions).toEqual({ q: 3 });
    expect(q3.model.states).toBe(3);
  });

  it('samples the training data at q = 4: header and configurations', () => {
    const { header, states } = ensembleStates('potts2d-q4-tiny');
    expect(header.modelOptions).toEqual({ q: 4 });
    expect(header.states).toBe(4);
    expect(header.size).toBe(8);
    expect(states).toEqual([0, 1, 2, 3]);
    // Control: without the option, three states.
    const control = ensembleStates('potts2d-tiny-default');
    expect(control.header.states).toBe(3);
    expect(control.states).toEqual([0, 1, 2]);
  });

  it('trains a 4-state filter and follows y_t on 4-state configurations during training', () => {
    const file = pottsRbmProjectorCodec.decode(
      readFileSync(join(tmp, 'potts2d-q4-tiny', 'projector.rsrg')),
      'projector.rsrg',
    );
    expect(file.q).toBe(4);
    expect(q4.training.evaluation.length).toBeGreaterThanOrEqual(2);
    for (const p of q4.training.evaluation) {
      expect(p.estimates.length).toBe(7);
      expect(p.estimates.every((e) => Number.isFinite(e.y))).toBe(true);
    }
  });

  it('measures y_t and y_h with both projectors at every N_r and N_c, and compares the thermal sector', () => {
    expect(q4.model.sectors).toEqual({ even: 'thermal', odd: 'magnetic' });
    for (const projector of ['majority', 'potts-rbm']) {
      for (const [sector, exponent, ncs] of [
        ['thermal', 'y_t', 7],
        ['magnetic', 'y_h', 5],
      ] as const) {
        const rows = q4.estimates.filter((e) => e.projector === projector && e.sector === sector);
        expect(rows.length, `${projector} ${sector}`).toBe(2 * ncs);
        expect(rows.every((e) => e.exponent === exponent && Number.isFinite(e.y))).toBe(true);
      }
    }
    // No published table: the comparison lists the y_t sector's cells, both projectors.
    expect(q4.comparison.length).toBe(2 * 2 * 7);
    expect(q4.comparison.every((c) => c.sector === 'thermal')).toBe(true);
    const md = readFileSync(join(tmp, 'potts2d-q4-tiny', 'comparison.md'), 'utf8');
    expect(md).toContain('y_t from the thermal couplings');
    const report = readFileSync(join(tmp, 'potts2d-q4-tiny', 'report.md'), 'utf8');
    expect(report).toContain('potts2d (q = 4)');
  });
});
