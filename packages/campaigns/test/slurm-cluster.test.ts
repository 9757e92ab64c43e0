import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_CHECKPOINTED, submitSlurm, waitForSlurmJob } from '@rsrg/campaigns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LocalSlurm,
  releaseRequeued,
  showJob,
  signalBatchShell,
  startLocalSlurm,
  stopLocalSlurm,
  until,
} from '../../../test/slurm/local-slurm.js';

// A real Slurm (Debian's slurmctld and slurmd on this machine, started by test/slurm/cluster.sh)
// runs the scripts `rsrg submit` writes. The tasks run test/slurm/toy-rsrg.mjs in place of rsrg:
// the round trip with real shards and merge lives with the campaign tests. If Slurm cannot be
// installed or started, beforeAll throws and every test here fails.

const toy = fileURLToPath(new URL('../../../test/slurm/toy-rsrg.mjs', import.meta.url));
const cli = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'rsrg-slurm-test-'));
let slurm: LocalSlurm | undefined;

beforeAll(() => {
  slurm = startLocalSlurm();
}, 300_000);

afterAll(() => {
  try {
    stopLocalSlurm(slurm);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}, 120_000);

/** A run directory (with a blank in its name) holding a plan for `shards` shards. */
function runDir(name: string, shards: number): string {
  const dir = join(tmp, `${name} run`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'plan.json'), JSON.stringify({ shards }));
  return dir;
}

const read = (file: string) => readFileSync(file, 'utf8');

describe('rsrg submit on a real Slurm', () => {
  it('runs a 4-task array, requeues the task stopped by USR1, then the dependent merge', async () => {
    const cluster = slurm!;
    const dir = runDir('requeue', 4);
    // Task 2 waits for SIGUSR1, checkpoints and exits 75 on its first run.
    writeFileSync(join(dir, 'checkpoint-shard'), '2');
    const submitted = await submitSlurm(
      { runDir: dir, shards: 4, rsrg: [process.execPath, toy], time: '10', signalBefore: 60 },
      { env: cluster.env },
    );
    expect(submitted.arrayJobId).toMatch(/^\d+$/);
    expect(submitted.mergeJobId).toMatch(/^\d+$/);
    expect(read(join(dir, 'slurm/array.sh'))).toBe(submitted.array.text);
    expect(showJob(cluster, submitted.mergeJobId).Dependency).toMatch(
      new RegExp(`^afterok:${submitted.arrayJobId}_\\*`),
    );

    // Slurm's time limit has a granularity of a minute: deliver the time-limit signal by hand,
    // to the batch shell only, exactly as --signal=B:USR1@60 does.
    const task = `${submitted.arrayJobId}_2`;
    await until('task 2 to start', () => existsSync(join(dir, 'shards/2.started')));
    signalBatchShell(cluster, task, 'USR1');
    // The script requeues its task; Slurm holds a requeued task for ~2 minutes: release it.
    await until('task 2 to be requeued', () => {
      const job = showJob(cluster, task);
      return job.JobState === 'PENDING' && Number(job.Restarts) >= 1;
    });
    releaseRequeued(cluster, task);

    const end = await waitForSlurmJob(submitted.mergeJobId, { env: cluster.env, pollMs: 250 });
    expect(end).toEqual({ jobId: submitted.mergeJobId, state: 'COMPLETED', reason: 'None', exitCode: 0 });
    expect(read(join(dir, 'result.json'))).toBe(
      ['shard 0/4', 'shard 1/4', 'shard 2/4 resumed from its checkpoint', 'shard 3/4', ''].join('\n'),
    );

    // The task's log, appended to over the requeue, tells the story.
    const log = read(join(dir, 'logs/shard-2.err'));
    expect(log).toMatch(/got SIGUSR1: asking rsrg to write a checkpoint/);
    expect(log).toContain(`toy-rsrg: shard 2 got SIGUSR1, checkpointed, exiting ${EXIT_CHECKPOINTED}`);
    expect(log).toContain(`checkpointed after SIGUSR1; requeueing ${task}`);
    expect(log).toMatch(/start on .*, restart 1/);
    expect(read(join(dir, 'logs/shard-2.out'))).toContain('shard 2/4 done resumed from its checkpoint');
    // The other tasks ran once.
    expect(read(join(dir, 'logs/shard-0.err'))).not.toMatch(/restart 1/);
    expect(read(join(dir, 'logs/merge.out'))).toContain('merged 4 shards');
  }, 90_000);

  it('cancels the merge job when a task fails, and the wait reports it', async () => {
    const cluster = slurm!;
    const dir = runDir('failing', 2);
    writeFileSync(join(dir, 'fail-shard'), '1');
    const submitted = await submitSlurm(
      { runDir: dir, shards: 2, rsrg: [process.execPath, toy] },
      { env: cluster.env },
    );
    const end = await waitForSlurmJob(submitted.mergeJobId, { env: cluster.env, pollMs: 250 });
    expect(end.exitCode).not.toBe(0);
    expect(['CANCELLED', 'PENDING']).toContain(end.state);
    expect(showJob(cluster, `${submitted.arrayJobId}_1`)).toMatchObject({
      JobState: 'FAILED',
      ExitCode: '3:0',
    });
    expect(existsSync(join(dir, 'result.json'))).toBe(false);
    expect(read(join(dir, 'logs/shard-1.err'))).toContain('rsrg exited with code 3');
  }, 60_000);

  it('rsrg submit --wait (the built binary): a real campaign, 4 shards and the merge, equals rsrg mcrg', async () => {
    const cluster = slurm!;
    const dir = join(tmp, 'campaign run');
    const params = [
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
      '7',
    ];
    const run = (args: string[], env: Record<string, string | undefined> = process.env) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
        execFile(
          process.execPath,
          [cli, ...args],
          { env: { ...env, RSRG_DEBUG: '' } },
          (err, stdout, stderr) => done({ code: err ? Number(err.code) : 0, stdout, stderr }),
        ),
      );
    const single = await run(['mcrg', ...params, '--json']);
    expect(single.code, single.stderr).toBe(0);
    const planned = await run(['mcrg', ...params, '--run-dir', dir, '--plan-only']);
    expect(planned.code, planned.stderr).toBe(0);
    const r = await run(
      ['submit', dir, '--scheduler', 'slurm', '--shards', '4', '--wait', '--json'],
      cluster.env,
    );
    expect(
      r.code,
      `${r.stderr}\n${[0, 1, 2, 3].map((i) => read(join(dir, `logs/shard-${i}.err`))).join('\n')}`,
    ).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      command: 'submit',
      scheduler: 'slurm',
      dryRun: false,
      runDir: dir,
      shards: 4,
    });
    expect(out.merge).toMatchObject({ jobId: out.mergeJobId, state: 'COMPLETED', exitCode: 0 });
    // Each task ran this build of rsrg on its shard; the merge wrote result.json and result.h5.
    expect(read(join(dir, 'slurm/array.sh'))).toContain(`RSRG=(${process.execPath} ${cli})`);
    for (let i = 0; i < 4; i++) expect(existsSync(join(dir, `shards/${i}.h5`))).toBe(true);
    expect(existsSync(join(dir, 'result.h5'))).toBe(true);
    const pick = (json: string) => {
      const d = JSON.parse(json);
      return { estimates: d.estimates, tauInt: d.tauInt, bins: d.bins, samples: d.samples };
    };
    expect(pick(read(join(dir, 'result.json')))).toEqual(pick(single.stdout));
  }, 180_000);
});
