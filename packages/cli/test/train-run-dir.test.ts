import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rbmProjectorCodec } from '@rsrg/projectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killMidWrite, newestCheckpoint, sleep, startRsrg, until } from './fixtures/processes.js';
import { expectOneLineError, rsrg } from './fixtures/run-rsrg.js';

const _bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'rsrg-train-run-dir-'));
const started = (args: string[]) => startRsrg(tmp, args);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A training of a few seconds: sampled data, y_t followed every 40 updates, 60 epochs of 30 updates. */
const TRAIN = [
  ...['--model', 'ising2d', '--size', '8', '--samples', '300', '--thermalize', '50', '--chains', '2'],
  ...['--epochs', '60', '--batch', '10', '--width', '4', '--cd-steps', '2', '--persistent'],
  ...['--eval-every', '40', '--eval-samples', '200', '--seed', '3', '--workers', '1'],
];

/** A projector file's contents without its wall times, numbers as their bits. */
function comparable(file: string): unknown {
  const { filter, training } = rbmProjectorCodec.decode(readFileSync(file), file);
  const bits = Array.from(new BigUint64Array(Float64Array.from(filter.weights).buffer), (b) =>
    b.toString(16),
  );
  return {
    filter: { ...filter, weights: bits },
    training: JSON.parse(JSON.stringify(training, (k, v) => (k === 'seconds' ? undefined : v))),
  };
}

let reference: unknown;
beforeAll(async () => {
  const r = await rsrg(tmp, ['train', ...TRAIN, '--out', 'reference.rsrg']);
  expect(r.code, r.stderr).toBe(0);
  reference = comparable(join(tmp, 'reference.rsrg'));
}, 120_000);

let n = 0;
const fresh = (name: string) => join(tmp, `${name}-${n++}`);

const checkpoints = (dir: string) =>
  existsSync(join(dir, 'checkpoints'))
    ? readdirSync(join(dir, 'checkpoints')).filter((f) => f.endsWith('.ckpt'))
    : [];

