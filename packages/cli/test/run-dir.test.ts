import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPlan, shardProgress, WHOLE_RUN } from '@rsrg/campaigns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killMidWrite, newestCheckpoint, sleep, startRsrg, until } from './fixtures/processes.js';
import { expectOneLineError, type Run, rsrg } from './fixtures/run-rsrg.js';

const _bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'rsrg-run-dir-'));
const started = (args: string[]) => startRsrg(tmp, args);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A small run: 8 chains, well under a second. */
const SMALL = [
  '--model',
  'ising2d',
  '--size',
  '16',
  '--samples',
  '4000',
  '--chains',
  '8',
  '--thermalize',
  '100',
  '--seed',
  '3',
];
/** A run of a few seconds on 2 workers, to stop and kill. */
const LONG = [
  '--model',
  'ising2d',
  '--size',
  '16',
  '--samples',
  '240000',
  '--chains',
  '4',
  '--thermalize',
  '200',
  '--seed',
  '5',
  '--workers',
  '2',
];

const reference = new Map<string, unknown>();
const estimates = (json: string) => {
  const doc = JSON.parse(json);
  return { estimates: doc.estimates, tauInt: doc.tauInt, bins: doc.bins, samples: doc.samples };
};

beforeAll(async () => {
  const [small, long] = await Promise.all([
    rsrg(tmp, ['mcrg', ...SMALL, '--json']),
    rsrg(tmp, ['mcrg', ...LONG, '--json']),
  ]);
  expect(small.code, small.stderr).toBe(0);
  expect(long.code, long.stderr).toBe(0);
  reference.set('small', estimates(small.stdout));
  reference.set('long', estimates(long.stdout));
});

let n = 0;
const fresh = (name: string) => join(tmp, `${name}-${n++}`);

/** Measurements in the newest good checkpoint of a whole run, 0 before there is one. */
function measuredSoFar(dir: string): number {
  try {
    return shardProgress(dir, readPlan(dir), WHOLE_RUN).measured;
  } catch {
    return 0; // no plan yet, or a checkpoint being replaced
  }
}

