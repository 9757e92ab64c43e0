import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Registry } from '@rsrg/core';
import { analyzeEnsemble, modelCouplings, sampleEnsemble } from '@rsrg/mcrg';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EvaluationPoint, trainProjector } from '../src/index.js';

// Worker threads load built modules: the plugins by file URL (so that the evaluation worker
// rebuilds the same registry) and this package's dist/evaluate-worker.js.
const built = (path: string) => new URL(`../../${path}`, import.meta.url).href;
const plugins = ['models/dist/index.js', 'samplers/dist/index.js', 'projectors/dist/index.js'].map(built);

beforeAll(() => {
  if (!existsSync(fileURLToPath(new URL('../dist/evaluate-worker.js', import.meta.url)))) {
    execFileSync('pnpm', ['--filter', '@rsrg/studies', 'build'], { stdio: 'ignore' });
  }
});

async function setup() {
  const registry = new Registry();
  for (const p of plugins) await registry.load(p);
  const sampling = { model: 'ising2d', size: 8, thermalize: 100, interval: 2, workers: 1, sampler: 'wolff' };
  const data = await sampleEnsemble(registry, { ...sampling, samples: 120, seed: 3 });
  const fresh = await sampleEnsemble(registry, { ...sampling, samples: 160, seed: 4 });
  return { registry, data, fresh };
}

describe('trainProjector', () => {
  it('follows y_t with the trainer’s own load, exactly as analyzeEnsemble on the snapshot', async () => {
    const { registry, data, fresh } = await setup();
    const points: EvaluationPoint[] = [];
    const epochs: number[] = [];
    const outcome = await trainProjector(
      registry,
      {
        trainer: 'rbm',
        options: { preset: 'chung-kao-2019', epochs: 2, width: 4, batchSize: 10 },
        data,
        seed: 2,
        workers: 1,
        evaluation: { ensemble: fresh, every: 10, seed: 9 },
      },
      { onEvaluation: (p) => points.push(p), onEpoch: (e) => epochs.push(e.epoch) },
    );
    expect(epochs).toEqual([1, 2]);
    expect(outcome.trained.plan).toMatchObject({ steps: 24, stepsPerEpoch: 12 });
    expect(outcome.evaluation.map((p) => p.step)).toEqual([10, 20, 24]);
    expect(points).toEqual(outcome.evaluation);
    expect(outcome.evaluation.map((p) => p.epoch)).toEqual([10 / 12, 20 / 12, 2]);
    // The last point: the final projector, measured here on this thread.
    const projector = await registry.trainers.get('rbm').load(outcome.trained.file);
    const here = analyzeEnsemble(fresh, projector, {
      even: modelCouplings(registry, 'ising2d').even,
      odd: [],
      levels: 1,
      seed: 9,
    });
    const last = outcome.evaluation[2];
    expect(last.estimates.map((e) => e.y)).toEqual(
      here.estimates.filter((e) => e.sector === 'even' && e.nr === 1).map((e) => e.y),
    );
    // The points are in the projector file's training record.
    expect(outcome.trained.metadata.evaluation).toEqual(outcome.evaluation);
  });

  it('refuses a bad option before any thread starts, and stops on its signal', async () => {
    const { registry, data, fresh } = await setup();
    await expect(
      trainProjector(registry, { trainer: 'rbm', options: { epoch: 2 }, data, seed: 1, workers: 1 }),
    ).rejects.toThrow(/trainer 'rbm' has no option 'epoch'/);
    await expect(trainProjector(registry, { trainer: 'nope', data, seed: 1, workers: 1 })).rejects.toThrow(
      /unknown trainer 'nope' \(known: [^)]*\brbm\b[^)]*\)/,
    );
    const controller = new AbortController();
    const run = trainProjector(
      registry,
      {
        trainer: 'rbm',
        options: { epochs: 100, width: 4, batchSize: 10 },
        data,
        seed: 1,
        workers: 1,
        evaluation: { ensemble: fresh, every: 5, seed: 9 },
      },
      { signal: controller.signal, onEvaluation: () => controller.abort(new Error('stopped')) },
    );
    await expect(run).rejects.toThrow('stopped');
  });
});
