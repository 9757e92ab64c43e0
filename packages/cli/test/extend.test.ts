// `rsrg mcrg --run-dir <dir> --extend --chains M`: a finished run of N chains, extended to M
// chains of the same length (whole, or the new chains in shards), equals the run of M chains
// from the start, bit for bit (docs/campaigns.md, "Extending a finished run").
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, rsrg } from './fixtures/run-rsrg.js';

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-extend-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const MODEL = ['--model', 'ising2d', '--size', '16', '--thermalize', '100', '--levels', '2', '--seed', '7'];
/** 4 chains of 300 measurements each, and the same run with 8 and with 12 chains. */
const RUN4 = [...MODEL, '--samples', '1200', '--chains', '4'];
const RUN8 = [...MODEL, '--samples', '2400', '--chains', '8'];
const RUN12 = [...MODEL, '--samples', '3600', '--chains', '12'];

const numbers = (json: string) => {
  const doc = JSON.parse(json);
  const { workers: _, ...parameters } = doc.parameters; // a merge analyzes on one; never the numbers
  return { parameters, estimates: doc.estimates, tauInt: doc.tauInt, samples: doc.samples };
};
const reference = new Map<number, ReturnType<typeof numbers>>();
let n = 0;
const fresh = () => join(tmp, `run-${n++}`);

beforeAll(async () => {
  const runs = await Promise.all([RUN8, RUN12].map((args) => rsrg(tmp, ['mcrg', ...args, '--json'])));
  for (const r of runs) expect(r.code, r.stderr).toBe(0);
  reference.set(8, numbers(runs[0].stdout));
  reference.set(12, numbers(runs[1].stdout));
}, 120_000);