describe('rsrg train --run-dir', () => {
  it('uninterrupted: the projector file of rsrg train --out, and the run directory', async () => {
    const dir = fresh('whole');
    const r = await rsrg(tmp, ['train', ...TRAIN, '--run-dir', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(comparable(join(dir, 'projector.rsrg'))).toEqual(reference);
    for (const f of [
      'plan.json',
      'training-data.rsrg',
      'evaluation-data.rsrg',
      'training.rsrg',
      'result.json',
    ]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(JSON.parse(r.stdout)).toMatchObject({ command: 'train', runDir: dir });
    // Run again: the finished training is kept, not redone.
    const again = await rsrg(tmp, ['train', ...TRAIN, '--run-dir', dir, '--out', 'again.rsrg']);
    expect(again.code, again.stderr).toBe(0);
    expect(comparable(join(tmp, 'again.rsrg'))).toEqual(reference);
  });

  it('kill -9 at 5 random moments and once during a checkpoint write, then resume: identical', async () => {
    const dir = fresh('kill');
    const args = ['train', ...TRAIN, '--run-dir', dir, '--checkpoint-every', '0.05'];
    // A fixed pseudo-random sequence of moments after the first checkpoint.
    let x = 2024;
    const random = () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x / 2 ** 31;
    };
    let resumed = 0;
    for (let k = 0; k < 6; k++) {
      const run = started(args);
      if (k === 2) {
        // Killed as soon as a checkpoint's temporary file appears: mid-write.
        await killMidWrite(run, join(dir, 'checkpoints'));
      } else {
        // After this run's first checkpoint: it has resumed (or started) and made progress.
        const since = Date.now();
        let finished = false;
        void run.exited.then(() => {
          finished = true;
        });
        await until(() => finished || newestCheckpoint(dir) > since);
        await sleep(random() * 500);
        run.child.kill('SIGKILL');
      }
      const end = await run.exited;
      if (/resuming the training after \d+ updates/.test(end.stderr)) resumed++;
      if (end.code === 0) break;
      expect(end.signal).toBe('SIGKILL');
    }
    const r = await rsrg(tmp, args);
    expect(r.code, r.stderr).toBe(0);
    if (/resuming the training after \d+ updates/.test(r.stderr)) resumed++;
    // The kills came after checkpoints: runs resumed from them.
    expect(resumed).toBeGreaterThanOrEqual(5);
    expect(comparable(join(dir, 'projector.rsrg'))).toEqual(reference);
  }, 180_000);

  it('SIGINT and SIGTERM checkpoint and exit 75; the same command resumes to the identical file', async () => {
    const dir = fresh('signal');
    const args = ['train', ...TRAIN, '--run-dir', dir, '--checkpoint-every', '0.1'];
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const run = started(args);
      const since = Date.now();
      await until(() => newestCheckpoint(dir) > since);
      run.child.kill(signal);
      const end = await run.exited;
      expect(end.code, end.stderr).toBe(75);
      expect(end.stderr).toMatch(
        new RegExp(
          `rsrg: error: stopped by ${signal}: checkpointed after \\d+ updates; run the same command`,
        ),
      );
    }
    const r = await rsrg(tmp, args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resuming the training after \d+ updates/);
    expect(comparable(join(dir, 'projector.rsrg'))).toEqual(reference);
  }, 120_000);

  it('one process at a time; a damaged newest checkpoint: the previous one is used, with a warning', async () => {
    const dir = fresh('damaged');
    const args = ['train', ...TRAIN, '--run-dir', dir, '--checkpoint-every', '0.05'];
    const run = started(args);
    await until(() => checkpoints(dir).length >= 2);
    // One process at a time.
    const second = await rsrg(tmp, args);
    expectOneLineError(second, 2, /is in use by process \d+/);
    run.child.kill('SIGKILL');
    await run.exited;
    expect(existsSync(join(dir, 'INCOMPLETE'))).toBe(true);
    const [newest] = checkpoints(dir).sort().reverse();
    const path = join(dir, 'checkpoints', newest);
    writeFileSync(path, readFileSync(path).subarray(0, 100));
    const r = await rsrg(tmp, args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/is truncated.*; trying the previous checkpoint/);
    expect(r.stderr).toMatch(/resuming the training after \d+ updates/);
    expect(comparable(join(dir, 'projector.rsrg'))).toEqual(reference);
  }, 120_000);

  it('negative control: a run of another seed is not identical', async () => {
    const dir = fresh('control');
    const other = [...TRAIN.slice(0, -4), '--seed', '4', '--workers', '1'];
    const r = await rsrg(tmp, ['train', ...other, '--run-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(comparable(join(dir, 'projector.rsrg'))).not.toEqual(reference);
  });

  it('refuses a changed parameter naming it, a non-resumable trainer, and --checkpoint-every alone', async () => {
    const dir = fresh('changed');
    const small = ['--model', 'ising2d', '--size', '8', '--samples', '40', '--epochs', '1', '--batch', '10'];
    const first = await rsrg(tmp, ['train', ...small, '--width', '4', '--run-dir', dir]);
    expect(first.code, first.stderr).toBe(0);
    const epochs = await rsrg(tmp, [
      'train',
      ...small.slice(0, -4),
      '--epochs',
      '2',
      '--batch',
      '10',
      '--width',
      '4',
      '--run-dir',
      dir,
    ]);
    expectOneLineError(epochs, 2, /--epochs 2 differs from the run's 1 \(run directory /);
    const width = await rsrg(tmp, ['train', ...small, '--width', '2', '--run-dir', dir]);
    expectOneLineError(width, 2, /--width 2 differs from the run's 4/);
    const seed = await rsrg(tmp, ['train', ...small, '--width', '4', '--seed', '9', '--run-dir', dir]);
    expectOneLineError(seed, 2, /--seed 9 differs from the run's 1/);
    const size = await rsrg(tmp, [
      'train',
      ...small.slice(0, 2),
      '--size',
      '4',
      ...small.slice(4),
      '--width',
      '4',
      '--run-dir',
      dir,
    ]);
    expectOneLineError(size, 2, /--size 4 differs from the run's 8/);
    const mcrg = await rsrg(tmp, ['mcrg', '--run-dir', dir]);
    expectOneLineError(mcrg, 2, /is the run directory of an rsrg train run, not of an rsrg mcrg run/);
    // The example plugin's trainer does not checkpoint: refused before any work.
    const plugin = fileURLToPath(
      new URL('../../../examples/tunable-majority/dist/index.js', import.meta.url),
    );
    const tunable = await rsrg(tmp, [
      ...['--plugin', plugin, 'train', '--trainer', 'tunable-majority'],
      ...['--model', 'ising2d', '--size', '8', '--samples', '40', '--run-dir', fresh('tunable')],
    ]);
    expectOneLineError(
      tunable,
      2,
      /trainer 'tunable-majority' cannot checkpoint and resume a training: --run-dir needs a resumable trainer/,
    );
    const alone = await rsrg(tmp, ['train', ...small, '--out', 'x.rsrg', '--checkpoint-every', '5']);
    expectOneLineError(alone, 2, /--checkpoint-every needs --run-dir/);
  });
});
