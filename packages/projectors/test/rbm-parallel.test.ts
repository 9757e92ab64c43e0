import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Lattice, Rng, RsrgError } from '@rsrg/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EpochInfo,
  type RbmFilter,
  type TrainOptions,
  type TrainResult,
  trainRbm,
  trainRbmParallel,
} from '../src/rbm/index.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const workerFile = join(root, 'dist', 'rbm-train-worker.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

// The slot workers run the built dist/rbm-train-worker.js: build it when missing or older than the sources.
beforeAll(() => {
  if (!existsSync(workerFile) || statSync(workerFile).mtimeMs < newestSource(join(root, 'src'))) {
    execFileSync('pnpm', ['--filter', '@rsrg/projectors', 'build'], { stdio: 'ignore' });
  }
});

/** n configurations of the L×L Ising model at coupling K: Metropolis sweeps from random starts. */
function isingConfigurations(L: number, n: number, K: number, sweeps: number, seed: number): Int8Array {
  const V = L * L;
  const out = new Int8Array(n * V);
  const rng = Rng.stream(seed, 0);
  for (let c = 0; c < n; c++) {
    const s = out.subarray(c * V, (c + 1) * V);
    for (let i = 0; i < V; i++) s[i] = rng.nextSign();
    for (let sweep = 0; sweep < sweeps; sweep++) {
      for (let i = 0; i < V; i++) {
        const x = i % L;
        const y = (i - x) / L;
        const field =
          s[y * L + ((x + 1) % L)] +
          s[y * L + ((x + L - 1) % L)] +
          s[((y + 1) % L) * L + x] +
          s[((y + L - 1) % L) * L + x];
        if (rng.nextFloat() < Math.exp(-2 * K * s[i] * field)) s[i] = -s[i];
      }
    }
  }
  return out;
}

const lattice = Lattice.cubic(2, 16);
const configs = isingConfigurations(16, 200, 0.44, 30, 11);
const data = { lattice, configs, description: '16×16 Ising at K = 0.44, Metropolis' };

/** The bit patterns of doubles, so that equality means bit-identity (−0 ≠ 0, NaN = NaN). */
function bits(a: Float64Array): string[] {
  return Array.from(new BigUint64Array(Float64Array.from(a).buffer), (b) => b.toString(16));
}

