import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lattice, type ProjectorSnapshot, Registry, Rng, type TrainingEpoch } from '@rsrg/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  plugin,
  type RbmProjector,
  rbmProjectorCodec,
  rbmTrainer,
  rbmTrainOptions,
  readRbmTrainerOptions,
  resolveTrainOptions,
  trainRbm,
} from '../src/index.js';

const root = fileURLToPath(new URL('../', import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

// Trainer rbm runs the built dist/rbm-trainer.js: build it when missing or older than the sources.
beforeAll(() => {
  const file = join(root, 'dist', 'rbm-trainer.js');
  if (!existsSync(file) || statSync(file).mtimeMs < newestSource(join(root, 'src'))) {
    execFileSync('pnpm', ['--filter', '@rsrg/projectors', 'build'], { stdio: 'ignore' });
  }
});

const lattice = Lattice.cubic(2, 8);

/** Random ±1 configurations: enough to check that the trainer is trainRbm, bit for bit. */
function configurations(n: number, seed: number): Int8Array {
  const rng = Rng.stream(seed, 0);
  const out = new Int8Array(n * lattice.volume);
  for (let i = 0; i < out.length; i++) out[i] = rng.nextSign();
  return out;
}

describe("trainer 'rbm': options", () => {
  it('is registered by the projectors plugin beside the rbm projector', () => {
    const registry = new Registry().use(plugin);
    expect(registry.trainers.get('rbm')).toBe(rbmTrainer);
    expect(registry.projectors.has(rbmTrainer.projector)).toBe(true);
  });

  it('maps the options onto the preset (default nmcrg), strings from the command line included', () => {
    const o = (options: Record<string, string | number | boolean>) =>
      rbmTrainOptions(readRbmTrainerOptions(options), 2, 100);
    expect(o({})).toEqual({ preset: 'nmcrg', seed: 2, configurations: 100 });
    expect(o({ preset: 'chung-kao-2019', epochs: 10, decayEpochs: 5 }).schedule).toEqual({
      kind: 'sqrt-decay',
      initial: 1e-3,
      final: 1e-4,
      decayEpochs: 5,
    });
    expect(o({ schedule: 'sqrt' }).schedule).toEqual({
      kind: 'sqrt-decay',
      initial: 1e-3,
      final: 1e-4,
      decayEpochs: 50,
    });
    expect(o({ preset: 'chung-kao-2019', schedule: 'constant' }).schedule).toEqual({
      kind: 'constant',
      rate: 1e-3,
    });
    expect(o({ preset: 'chung-kao-2019' }).schedule).toBeUndefined();
    expect(o({ epochs: '3', persistent: 'true', learningRate: '2e-3', configurations: 40 })).toMatchObject({
      epochs: 3,
      persistent: true,
      schedule: { kind: 'constant', rate: 2e-3 },
      configurations: 40,
    });
  });

  it('keeps snapshots at the listed epochs; one past the last keeps the last', () => {
    const epochs = (snapshotEpochs: string, e: number) =>
      resolveTrainOptions(rbmTrainOptions(readRbmTrainerOptions({ snapshotEpochs, epochs: e }), 1, 10))
        .snapshotEpochs;
    expect(epochs('1,3,5,100', 10)).toEqual([1, 3, 5, 10]);
    expect(epochs('1,3,5,100', 150)).toEqual([1, 3, 5, 100]);
    expect(epochs('1, 50', 2)).toEqual([1, 2]);
    // The default: 1, 3, 5 and the last.
    expect(
      resolveTrainOptions(rbmTrainOptions(readRbmTrainerOptions({ epochs: 4 }), 1, 10)).snapshotEpochs,
    ).toEqual([1, 3, 4]);
  });

  it('refuses unknown keys, bad values and a schedule that does not fit, naming the trainer', () => {
    const bad = (options: Record<string, string | number | boolean>) => () =>
      rbmTrainer.plan(options, { lattice, count: 10 });
    expect(bad({ epoch: 3 })).toThrow(/trainer 'rbm' has no option 'epoch' \(known: preset, epochs/);
    expect(bad({ epochs: 'three' })).toThrow(/trainer 'rbm': epochs must be an integer ≥ 1, got three/);
    expect(bad({ preset: 'paper' })).toThrow(/preset must be one of chung-kao-2019, nmcrg, got paper/);
    expect(bad({ learningRate: 0 })).toThrow(/learningRate must be a positive number/);
    expect(bad({ schedule: 'constant', decayEpochs: 3 })).toThrow(/need the sqrt schedule/);
    expect(bad({ snapshotEpochs: '1,,3' })).toThrow(/snapshotEpochs must be 1-based epochs/);
    expect(bad({ blockSize: 3 })).toThrow(/lattice 8×8 is not divisible into blocks of side 3/);
    expect(() =>
      rbmTrainer.plan({ width: 4, batchSize: 10 }, { lattice: Lattice.cubic(3, 4), count: 10 }),
    ).not.toThrow();
  });

  it('plans steps from the options and the data, before any data exist', () => {
    expect(rbmTrainer.plan({ epochs: 3, batchSize: 7 }, { lattice, count: 50 })).toMatchObject({
      steps: 24,
      stepsPerEpoch: 8,
      epochs: 3,
      options: { preset: 'nmcrg', epochs: 3, batchSize: 7, configurations: 50 },
    });
    expect(rbmTrainer.plan({ configurations: 20, batchSize: 20 }, { lattice, count: 50 })).toMatchObject({
      stepsPerEpoch: 1,
      steps: 100,
    });
    // A minibatch larger than the configurations used is refused (issue 12), not silently cut.
    expect(() => rbmTrainer.plan({ configurations: 20, batchSize: 50 }, { lattice, count: 50 })).toThrow(
      /minibatch of 50 is larger than the 20 training configurations/,
    );
  });
});

describe("trainer 'rbm': training", () => {
  const count = 60;
  const data = { lattice, configurations: configurations(count, 7), count, description: 'random spins' };
  const options = { preset: 'chung-kao-2019', epochs: 3, batchSize: 10, width: 4, snapshotEpochs: '1,3' };

  it('trains as trainRbm on this thread, hands out snapshots and keeps the record it is given', async () => {
    const epochs: TrainingEpoch[] = [];
    const snapshots: ProjectorSnapshot[] = [];
    let planned = 0;
    const trained = await rbmTrainer.train(
      data,
      options,
      { seed: 5, workers: 2, sources: [] },
      {
        onStart: (plan) => {
          planned = plan.steps;
        },
        onEpoch: (e) => epochs.push(e),
        snapshotEvery: 7,
        onSnapshot: (s) => snapshots.push(s),
        record: async () => ({ evaluation: ['a point'] }),
      },
    );
    const here = trainRbm(
      { lattice, configs: data.configurations, description: data.description },
      rbmTrainOptions(readRbmTrainerOptions(options), 5, count),
    );
    expect(planned).toBe(18);
    expect(trained.plan).toMatchObject({ steps: 18, stepsPerEpoch: 6, epochs: 3 });
    expect(trained.parameters.values).toEqual(Array.from(here.filter.weights));
    expect(trained.parameters).toMatchObject({
      shape: [4, 4],
      attributes: { dimension: 2, width: 4, blockSize: 2 },
    });
    expect(trained.history.map((e) => e.metrics.reconstructionError)).toEqual(
      here.history.map((e) => e.reconstructionError),
    );
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(Object.keys(epochs[0].metrics)).toEqual(rbmTrainer.metrics?.map((m) => m.key));
    expect(trained.snapshots.map((s) => [s.epoch, s.step])).toEqual([
      [1, 6],
      [3, 18],
    ]);
    expect(trained.snapshots[1].values).toEqual(trained.parameters.values);
    // Every 7 steps and after the last; each snapshot is a complete projector file.
    expect(snapshots.map((s) => s.step)).toEqual([7, 14, 18]);
    expect(snapshots.map((s) => s.epoch)).toEqual([7 / 6, 14 / 6, 3]);
    expect(snapshots[2].values).toEqual(trained.parameters.values);
    const loaded = (await rbmTrainer.load(snapshots[2].file)) as RbmProjector;
    expect(Array.from(loaded.filter.weights)).toEqual(trained.parameters.values);
    // The file: the filter and the trainer's record, with what the `record` hook added.
    const file = rbmProjectorCodec.decode(trained.file);
    expect(Array.from(file.filter.weights)).toEqual(trained.parameters.values);
    expect(file.training).toMatchObject({
      steps: 18,
      options: { seed: 5, epochs: 3 },
      evaluation: ['a point'],
    });
    expect(trained.metadata).toMatchObject({ evaluation: ['a point'] });
  });

  it('describes the run for reports', async () => {
    const trained = await rbmTrainer.train(
      data,
      { ...options, epochs: 1 },
      { seed: 1, workers: 1, sources: [] },
    );
    expect(rbmTrainer.describe?.(trained)).toEqual([
      [
        'training',
        'preset `chung-kao-2019`: 1 epochs × 6 steps (minibatch 10), CD-3, Adam, η = 0.001 decaying as a square root to 0.0001 at epoch 25, then constant',
      ],
      ['filter', '4^2 weights, stride b = 2, initial weights uniform in ±0.01'],
    ]);
  });

  it('stops when its signal aborts, and fails in one piece when an observer throws', async () => {
    const controller = new AbortController();
    const run = rbmTrainer.train(
      data,
      { ...options, epochs: 50 },
      { seed: 1, workers: 1, sources: [] },
      { signal: controller.signal, onEpoch: () => controller.abort(new Error('stopped')) },
    );
    await expect(run).rejects.toThrow('stopped');
    await expect(
      rbmTrainer.train(
        data,
        options,
        { seed: 1, workers: 1, sources: [] },
        {
          snapshotEvery: 1,
          onSnapshot: () => {
            throw new Error('observer failed');
          },
        },
      ),
    ).rejects.toThrow('observer failed');
  });
});
