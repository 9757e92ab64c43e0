// A stopped RBM training resumed from its checkpoint ends with the filter, snapshots and history
// of the uninterrupted one, bit for bit (wall times aside): on this thread and on workers, with
// CD and PCD, stopped mid-epoch, at an epoch's first minibatch and more than once.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CheckpointRequests, Lattice, Rng, TrainingStopped } from '@rsrg/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type EpochInfo,
  type RbmFilter,
  type RbmTrainingState,
  rbmTrainingStateCodec,
  type TrainOptions,
  type TrainResult,
  trainRbm,
  trainRbmParallel,
} from '../src/rbm/index.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const workerFile = join(root, 'dist', 'rbm-train-worker.js');
beforeAll(() => {
  if (
    !existsSync(workerFile) ||
    statSync(workerFile).mtimeMs < statSync(join(root, 'src/rbm/training.ts')).mtimeMs
  ) {
    execFileSync('pnpm', ['--filter', '@rsrg/projectors', 'build'], { stdio: 'ignore' });
  }
});

const L = 8;
const lattice = Lattice.cubic(2, L);
const configs = (() => {
  const rng = Rng.stream(17, 0);
  const out = new Int8Array(60 * L * L);
  // Correlated rows, so that the gradient is not noise alone.
  for (let c = 0; c < 60; c++) {
    const base = rng.nextSign();
    for (let i = 0; i < L * L; i++) out[c * L * L + i] = rng.nextFloat() < 0.8 ? base : -base;
  }
  return out;
})();
const data = { lattice, configs, description: 'test data' };

function bits(a: Float64Array): string[] {
  return Array.from(new BigUint64Array(Float64Array.from(a).buffer), (b) => b.toString(16));
}

function comparable(r: TrainResult): unknown {
  const epoch = ({ seconds: _, ...rest }: EpochInfo) => ({
    ...rest,
    learningRate: bits(Float64Array.of(rest.learningRate)),
    reconstructionError: bits(Float64Array.of(rest.reconstructionError)),
    meanAbsGradient: bits(Float64Array.of(rest.meanAbsGradient)),
  });
  const filter = (f: RbmFilter) => ({ ...f, weights: bits(f.weights) });
  const { seconds: _, history, ...metadata } = r.metadata;
  return {
    filter: filter(r.filter),
    snapshots: r.snapshots.map((s) => ({ epoch: s.epoch, filter: filter(s.filter) })),
    history: r.history.map(epoch),
    metadata: { ...metadata, history: history.map(epoch) },
  };
}

const cases: [string, TrainOptions][] = [
  ['CD-2, minibatch 8 (a short last batch)', { seed: 3, width: 4, epochs: 4, batchSize: 8, cdSteps: 2 }],
  [
    'PCD-1, symmetrized, sqrt schedule',
    {
      seed: 4,
      width: 4,
      epochs: 4,
      batchSize: 6,
      cdSteps: 1,
      persistent: true,
      symmetrize: true,
      initScale: 0.3,
      snapshotEpochs: [1, 3],
      schedule: { kind: 'sqrt-decay', initial: 1e-2, final: 1e-3, decayEpochs: 2 },
    },
  ],
];

type Driver = (options: TrainOptions, hooks: Parameters<typeof trainRbm>[2]) => Promise<TrainResult>;
const drivers: [string, Driver][] = [
  ['trainRbm', async (o, h) => trainRbm(data, o, h)],
  ['trainRbmParallel on 2 workers', (o, h) => trainRbmParallel(data, o, h, { workers: 2, workerFile })],
];

/**
 * Trains, stopping at each of `stops` (steps done when the stop is asked) and resuming from the
 * checkpoint, which goes through its file format each time.
 */
async function stoppedAndResumed(driver: Driver, options: TrainOptions, stops: number[]) {
  let resumeFrom: RbmTrainingState | undefined;
  const positions: number[] = [];
  for (const at of [...stops, Number.POSITIVE_INFINITY]) {
    const requests = new CheckpointRequests();
    let saved: RbmTrainingState | undefined;
    try {
      const result = await driver(options, {
        everySteps: 1,
        onStep: (step) => {
          if (step === at) requests.stop();
          // Checkpoints asked along the way change nothing.
          else if (step % 5 === 0) requests.checkpoint();
        },
        checkpoints: {
          requests,
          onCheckpoint: (s) => {
            saved = s;
          },
          ...(resumeFrom && { resumeFrom }),
        },
      });
      return { result, positions };
    } catch (err) {
      if (!(err instanceof TrainingStopped)) throw err;
      expect(saved?.step).toBe(at);
      positions.push(saved!.step);
      resumeFrom = rbmTrainingStateCodec.decode(rbmTrainingStateCodec.encode(saved!), 'checkpoint');
    }
  }
  throw new Error('unreachable');
}

describe('RBM training: stop, checkpoint, resume = uninterrupted, bit for bit', () => {
  for (const [name, options] of cases) {
    for (const [driverName, driver] of drivers) {
      it(`${name}, ${driverName}`, async () => {
        const expected = await driver(options, {});
        const perEpoch = Math.ceil(60 / (options.batchSize ?? 10));
        // Mid-epoch, then at an epoch's first minibatch (after its shuffle), then mid-epoch again.
        const stops = [3, 2 * perEpoch, 2 * perEpoch + 4];
        const { result, positions } = await stoppedAndResumed(driver, options, stops);
        expect(positions).toEqual(stops);
        expect(comparable(result)).toEqual(comparable(expected));
        expect(expected.history.at(-1)?.meanAbsGradient).toBeGreaterThan(0);
      });
    }
  }

  it('negative control: a checkpoint whose slot RNG state is lost does not resume identically', async () => {
    const [, options] = cases[0];
    const expected = await trainRbm(data, options);
    const requests = new CheckpointRequests();
    let saved: RbmTrainingState | undefined;
    await expect(
      Promise.resolve().then(() =>
        trainRbm(data, options, {
          everySteps: 1,
          onStep: (step) => step === 5 && requests.stop(),
          checkpoints: { requests, onCheckpoint: (s) => (saved = s) },
        }),
      ),
    ).rejects.toBeInstanceOf(TrainingStopped);
    const damaged = { ...saved!, slotRngs: Rng.stream(99, 1).s.slice() as Uint32Array };
    const fresh = new Uint32Array(saved!.slotRngs.length);
    for (let s = 0; s < fresh.length / 4; s++) fresh.set(Rng.stream(99, 1 + s).s, 4 * s);
    const resumed = trainRbm(data, options, {
      checkpoints: {
        requests: new CheckpointRequests(),
        onCheckpoint: () => {},
        resumeFrom: { ...damaged, slotRngs: fresh },
      },
    });
    expect(comparable(resumed)).not.toEqual(comparable(expected));
  });

  it('refuses a checkpoint of other options, in one line', () => {
    const [, options] = cases[0];
    const requests = new CheckpointRequests();
    let saved: RbmTrainingState | undefined;
    expect(() =>
      trainRbm(data, options, {
        everySteps: 1,
        onStep: (step) => step === 2 && requests.stop(),
        checkpoints: { requests, onCheckpoint: (s) => (saved = s) },
      }),
    ).toThrow(TrainingStopped);
    expect(() =>
      trainRbm(
        data,
        { ...options, cdSteps: 3 },
        {
          checkpoints: { requests: new CheckpointRequests(), onCheckpoint: () => {}, resumeFrom: saved! },
        },
      ),
    ).toThrow(/cannot resume the RBM training: its checkpoint holds other training options/);
  });
});