/** A result without its wall-time fields, doubles as bit patterns. */
function comparable(r: TrainResult): unknown {
  const epoch = ({ seconds: _, ...rest }: EpochInfo) => ({
    ...rest,
    learningRate: bits(Float64Array.of(rest.learningRate)),
    reconstructionError: bits(Float64Array.of(rest.reconstructionError)),
    meanAbsGradient: bits(Float64Array.of(rest.meanAbsGradient)),
    pseudoLogLikelihood:
      rest.pseudoLogLikelihood === null ? null : bits(Float64Array.of(rest.pseudoLogLikelihood)),
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

/** What the hooks saw: the step filters every 7 steps and the epoch diagnostics. */
function recorder() {
  const seen: unknown[] = [];
  return {
    seen,
    hooks: {
      everySteps: 7,
      onStep: (step: number, f: RbmFilter) => seen.push(['step', step, bits(f.weights)]),
      onEpoch: (info: EpochInfo) => seen.push(['epoch', info.epoch, info.steps]),
    },
  };
}

const cases: [string, TrainOptions][] = [
  ['CD-3, minibatch 10', { seed: 5, width: 4, epochs: 3, batchSize: 10, cdSteps: 3, evaluationSize: 4 }],
  [
    'PCD-2, minibatch 7 (a short last batch), symmetrized',
    {
      seed: 6,
      width: 6,
      epochs: 3,
      batchSize: 7,
      cdSteps: 2,
      persistent: true,
      symmetrize: true,
      // Weights large enough that the chains' starting points change the first negative samples.
      initScale: 0.3,
      snapshotEpochs: [1, 2],
      schedule: { kind: 'constant', rate: 3e-3 },
    },
  ],
];

describe('trainRbmParallel: bit-identical to trainRbm for any number of workers', () => {
  for (const [name, options] of cases) {
    it(name, async () => {
      const serial = recorder();
      const expected = trainRbm(data, options, serial.hooks);
      // The run must move the filter, or identity would prove little.
      expect(expected.history.at(-1)?.steps).toBe(3 * Math.ceil(200 / (options.batchSize ?? 10)));
      expect(expected.history[2].meanAbsGradient).toBeGreaterThan(0);
      // 1: this thread alone; 2 and 3: one and two worker threads beside it.
      for (const workers of [1, 2, 3]) {
        const parallel = recorder();
        const result = await trainRbmParallel(data, options, parallel.hooks, { workers, workerFile });
        expect(comparable(result), `${workers} workers`).toEqual(comparable(expected));
        expect(parallel.seen, `${workers} workers, hooks`).toEqual(serial.seen);
      }
    });
  }

  it('workers run the kernel they are given: js on 2 workers = wasm (the default) on this thread', async () => {
    const [, options] = cases[1];
    const expected = trainRbm(data, options);
    const result = await trainRbmParallel(data, { ...options, kernel: 'js' }, {}, { workers: 2, workerFile });
    expect(comparable(result)).toEqual(comparable(expected));
  });

  it('more workers than minibatch slots, and fewer configurations than the preset', async () => {
    const options: TrainOptions = { seed: 9, width: 4, epochs: 2, batchSize: 3, configurations: 50 };
    const expected = trainRbm(data, options);
    const result = await trainRbmParallel(data, options, {}, { workers: 5, workerFile });
    expect(comparable(result)).toEqual(comparable(expected));
  });

  it('rejects what trainRbm rejects, and a bad worker count', async () => {
    const bad = { lattice, configs: configs.slice(0, 300) };
    await expect(trainRbmParallel(bad, { seed: 1 })).rejects.toThrow(/not a whole number/);
    await expect(trainRbmParallel(data, { seed: 1, width: 4 }, {}, { workers: 0 })).rejects.toThrow(
      /workers must be a positive integer/,
    );
  });
});

describe('trainRbmParallel: failures and aborts', () => {
  const options: TrainOptions = { seed: 3, width: 4, epochs: 3, batchSize: 10 };
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rsrg-rbm-parallel-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A worker module that runs `prelude` and then, unless the prelude ends the thread, the real worker. */
  function wrappedWorker(name: string, prelude: string): string {
    const file = join(dir, `${name}.mjs`);
    writeFileSync(
      file,
      `import { workerData, parentPort } from 'node:worker_threads';\n${prelude}\nawait import(${JSON.stringify(pathToFileURL(workerFile).href)});\n`,
    );
    return file;
  }

  it('an error in a worker rejects with a clear error naming the worker', async () => {
    const file = wrappedWorker('bad-setup', 'if (workerData.index === 1) workerData.cdSteps = 0;');
    // Three threads: this one and workers 0 and 1.
    const run = trainRbmParallel(data, options, {}, { workers: 3, workerFile: file });
    await expect(run).rejects.toThrow(RsrgError);
    await expect(run).rejects.toThrow(
      /RBM training worker 1 failed: CD needs at least one Gibbs step, got 0/,
    );
    await expect(run).rejects.toMatchObject({ name: 'RangeError', exitCode: 1 });
  });

  it('a usage error in a worker stays a usage error (name and exit code cross the thread)', async () => {
    const file = wrappedWorker('bad-kernel', "if (workerData.index === 0) workerData.kernel = 'gpu';");
    const run = trainRbmParallel(data, options, {}, { workers: 2, workerFile: file });
    await expect(run).rejects.toThrow(/RBM training worker 0 failed: unknown RBM kernel 'gpu'/);
    await expect(run).rejects.toMatchObject({ name: 'UsageError', exitCode: 2 });
    await expect(run.catch((err) => RsrgError.isInstance(err))).resolves.toBe(true);
  });

  it('a worker that dies in the middle of training rejects the run instead of hanging it', async () => {
    // Worker 0 reports ready, then exits while the trainer waits for its first minibatch.
    const file = wrappedWorker(
      'dies',
      "if (workerData.index === 0) { parentPort.postMessage({ kind: 'ready' }); setTimeout(() => process.exit(3), 30); } else",
    );
    const started = performance.now();
    await expect(trainRbmParallel(data, options, {}, { workers: 2, workerFile: file })).rejects.toThrow(
      /RBM training worker 0 exited \(code 3\) during training/,
    );
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('a missing worker module is reported as such', async () => {
    await expect(
      trainRbmParallel(data, options, {}, { workers: 2, workerFile: join(dir, 'missing.mjs') }),
    ).rejects.toThrow(/RBM training worker 0 failed: .*missing\.mjs/);
  });

  it('an abort stops the run with the signal’s reason', async () => {
    const controller = new AbortController();
    const reason = new Error('stop here');
    const epochs: number[] = [];
    const run = trainRbmParallel(
      data,
      options,
      {
        onEpoch(info) {
          epochs.push(info.epoch);
          if (info.epoch === 1) controller.abort(reason);
        },
      },
      { workers: 2, workerFile, signal: controller.signal },
    );
    await expect(run).rejects.toBe(reason);
    expect(epochs).toEqual([1]);
  });
});
