import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killMidWrite, newestCheckpoint, sleep, startRsrg, until } from './fixtures/processes.js';
import { expectOneLineError, fixture, rsrg } from './fixtures/run-rsrg.js';

const _bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'rsrg-reproduce-run-dir-'));
const started = (args: string[]) => startRsrg(tmp, args);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const plugin = ['--plugin', fixture('resumable-study.mjs')];
const STUDY = [...plugin, 'reproduce', 'resumable', '--seed', '4', '--workers', '1'];

/** Wall-time fields, which differ between any two runs. */
const TIMES = new Set(['seconds', 'wallSeconds', 'trainingSeconds']);

/** A result.json without its wall times, the run's directory written as <dir>. */
function comparable(file: string, dir: string): unknown {
  const text = readFileSync(file, 'utf8').split(dir).join('<dir>');
  const { sha256: _, ...doc } = JSON.parse(text);
  return JSON.parse(JSON.stringify(doc, (k, v) => (TIMES.has(k) ? undefined : v)));
}

let reference: unknown;
beforeAll(async () => {
  const dir = join(tmp, 'reference');
  const r = await rsrg(tmp, [...STUDY, '--out', dir, '--keep-data']);
  expect(r.code, r.stderr).toBe(0);
  reference = comparable(join(dir, 'result.json'), dir);
}, 120_000);

let n = 0;
const fresh = (name: string) => join(tmp, `${name}-${n++}`);

describe('rsrg reproduce --run-dir', () => {
  /** The finished run directory of the first test, which the last one reuses. */
  const whole = fresh('whole');

  it('uninterrupted: the report data of rsrg reproduce --out; run again, it keeps everything', async () => {
    const dir = whole;
    const r = await rsrg(tmp, [...STUDY, '--run-dir', dir, '--checkpoint-every', '0.2']);
    expect(r.code, r.stderr).toBe(0);
    expect(comparable(join(dir, 'result.json'), dir)).toEqual(reference);
    for (const f of ['plan.json', 'training-data.rsrg', 'training.rsrg', 'measurement/plan.json']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(existsSync(join(dir, 'INCOMPLETE'))).toBe(false);
    const kept = statSync(join(dir, 'training.rsrg')).mtimeMs;
    const again = await rsrg(tmp, [...STUDY, '--run-dir', dir]);
    expect(again.code, again.stderr).toBe(0);
    expect(statSync(join(dir, 'training.rsrg')).mtimeMs).toBe(kept);
    expect(comparable(join(dir, 'result.json'), dir)).toEqual(reference);
  }, 120_000);

  it('kill -9 at 5 moments (2 in the training, 3 in the measurement, 2 of them mid-write), then resume: identical', async () => {
    const dir = fresh('kill');
    const args = [...STUDY, '--run-dir', dir, '--checkpoint-every', '0.05'];
    let x = 77;
    const random = () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x / 2 ** 31;
    };
    for (let k = 0; k < 5; k++) {
      const run = started(args);
      const since = Date.now();
      // Two kills after a training checkpoint of this run, three after a measurement checkpoint;
      // the second of each as a checkpoint's temporary file appears: mid-write.
      const stage = k < 2 ? '' : 'measurement';
      if (k === 1 || k === 3) {
        const at = join(dir, stage, 'checkpoints');
        await killMidWrite(run, at);
      } else {
        // Within two checkpoint intervals: well before the stage ends (a stage lasts about a
        // second), so that the next run still has checkpoints of it to write.
        await until(() => run.finished() || newestCheckpoint(dir, stage) > since);
        await sleep(random() * 100);
        run.child.kill('SIGKILL');
      }
      const end = await run.exited;
      expect(end.signal, `run ${k} ended before its kill: ${end.stderr}`).toBe('SIGKILL');
      expect(existsSync(join(dir, 'INCOMPLETE'))).toBe(true);
      // The training is kept once done: the measurement's kills find it there.
      if (k >= 2) expect(existsSync(join(dir, 'training.rsrg'))).toBe(true);
    }
    const r = await rsrg(tmp, args);
    expect(r.code, r.stderr).toBe(0);
    expect(comparable(join(dir, 'result.json'), dir)).toEqual(reference);
    expect(existsSync(join(dir, 'INCOMPLETE'))).toBe(false);
  }, 240_000);

  it('SIGTERM in the training and SIGINT in the measurement: exit 75 each, then resume: identical', async () => {
    const dir = fresh('signal');
    const args = [...STUDY, '--run-dir', dir, '--checkpoint-every', '0.1'];
    const training = started(args);
    let since = Date.now();
    await until(() => newestCheckpoint(dir) > since);
    training.child.kill('SIGTERM');
    const t = await training.exited;
    expect(t.code, t.stderr).toBe(75);
    expect(t.stderr).toMatch(
      /rsrg: error: stopped by SIGTERM during the training \(checkpointed after \d+ updates\); run the same command to resume/,
    );
    const measuring = started(args);
    since = Date.now();
    await until(() => newestCheckpoint(dir, 'measurement') > since);
    measuring.child.kill('SIGINT');
    const m = await measuring.exited;
    expect(m.code, m.stderr).toBe(75);
    expect(m.stderr).toMatch(
      /rsrg: error: stopped by SIGINT during the measurement \(checkpointed at \d+ of 16000 measurements\)/,
    );
    // A damaged newest measurement checkpoint: the previous one is used, with a warning.
    const checkpoints = join(dir, 'measurement', 'checkpoints');
    const [newest] = readdirSync(checkpoints)
      .filter((f) => f.endsWith('.ckpt'))
      .sort()
      .reverse();
    writeFileSync(join(checkpoints, newest), readFileSync(join(checkpoints, newest)).subarray(0, 64));
    const r = await rsrg(tmp, args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/truncated.*; trying the previous checkpoint/);
    expect(comparable(join(dir, 'result.json'), dir)).toEqual(reference);
  }, 240_000);

  it('refuses a changed parameter naming it, and --out or --restart with --run-dir; a damaged stage file is one line', async () => {
    const dir = whole;
    expect(existsSync(join(dir, 'result.json'))).toBe(true);
    const seed = await rsrg(tmp, [...plugin, 'reproduce', 'resumable', '--seed', '5', '--run-dir', dir]);
    expectOneLineError(seed, 2, /--seed 5 differs from the run's 4 \(run directory /);
    const both = await rsrg(tmp, [...STUDY, '--run-dir', dir, '--out', dir]);
    expectOneLineError(both, 2, /give --run-dir or --out, not both/);
    const restart = await rsrg(tmp, [...STUDY, '--run-dir', dir, '--restart']);
    expectOneLineError(restart, 2, /--restart cannot be used with --run-dir/);
    const file = join(dir, 'training.rsrg');
    writeFileSync(file, readFileSync(file).subarray(0, 200));
    const damaged = await rsrg(tmp, [...STUDY, '--run-dir', dir]);
    expectOneLineError(damaged, 1, /training\.rsrg is truncated/);
  }, 120_000);
});