describe('rsrg mcrg --run-dir', () => {
  it('uninterrupted: the estimates of rsrg mcrg --json, and result.json and result.h5', async () => {
    const dir = fresh('whole');
    const r = await rsrg(tmp, ['mcrg', ...SMALL, '--run-dir', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(estimates(r.stdout)).toEqual(reference.get('small'));
    expect(estimates(readFileSync(join(dir, 'result.json'), 'utf8'))).toEqual(reference.get('small'));
    expect(existsSync(join(dir, 'result.h5'))).toBe(true);
    // The text report too, and merge of the finished run directory.
    const text = await rsrg(tmp, ['mcrg', '--run-dir', dir]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/y_t from the even couplings/);
    const merged = await rsrg(tmp, ['merge', dir, '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(estimates(merged.stdout)).toEqual(reference.get('small'));
  });

  it('SIGTERM and SIGUSR1 checkpoint and exit 75; the same command resumes to identical estimates', async () => {
    const dir = fresh('signal');
    const args = ['mcrg', ...LONG, '--run-dir', dir, '--checkpoint-every', '0.2', '--json'];
    for (const signal of ['SIGTERM', 'SIGUSR1'] as const) {
      // Signalled once this run has measured a while and written a checkpoint since: under way,
      // with bins enough for a partial merge, and far from done.
      const run = started(args);
      // Not a fixed delay: on a busy machine the chains may still be thermalizing after seconds.
      await until(() => measuredSoFar(dir) > 0, 60_000);
      const since = Date.now();
      await until(() => newestCheckpoint(dir) > since);
      run.child.kill(signal);
      const end = await run.exited;
      expect(end.code, end.stderr).toBe(75);
      expect(end.stderr).toMatch(
        new RegExp(`^rsrg: error: stopped by ${signal}: checkpointed at \\d+ of 240000`),
      );
    }
    const status = await rsrg(tmp, ['status', dir, '--json']);
    expect(status.code, status.stderr).toBe(0);
    const row = JSON.parse(status.stdout).shards[0];
    expect(row).toMatchObject({ shard: '0/1', planned: 240000 });
    expect(row.measured).toBeGreaterThan(0);
    const partial = await rsrg(tmp, ['merge', dir, '--partial', '--json']);
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.stderr).toMatch(/^rsrg: partial merge: \d+ of 240000 measurements/);
    const r = await rsrg(tmp, args);
    expect(r.code, r.stderr).toBe(0);
    expect(estimates(r.stdout)).toEqual(reference.get('long'));
  });

  it('kill -9 at random moments (one during a checkpoint write), then resume: identical', async () => {
    const dir = fresh('kill');
    const args = ['mcrg', ...LONG, '--run-dir', dir, '--checkpoint-every', '0.05', '--json'];
    // A fixed pseudo-random sequence of delays after the start.
    let x = 12345;
    const random = () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x / 2 ** 31;
    };
    for (let k = 0; k < 6; k++) {
      const run = started(args);
      if (k === 3) {
        // Killed as soon as a checkpoint's temporary file appears: mid-write.
        await killMidWrite(run, join(dir, 'checkpoints'));
      } else {
        await sleep(400 + random() * 900);
        run.child.kill('SIGKILL');
      }
      const end = await run.exited;
      expect(end.signal ?? end.code).toBe(end.code === 0 ? 0 : 'SIGKILL');
    }
    const r = await rsrg(tmp, args);
    expect(r.code, r.stderr).toBe(0);
    expect(estimates(r.stdout)).toEqual(reference.get('long'));
  });

  it('refuses a changed parameter, naming it; --plan-only, then the stored plan runs', async () => {
    const dir = fresh('plan');
    const plan = await rsrg(tmp, ['mcrg', ...SMALL, '--run-dir', dir, '--plan-only']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(existsSync(join(dir, 'plan.json'))).toBe(true);
    expect(existsSync(join(dir, 'checkpoints', 'shard-0-of-1.000001.ckpt'))).toBe(false);
    const changed = await rsrg(tmp, ['mcrg', ...SMALL.slice(0, -1), '4', '--run-dir', dir]);
    expectOneLineError(changed, 2, /--seed 4 differs from the run's 3/);
    const r = await rsrg(tmp, ['mcrg', '--run-dir', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(estimates(r.stdout)).toEqual(reference.get('small'));
  });

  it('one-line errors: bad shards, no plan, unwritable directory, another plan format version', async () => {
    const dir = fresh('errors');
    expect((await rsrg(tmp, ['mcrg', ...SMALL, '--run-dir', dir, '--plan-only'])).code).toBe(0);
    const outOfRange = await rsrg(tmp, ['mcrg', '--run-dir', dir, '--shard', '4/4']);
    expectOneLineError(outOfRange, 2, /shard index I must be in 0\.\.3 for N = 4, got 4/);
    const malformed = await rsrg(tmp, ['mcrg', '--run-dir', dir, '--shard', '1of4']);
    expectOneLineError(malformed, 2, /--shard must be I\/N/);
    const tooMany = await rsrg(tmp, ['mcrg', '--run-dir', dir, '--shard', '0/9']);
    expectOneLineError(tooMany, 2, /9 shards of 8 chains/);
    const noDir = await rsrg(tmp, ['mcrg', '--shard', '0/2']);
    expectOneLineError(noDir, 2, /--shard needs --run-dir/);
    const noPlan = await rsrg(tmp, ['mcrg', '--run-dir', fresh('empty')]);
    expectOneLineError(noPlan, 2, /holds no plan/);
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    const unwritable = await rsrg(tmp, ['mcrg', ...SMALL, '--run-dir', join(file, 'run')]);
    expectOneLineError(unwritable, 2, /--run-dir .*a-file\/run: cannot write there/);
    const stored = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    writeFileSync(join(dir, 'plan.json'), JSON.stringify({ ...stored, formatVersion: 2 }));
    const newer = await rsrg(tmp, ['mcrg', '--run-dir', dir]);
    expectOneLineError(newer, 1, /plan format version 2; this build reads 1/);
  });
});

describe('shards and rsrg merge', () => {
  it.each([1, 2, 3, 8])('%i shard(s) of 8 chains merge to the single-process estimates', async (count) => {
    const dir = fresh(`shards${count}`);
    expect((await rsrg(tmp, ['mcrg', ...SMALL, '--run-dir', dir, '--plan-only'])).code).toBe(0);
    const runs = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        rsrg(tmp, ['mcrg', '--run-dir', dir, '--shard', `${i}/${count}`, '--workers', '1']),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    if (count > 1) {
      expect(runs[0].stdout).toMatch(/^shard 0\/\d done: chains 0–\d+, \d+ measurements/);
      expect(existsSync(join(dir, 'shards', '0.h5'))).toBe(true);
    }
    const out = join(dir, 'result.json');
    const merged = await rsrg(tmp, ['merge', dir, '--json', '--out', out]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(estimates(merged.stdout)).toEqual(reference.get('small'));
    expect(estimates(readFileSync(out, 'utf8'))).toEqual(reference.get('small'));
    expect(existsSync(join(dir, 'result.h5'))).toBe(true);
    if (count === 3) {
      // Shard files named one by one, in any order, .h5 or .rsrg: the same.
      const files = ['2.rsrg', '0.h5', '1.rsrg'].map((f) => join(dir, 'shards', f));
      const byFile = await rsrg(tmp, ['merge', ...files, '--json']);
      expect(byFile.code, byFile.stderr).toBe(0);
      expect(estimates(byFile.stdout)).toEqual(reference.get('small'));
      const status = await rsrg(tmp, ['status', dir]);
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout.match(/ done$/gm)).toHaveLength(3);
    }
  });

  it('duplicate, missing and foreign shards: one-line errors', async () => {
    const dir = fresh('bad-merge');
    const other = fresh('other-plan');
    expect((await rsrg(tmp, ['mcrg', ...SMALL, '--run-dir', dir, '--plan-only'])).code).toBe(0);
    expect(
      (await rsrg(tmp, ['mcrg', ...SMALL.slice(0, -1), '9', '--run-dir', other, '--plan-only'])).code,
    ).toBe(0);
    const shard = (d: string, s: string) => rsrg(tmp, ['mcrg', '--run-dir', d, '--shard', s]);
    const done: Run[] = await Promise.all([shard(dir, '0/2'), shard(dir, '1/2'), shard(other, '1/2')]);
    for (const r of done) expect(r.code, r.stderr).toBe(0);
    const s = (d: string, i: number) => join(d, 'shards', `${i}.rsrg`);
    expectOneLineError(
      await rsrg(tmp, ['merge', s(dir, 0), s(dir, 0), s(dir, 1)]),
      2,
      /chain 0 is in two shards/,
    );
    expectOneLineError(await rsrg(tmp, ['merge', s(dir, 0)]), 2, /chains 4–7 of 8 missing/);
    expectOneLineError(await rsrg(tmp, ['merge', s(dir, 0), s(other, 1)]), 2, /is from another plan/);
  });
});
