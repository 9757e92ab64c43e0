import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// `rsrg submit` through the built binary, without Slurm: --dry-run and the one-line errors.
// test/slurm and packages/campaigns/test/slurm-cluster.test.ts submit to a real Slurm.

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'rsrg-submit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = join(tmp, 'ising L64');
mkdirSync(run);
writeFileSync(join(run, 'plan.json'), '{}');

function rsrg(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: tmp, env: { ...process.env, ...env } },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('rsrg submit', () => {
  it('--dry-run prints both scripts, which run this very build of rsrg', async () => {
    const r = await rsrg([
      'submit',
      'ising L64',
      '--scheduler',
      'slurm',
      '--shards',
      '4',
      '--time',
      '12:00:00',
      '--dry-run',
    ]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain(`==> ${run}/slurm/array.sh <==\n#!/bin/bash\n`);
    expect(r.stdout).toContain(`==> ${run}/slurm/merge.sh <==\n#!/bin/bash\n`);
    expect(r.stdout).toContain('#SBATCH --array=0-3\n');
    expect(r.stdout).toContain('#SBATCH --signal=B:USR1@120\n#SBATCH --requeue\n#SBATCH --time=12:00:00\n');
    expect(r.stdout).toContain(`RSRG=(${process.execPath} ${bin})`);
    expect(r.stdout).toContain(
      `sbatch --parsable --dependency=afterok:<array job id> '${run}/slurm/merge.sh'`,
    );
  });

  it('--dry-run --json gives the scripts as data', async () => {
    const r = await rsrg([
      'submit',
      run,
      '--scheduler',
      'slurm',
      '--shards',
      '2',
      '--signal-before',
      '600',
      '--sbatch-arg',
      '--mem=2G',
      '--dry-run',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      command: 'submit',
      scheduler: 'slurm',
      dryRun: true,
      runDir: run,
      shards: 2,
    });
    expect(out.scripts.array.path).toBe(`${run}/slurm/array.sh`);
    expect(out.scripts.array.text).toContain('#SBATCH --signal=B:USR1@600\n');
    expect(out.scripts.merge.text).toContain('#SBATCH --mem=2G\n');
  });

  it('says what is wrong in one line', async () => {
    mkdirSync(join(tmp, 'empty'));
    const cases: [string[], Record<string, string>, number, string][] = [
      [
        ['submit', run, '--scheduler', 'slurm', '--shards', '4'],
        { PATH: '/nonexistent' },
        1,
        'rsrg: error: sbatch not found: is Slurm installed? (rsrg submit --scheduler slurm needs sbatch on PATH)',
      ],
      [
        ['submit', 'empty', '--scheduler', 'slurm', '--shards', '4'],
        {},
        2,
        `rsrg: error: 'empty' holds no run plan (plan.json): write one with 'rsrg mcrg … --run-dir empty --plan-only'`,
      ],
      [
        ['submit', run, '--scheduler', 'slurm', '--shards', '0'],
        {},
        2,
        "rsrg: error: --shards must be a positive integer, got '0'",
      ],
      [
        ['submit', run, '--scheduler', 'slurm'],
        {},
        2,
        "rsrg: error: required option '--shards <n>' not specified",
      ],
      [
        ['submit', run, '--scheduler', 'pbs', '--shards', '2'],
        {},
        2,
        "rsrg: error: --scheduler: unknown scheduler 'pbs' (known: slurm)",
      ],
      [
        ['submit', run, '--scheduler', 'slurm', '--shards', '2', '--dry-run', '--wait'],
        {},
        2,
        'rsrg: error: --wait cannot be used with --dry-run',
      ],
      [
        ['submit', run, '--scheduler', 'slurm', '--shards', '2', '--sbatch-arg=--array=0-9', '--dry-run'],
        {},
        2,
        'rsrg: error: --sbatch-arg --array=0-9: rsrg submit sets the array from --shards',
      ],
    ];
    const runs = await Promise.all(cases.map(([args, env]) => rsrg(args, env)));
    runs.forEach((r, i) => {
      const [, , code, line] = cases[i];
      expect(r.stderr).toBe(`${line}\n`);
      expect(r.code).toBe(code);
      expect(r.stdout).toBe('');
    });
  });
});
