import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lattice, Registry } from '@rsrg/core';
import {
  analyzeEnsemble,
  ensembleCodec,
  ensembleConfiguration,
  modelCouplings,
  sampleEnsemble,
} from '@rsrg/mcrg';
import { plugin as models } from '@rsrg/models';
import {
  plugin as projectors,
  type RbmTrainingMetadata,
  rbmProjector,
  rbmProjectorCodec,
  rbmTrainOptions,
  readRbmTrainerOptions,
  trainRbm,
} from '@rsrg/projectors';
import { plugin as samplers } from '@rsrg/samplers';
import { deriveSeed, type EvaluationPoint } from '@rsrg/studies';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, rsrg } from './fixtures/run-rsrg.js';

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-train-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SEED = 3;
// 8×8 data, a 4×4 filter, two epochs of 20 minibatches: a second or two.
const training = ['--epochs', '2', '--width', '4', '--batch', '10', '--seed', String(SEED)];

/** The training record of a projector file written by `rsrg train`: the trainer's, plus y_t along the way. */
type TrainingRecord = RbmTrainingMetadata & { readonly evaluation: readonly EvaluationPoint[] };

interface TrainDoc {
  schemaVersion: number;
  command: string;
  trainer: string;
  projector: string;
  out: string;
  exportWeightDat: string;
  data: { header: { seed: number; chains: number; model: string }; count: number };
  seeds: { master: number; training: number; evaluation?: number; trainingData?: number };
  steps: number;
  stepsPerEpoch: number;
  history: { epoch: number; steps: number }[];
  evaluation: EvaluationPoint[];
  filter: { dimension: number; width: number; blockSize: number; weights: number[] };
}