describe('rsrg mcrg --extend', () => {
  it('extends a finished whole run: the result equals the run of 8 chains from the start', async () => {
    const dir = fresh();
    expect((await rsrg(tmp, ['mcrg', ...RUN4, '--run-dir', dir])).code).toBe(0);
    const r = await rsrg(tmp, ['mcrg', '--run-dir', dir, '--extend', '--chains', '8', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/extended .* from 4 to 8 chains \(1200 → 2400 measurements\)/);
    expect(numbers(r.stdout)).toEqual(reference.get(8));
    // The result file says the same; the old run's files are kept under history/.
    expect(numbers(readFileSync(join(dir, 'result.json'), 'utf8'))).toEqual(reference.get(8));
    const [old] = readdirSync(join(dir, 'history'));
    expect(existsSync(join(dir, 'history', old, 'result.json'))).toBe(true);
    // Twice: 8 → 12, the new chains in 2 shards, merged.
    const again = await rsrg(tmp, ['mcrg', '--run-dir', dir, '--extend', '--chains', '12', '--plan-only']);
    expect(again.code, again.stderr).toBe(0);
    for (const shard of ['0/2', '1/2']) {
      const s = await rsrg(tmp, ['mcrg', '--run-dir', dir, '--shard', shard]);
      expect(s.code, s.stderr).toBe(0);
    }
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toMatch(/"chains": 8,\s*"from"/);
    const merged = await rsrg(tmp, ['merge', dir, '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(numbers(merged.stdout)).toEqual(reference.get(12));
    // A finished shard run again (a task resubmitted) ends at once and keeps its rate.
    const rerun = await rsrg(tmp, ['mcrg', '--run-dir', dir, '--shard', '0/2']);
    expect(rerun.code, rerun.stderr).toBe(0);
    const status = await rsrg(tmp, ['status', dir]);
    for (const row of status.stdout.split('\n').filter((l) => /done$/.test(l)))
      expect(Number(row.trim().split(/\s+/)[5]), row).toBeGreaterThan(0);
    expect(status.stdout).toMatch(/12 chains, 3600 measurements \(chains 0–7 done before --extend\)/);
    expect(status.stdout).toMatch(/0\/2\s+8–9\s+600 \/ 600.*done/);
  }, 120_000);

  it('extends a sharded run; merged old and new statistics equal the single-process run', async () => {
    const dir = fresh();
    expect((await rsrg(tmp, ['mcrg', ...RUN4, '--run-dir', dir, '--plan-only'])).code).toBe(0);
    for (const shard of ['0/2', '1/2'])
      expect((await rsrg(tmp, ['mcrg', '--run-dir', dir, '--shard', shard])).code).toBe(0);
    const r = await rsrg(tmp, [
      'mcrg',
      '--run-dir',
      dir,
      '--extend',
      '--chains',
      '8',
      '--samples',
      '2400',
      '--plan-only',
    ]);
    expect(r.code, r.stderr).toBe(0);
    for (const shard of ['0/3', '1/3', '2/3']) {
      const s = await rsrg(tmp, ['mcrg', '--run-dir', dir, '--shard', shard]);
      expect(s.code, s.stderr).toBe(0);
    }
    const merged = await rsrg(tmp, ['merge', dir, '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(numbers(merged.stdout)).toEqual(reference.get(8));
    // The negative control: the new shards alone are not the run.
    const alone = await rsrg(tmp, [
      'merge',
      join(dir, 'shards', '0.rsrg'),
      join(dir, 'shards', '1.rsrg'),
      join(dir, 'shards', '2.rsrg'),
    ]);
    expectOneLineError(alone, 2, /chains 0–3 of 8 missing/);
  }, 120_000);

  it('refuses, in one line and changing nothing, what cannot be extended', async () => {
    const dir = fresh();
    expect((await rsrg(tmp, ['mcrg', ...RUN4, '--run-dir', dir, '--plan-only'])).code).toBe(0);
    const plan = readFileSync(join(dir, 'plan.json'), 'utf8');
    expectOneLineError(
      await rsrg(tmp, ['mcrg', '--run-dir', dir, '--extend', '--chains', '8']),
      2,
      /--extend extends a finished run, and .* is not: chains 0–3 of 4 missing/,
    );
    expect((await rsrg(tmp, ['mcrg', '--run-dir', dir])).code).toBe(0);
    const done = readFileSync(join(dir, 'plan.json'), 'utf8');
    expect(done).toBe(plan);
    expectOneLineError(
      await rsrg(tmp, ['mcrg', '--run-dir', dir, '--extend', '--chains', '4']),
      2,
      /--extend needs --chains above the run's 4, got 4/,
    );
    expectOneLineError(
      await rsrg(tmp, ['mcrg', '--run-dir', dir, '--extend', '--chains', '8', '--samples', '2000']),
      2,
      /--samples 2000: extended to 8 chains of 300 measurements, the run has 2400/,
    );
    expectOneLineError(await rsrg(tmp, ['mcrg', '--run-dir', dir, '--extend']), 2, /--extend needs --chains/);
    expectOneLineError(
      await rsrg(tmp, ['mcrg', ...RUN4, '--extend', '--chains', '8']),
      2,
      /--extend needs --run-dir/,
    );
    expectOneLineError(
      await rsrg(tmp, ['mcrg', '--run-dir', dir, '--extend', '--chains', '8', '--size', '32']),
      2,
      /--size 32 differs from the run's 16/,
    );
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe(plan);
    const uneven = fresh();
    expect(
      (await rsrg(tmp, ['mcrg', ...MODEL, '--samples', '1201', '--chains', '4', '--run-dir', uneven])).code,
    ).toBe(0);
    expectOneLineError(
      await rsrg(tmp, ['mcrg', '--run-dir', uneven, '--extend', '--chains', '8']),
      2,
      /1201 measurements do not split evenly over its 4 chains/,
    );
  }, 120_000);

  it('names the parameter typed, not a default, when a run directory is asked for another run', async () => {
    const dir = fresh();
    expect(
      (
        await rsrg(tmp, [
          'mcrg',
          ...MODEL,
          '--size',
          '8',
          '--samples',
          '400',
          '--chains',
          '2',
          '--run-dir',
          dir,
          '--plan-only',
        ])
      ).code,
    ).toBe(0);
    // --size and --model are left out: they come from the plan, not from their defaults.
    expectOneLineError(
      await rsrg(tmp, ['mcrg', '--run-dir', dir, '--samples', '500']),
      2,
      /^rsrg: error: --samples 500 differs from the run's 400/,
    );
    expectOneLineError(
      await rsrg(tmp, ['mcrg', '--run-dir', dir, '--seed', '8']),
      2,
      /--seed 8 differs from the run's 7/,
    );
    expectOneLineError(
      await rsrg(tmp, ['mcrg', '--run-dir', dir, '--projector', 'decimation']),
      2,
      /--projector decimation differs from the run's majority/,
    );
  }, 60_000);
});
