import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FileFormatError,
  ISING_SPINS,
  Lattice,
  type ProjectorSnapshot,
  Rng,
  stateSpins,
  type TrainingEpoch,
  UnsupportedError,
  UsageError,
} from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { rbmFilter, rbmProjectorCodec } from '../src/rbm/index.js';
import {
  type PottsRbmProjector,
  pottsRbm,
  pottsRbmProjector,
  pottsRbmProjectorCodec,
  pottsRbmTrainer,
  pottsRbmTrainOptions,
  trainedPottsProjectorFile,
  trainPottsRbm,
} from '../src/rbm/potts/index.js';

const lattice = Lattice.cubic(2, 8);

/** Random 3-state configurations. */
function configurations(n: number, seed: number): Int8Array {
  const rng = Rng.stream(seed, 0);
  return Int8Array.from({ length: n * lattice.volume }, () => rng.nextInt(3));
}

function randomFilter(width: number, seed: number) {
  const rng = Rng.stream(seed, 0);
  const f = rbmFilter({ dimension: 2, width, blockSize: 2 });
  for (let k = 0; k < f.weights.length; k++) f.weights[k] = (2 * rng.nextFloat() - 1) * 0.5;
  return f;
}

describe('q-state RBM projector files and the potts-rbm projector', () => {
  const trained = trainPottsRbm(
    { lattice, configs: configurations(20, 1), description: 'random states' },
    { q: 3, seed: 3, width: 4, epochs: 2 },
  );

  it('round-trips q, the filter bits and the training record', () => {
    const back = pottsRbmProjectorCodec.decode(
      pottsRbmProjectorCodec.encode(trainedPottsProjectorFile(trained)),
    );
    expect(back.q).toBe(3);
    expect(back.filter).toMatchObject({ dimension: 2, width: 4, blockSize: 2 });
    expect(Array.from(back.filter.weights)).toEqual(Array.from(trained.filter.weights));
    expect(back.training).toEqual(JSON.parse(JSON.stringify(trained.metadata)));
    expect(back.training?.options.q).toBe(3);
    const bare = pottsRbmProjectorCodec.decode(
      pottsRbmProjectorCodec.encode({ q: 5, filter: randomFilter(3, 1) }),
    );
    expect(bare.q).toBe(5);
    expect(bare.training).toBeUndefined();
  });

  it('rejects damaged bytes, Ising RBM files and bad fields with FileFormatErrors that name them', () => {
    const good = pottsRbmProjectorCodec.encode({ q: 3, filter: randomFilter(2, 2) });
    expect(() => pottsRbmProjectorCodec.decode(good.subarray(0, good.length - 3), 'f.rsrg')).toThrow(
      FileFormatError,
    );
    const ising = rbmProjectorCodec.encode({ filter: randomFilter(2, 2) });
    expect(() => pottsRbmProjectorCodec.decode(ising, 'f.rsrg')).toThrow(/rbm-projector/);
    const encodeRaw = (data: Record<string, unknown>) =>
      pottsRbmProjectorCodec.encode(data as unknown as Parameters<typeof pottsRbmProjectorCodec.encode>[0]);
    const filter = randomFilter(2, 2);
    // toData reads q and the filter's fields: damage them through the value it encodes.
    expect(() => pottsRbmProjectorCodec.decode(encodeRaw({ q: 1, filter }))).toThrow(/field 'q'/);
    expect(() => pottsRbmProjectorCodec.decode(encodeRaw({ q: 300, filter }))).toThrow(/field 'q'/);
    expect(() =>
      pottsRbmProjectorCodec.decode(encodeRaw({ q: 3, filter: { ...filter, weights: new Float64Array(3) } })),
    ).toThrow(/field 'weights' must hold 4 numbers/);
    expect(() =>
      pottsRbmProjectorCodec.decode(
        encodeRaw({ q: 3, filter: { ...filter, weights: Float64Array.of(0, 1, Number.NaN, 0) } }),
      ),
    ).toThrow(/weight 2 is not a finite number/);
    expect(() =>
      pottsRbmProjectorCodec.decode(encodeRaw({ q: 3, filter: { ...filter, blockSize: 1 } })),
    ).toThrow(/field 'blockSize'/);
  });

  it("projector 'potts-rbm' reads a file, takes q from it or checks the given q, and checks its options", () => {
    const dir = mkdtempSync(join(tmpdir(), 'potts-rbm-'));
    const path = join(dir, 'filter.rsrg');
    writeFileSync(path, pottsRbmProjectorCodec.encode(trainedPottsProjectorFile(trained)));
    const p = pottsRbm.create({ weights: path }) as PottsRbmProjector;
    expect(p).toMatchObject({ id: 'potts-rbm', q: 3, blockSize: 2 });
    expect(Array.from(p.filter.weights)).toEqual(Array.from(trained.filter.weights));
    expect((pottsRbm.create({ weights: path, q: 3, blockSize: 2 }) as PottsRbmProjector).q).toBe(3);
    expect(() => pottsRbm.create({ weights: path, q: 4 })).toThrow(/for q = 3 states, not q = 4/);
    expect(() => pottsRbm.create({ weights: path, blockSize: 3 })).toThrow(/block size 2, not 3/);
    expect(() => pottsRbm.create({})).toThrow(/needs option 'weights'/);
    expect(() => pottsRbm.create({ weights: join(dir, 'missing.rsrg') })).toThrow(UsageError);
    expect(() => pottsRbm.create({ weights: path, q: 1 })).toThrow(UsageError);
    expect(() => pottsRbmProjector({ q: 1, filter: randomFilter(2, 3) })).toThrow(/projector 'potts-rbm': q/);
    expect(p.supports(Lattice.cubic(2, 7), stateSpins(3))).toMatch(/not divisible/);
    expect(p.supports(lattice, stateSpins(3))).toBeUndefined();
    expect(p.supports(lattice, ISING_SPINS)).toMatch(/takes q-state spins/);
    // An absent encoding means Ising ±1.
    expect(p.supports(lattice)).toMatch(/takes q-state spins/);
    expect(p.supports(lattice, stateSpins(4))).toMatch(/q = 3 states; the model has q = 4/);
    expect(() => p.create(lattice, ISING_SPINS)).toThrow(UnsupportedError);
    expect(() => p.create(lattice)).toThrow(UnsupportedError);
    const k = p.create(lattice, stateSpins(3));
    expect(k.coarse.sizes).toEqual([4, 4]);
    expect(() => k.apply(new Int8Array(63), new Int8Array(16), Rng.stream(1, 0))).toThrow(/64 → 16/);
  });
});