describe('rsrg train', () => {
  let doc: TrainDoc;

  beforeAll(async () => {
    const sampled = await rsrg(tmp, [
      'sample',
      '--model',
      'ising2d',
      '--size',
      '8',
      '--samples',
      '200',
      '--chains',
      '4',
      '--thermalize',
      '100',
      '--seed',
      '5',
      '--workers',
      '1',
      '--out',
      'd.rsrg',
    ]);
    expect(sampled.code, sampled.stderr).toBe(0);
    const r = await rsrg(tmp, [
      'train',
      '--data',
      'd.rsrg',
      ...training,
      '--eval-every',
      '15',
      '--eval-samples',
      '256',
      '--workers',
      '1',
      '--out',
      'p.rsrg',
      '--export-weight-dat',
      'w.dat',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    doc = JSON.parse(r.stdout);
  });

  it('writes a projector file with the filter, the training record and the y_t evaluations', () => {
    const file = rbmProjectorCodec.decode(readFileSync(join(tmp, 'p.rsrg')));
    expect(file.filter).toMatchObject({ dimension: 2, width: 4, blockSize: 2 });
    expect(Array.from(file.filter.weights)).toEqual(doc.filter.weights);
    expect(doc).toMatchObject({ schemaVersion: 2, command: 'train', trainer: 'rbm', projector: 'rbm' });
    const t = file.training as TrainingRecord;
    expect(t.options).toMatchObject({
      // The default preset of trainer rbm.
      preset: 'nmcrg',
      seed: SEED,
      epochs: 2,
      batchSize: 10,
      width: 4,
    });
    expect(t.data.configurations).toBe(200);
    expect(t.history.map((e) => e.epoch)).toEqual([1, 2]);
    expect(doc.stepsPerEpoch).toBe(20);
    expect(doc.steps).toBe(40);
    // Every 15 steps, and after the last.
    expect(t.evaluation.map((p) => p.step)).toEqual([15, 30, 40]);
    expect(JSON.parse(JSON.stringify(t.evaluation))).toEqual(doc.evaluation);
    for (const p of t.evaluation) {
      expect(p.estimates.map((e) => e.nc)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(p.samples).toBe(256);
    }
  });

  it('trains exactly as trainRbm in this thread (the worker only moves the computation)', () => {
    const data = ensembleCodec.decode(readFileSync(join(tmp, 'd.rsrg')));
    const lattice = new Lattice(data.header.sizes);
    const configs = new Int8Array(data.count * lattice.volume);
    for (let i = 0; i < data.count; i++) {
      ensembleConfiguration(data, i, configs.subarray(i * lattice.volume, (i + 1) * lattice.volume));
    }
    const options = rbmTrainOptions(readRbmTrainerOptions({ epochs: 2, width: 4, batchSize: 10 }), SEED, 200);
    const here = trainRbm({ lattice, configs }, options);
    expect(Array.from(here.filter.weights)).toEqual(doc.filter.weights);
    expect(here.history.map((e) => e.reconstructionError)).toEqual(
      doc.history.map((e) => (e as unknown as { reconstructionError: number }).reconstructionError),
    );
  });

  it('writes the same filter with --workers 2 as with --workers 1', async () => {
    const r = await rsrg(tmp, [
      'train',
      '--data',
      'd.rsrg',
      ...training,
      '--workers',
      '2',
      '--out',
      'p2.rsrg',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const two = rbmProjectorCodec.decode(readFileSync(join(tmp, 'p2.rsrg')));
    expect(Array.from(two.filter.weights)).toEqual(doc.filter.weights);
  });

  it('measures y_t on fresh configurations sampled with the derived evaluation seed', async () => {
    const h = (await import('@rsrg/mcrg')).ensembleCodec.decode(readFileSync(join(tmp, 'd.rsrg'))).header;
    const evaluationSeed = deriveSeed(SEED, 2);
    expect(doc.seeds).toEqual({ master: SEED, training: SEED, evaluation: evaluationSeed });
    expect(evaluationSeed).not.toBe(h.seed);
    const registry = new Registry().use(models).use(samplers).use(projectors);
    const fresh = await sampleEnsemble(registry, {
      model: h.model,
      size: h.size,
      coupling: h.coupling,
      sampler: h.sampler,
      interval: h.interval,
      thermalize: h.thermalize,
      chains: h.chains,
      samples: 256,
      seed: evaluationSeed,
      workers: 1,
    });
    const file = rbmProjectorCodec.decode(readFileSync(join(tmp, 'p.rsrg')));
    const again = analyzeEnsemble(fresh, rbmProjector(file.filter), {
      even: modelCouplings(registry, h.model).even,
      odd: [],
      levels: 1,
      seed: evaluationSeed,
    });
    const last = doc.evaluation[doc.evaluation.length - 1];
    expect(last.step).toBe(doc.steps);
    expect(Number.isFinite(last.estimates[0].y)).toBe(true);
    expect(again.estimates.map((e) => e.y)).toEqual(last.estimates.map((e) => e.y ?? Number.NaN));
  });

  it('writes a projector file that mcrg --projector rbm --weights uses', async () => {
    const r = await rsrg(tmp, [
      'mcrg',
      '--size',
      '8',
      '--samples',
      '400',
      '--chains',
      '4',
      '--bins',
      '10',
      '--workers',
      '1',
      '--projector',
      'rbm',
      '--weights',
      'p.rsrg',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.parameters.projector).toBe('rbm');
    expect(m.parameters.projectorOptions.weights).toBe(join(tmp, 'p.rsrg'));
    expect(m.estimates.length).toBeGreaterThan(0);
  });

  it('round-trips the filter through weight.dat export and import', async () => {
    const dat = readFileSync(join(tmp, 'w.dat'));
    expect(dat.length).toBe(4 * 16);
    const r = await rsrg(tmp, ['train', '--import-weight-dat', 'w.dat', '--out', 'imported.rsrg', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const imported = rbmProjectorCodec.decode(readFileSync(join(tmp, 'imported.rsrg')));
    expect(imported.training).toBeUndefined();
    expect(imported.filter).toMatchObject({ dimension: 2, width: 4, blockSize: 2 });
    expect(Array.from(imported.filter.weights)).toEqual(doc.filter.weights.map((w) => Math.fround(w)));
  });

  it('samples its own data with the derived training-data seed when given --model', async () => {
    const r = await rsrg(tmp, [
      'train',
      '--model',
      'ising2d',
      '--size',
      '8',
      '--samples',
      '40',
      '--thermalize',
      '50',
      '--epochs',
      '1',
      '--width',
      '4',
      '--batch',
      '10',
      '--seed',
      '9',
      '--workers',
      '1',
      '--out',
      'm.rsrg',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as TrainDoc;
    expect(d.data.count).toBe(40);
    expect(d.data.header.seed).toBe(deriveSeed(9, 1));
    expect(d.seeds).toEqual({ master: 9, training: 9, trainingData: deriveSeed(9, 1) });
    expect(d.evaluation).toEqual([]);
  });

  it('reports bad input in one line: exit 2 for usage, 1 for corrupt files', async () => {
    writeFileSync(join(tmp, 'corrupt.rsrg'), Buffer.from('not a projector'));
    writeFileSync(join(tmp, 'short.dat'), Buffer.alloc(10));
    const runs = await Promise.all([
      rsrg(tmp, ['train', '--data', 'missing.rsrg', '--out', 'x.rsrg']),
      rsrg(tmp, ['train', '--out', 'x.rsrg']),
      rsrg(tmp, ['train', '--data', 'd.rsrg', '--model', 'ising2d', '--out', 'x.rsrg']),
      rsrg(tmp, ['train', '--data', 'd.rsrg', '--preset', 'nope', '--out', 'x.rsrg']),
      rsrg(tmp, ['train', '--data', 'd.rsrg', '--eval-samples', '100', '--out', 'x.rsrg']),
      rsrg(tmp, [
        'train',
        '--data',
        'd.rsrg',
        '--schedule',
        'constant',
        '--lr-final',
        '1e-4',
        '--out',
        'x.rsrg',
      ]),
      rsrg(tmp, ['train', '--data', 'd.rsrg']),
      rsrg(tmp, ['mcrg', '--size', '8', '--projector', 'rbm', '--weights', 'corrupt.rsrg']),
      rsrg(tmp, ['train', '--import-weight-dat', 'short.dat', '--out', 'x.rsrg']),
      rsrg(tmp, ['train', '--import-weight-dat', 'w.dat', '--epochs', '3', '--out', 'x.rsrg']),
      rsrg(tmp, ['train', '--data', 'd.rsrg', '--trainer', 'nope', '--out', 'x.rsrg']),
      rsrg(tmp, [
        'train',
        '--data',
        'd.rsrg',
        '--epochs',
        '2',
        '--trainer-option',
        'epochs=3',
        '--out',
        'x.rsrg',
      ]),
      rsrg(tmp, ['train', '--data', 'd.rsrg', '--trainer-option', 'epoch=3', '--out', 'x.rsrg']),
      rsrg(tmp, ['train', '--data', 'd.rsrg', '--trainer-option', 'width', '--out', 'x.rsrg']),
    ]);
    const expected: [number, RegExp][] = [
      [2, /--data: no such file 'missing\.rsrg'/],
      [2, /give --data FILE, or --model, --size and --samples/],
      [2, /--model cannot be used with it/],
      [2, /trainer 'rbm': preset must be one of chung-kao-2019, nmcrg, got nope/],
      [2, /--eval-samples needs --eval-every/],
      [2, /sqrt schedule/],
      [2, /--out/],
      [1, /corrupt\.rsrg/],
      [1, /short\.dat has 10 bytes/],
      [2, /--import-weight-dat .* not --epochs/],
      [2, /unknown trainer 'nope' \(known: [^)]*\brbm\b[^)]*\)/],
      [2, /--trainer-option epochs is given by --epochs already/],
      [2, /trainer 'rbm' has no option 'epoch' \(known: preset, epochs/],
      [2, /--trainer-option: expected key=value, got 'width'/],
    ];
    for (const [i, r] of runs.entries()) expectOneLineError(r, expected[i][0], expected[i][1]);
  });
});