describe("trainer 'potts-rbm'", () => {
  const configs = configurations(30, 5);
  const data = { lattice, configurations: configs, count: 30, description: 'random 3-state' };
  const run = { seed: 4, workers: 2, sources: [] };
  const options = { q: 3, width: 4, epochs: '3', batchSize: 7, snapshotEpochs: '1,2,9' };

  it('maps its options as trainer rbm does, plus q (required) and the kernel', () => {
    expect(pottsRbmTrainOptions({ q: 3 }, 2, 100)).toEqual({
      preset: 'nmcrg',
      seed: 2,
      configurations: 100,
      q: 3,
    });
    expect(pottsRbmTrainOptions({ q: '4', schedule: 'sqrt', kernel: 'js' }, 2, 100)).toMatchObject({
      q: 4,
      kernel: 'js',
      schedule: { kind: 'sqrt-decay', initial: 1e-3, final: 1e-4, decayEpochs: 50 },
    });
    expect(() => pottsRbmTrainOptions({}, 2, 100)).toThrow(/trainer 'potts-rbm' needs option 'q'/);
    expect(() => pottsRbmTrainOptions({ q: 1 }, 2, 100)).toThrow(UsageError);
    expect(() => pottsRbmTrainOptions({ q: 3, kernel: 'wasm' }, 2, 100)).toThrow(/kernel/);
    expect(() => pottsRbmTrainOptions({ q: 3, decayEpochs: 4 }, 2, 100)).toThrow(
      /trainer 'potts-rbm': a final learning rate or decay epochs need the sqrt schedule/,
    );
    expect(() => pottsRbmTrainOptions({ q: 3, snapshotEpochs: '1,,2' }, 2, 100)).toThrow(
      /trainer 'potts-rbm': snapshotEpochs/,
    );
    expect(() => pottsRbmTrainer.plan({ q: 3, width: 10 }, { lattice, count: 30 })).toThrow(/wider than/);
    expect(() => pottsRbmTrainer.plan({ q: 3, batchSize: 50 }, { lattice, count: 30 })).toThrow(
      /minibatch of 50/,
    );
    expect(pottsRbmTrainer.plan(options, { lattice, count: 30 })).toMatchObject({
      steps: 15,
      stepsPerEpoch: 5,
      epochs: 3,
      options: { q: 3, width: 4, batchSize: 7 },
    });
  });

  it('trains as trainPottsRbm does, bit for bit, with epochs, snapshots, a record and a loadable file', async () => {
    const epochs: TrainingEpoch[] = [];
    const snapshots: ProjectorSnapshot[] = [];
    const trained = await pottsRbmTrainer.train(data, options, run, {
      onEpoch: (e) => epochs.push(e),
      onSnapshot: (s) => snapshots.push(s),
      snapshotEvery: 4,
      record: () => ({ observer: 'y_t' }),
    });
    const direct = trainPottsRbm(
      { lattice, configs, description: 'random 3-state' },
      pottsRbmTrainOptions(options, run.seed, 30),
    );
    expect(trained.parameters.values).toEqual(Array.from(direct.filter.weights));
    expect(trained.parameters.attributes).toEqual({ q: 3, dimension: 2, width: 4, blockSize: 2 });
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochs[2].metrics.pseudoLogLikelihood).toBe(direct.history[2].pseudoLogLikelihood);
    expect(snapshots.map((s) => s.step)).toEqual([4, 8, 12, 15]);
    expect(trained.snapshots.map((s) => s.epoch)).toEqual([1, 2, 3]);
    const file = pottsRbmProjectorCodec.decode(trained.file);
    expect(file.q).toBe(3);
    expect((file.training as unknown as Record<string, unknown>).observer).toBe('y_t');
    const loaded = (await pottsRbmTrainer.load(snapshots[3].file)) as PottsRbmProjector;
    expect(Array.from(loaded.filter.weights)).toEqual(Array.from(direct.filter.weights));
    expect(loaded.q).toBe(3);
    const rows = pottsRbmTrainer.describe?.(trained) ?? [];
    expect(rows.map(([label]) => label)).toEqual(['training', 'filter']);
    expect(rows[1][1]).toMatch(/q = 3/);
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    const big = { ...data, configurations: configurations(400, 6), count: 400 };
    const pending = pottsRbmTrainer.train(big, { q: 3, width: 4, epochs: 50, batchSize: 1 }, run, {
      signal: controller.signal,
      onEpoch: () => controller.abort(new Error('stopped')),
    });
    await expect(pending).rejects.toThrow('stopped');
  });
});
