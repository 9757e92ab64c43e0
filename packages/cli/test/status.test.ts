// `rsrg status`: a shard whose Slurm task logged rsrg exiting with an error is `failed`; one that
// checkpointed and stopped (75), succeeded, or started again after a failure is not.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rsrg } from './fixtures/run-rsrg.js';

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-status-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const line = (shard: string, text: string) =>
  `rsrg-slurm: 2026-01-01T00:00:00Z task 1_${shard[0]} (job 7) shard ${shard}: ${text}\n`;

describe('rsrg status', () => {
  it('says failed from the task log, and only for an error exit that is the log’s last word', async () => {
    const dir = join(tmp, 'run');
    const plan = await rsrg(tmp, [
      'mcrg',
      '--size',
      '8',
      '--samples',
      '400',
      '--chains',
      '4',
      '--run-dir',
      dir,
      '--plan-only',
    ]);
    expect(plan.code, plan.stderr).toBe(0);
    mkdirSync(join(dir, 'slurm'));
    writeFileSync(join(dir, 'slurm', 'array.sh'), '#!/bin/bash\nSHARDS=4\n');
    mkdirSync(join(dir, 'logs'));
    const log = (i: number, ...texts: string[]) =>
      writeFileSync(join(dir, 'logs', `shard-${i}.err`), texts.map((t) => line(`${i}/4`, t)).join(''));
    log(0, 'start on node1, restart 0', 'rsrg exited with code 137'); // killed: failed
    log(1, 'start on node1, restart 0', 'rsrg exited with code 75'); // checkpointed and stopped
    log(2, 'start on node1, restart 0', 'rsrg exited with code 1', 'start on node2, restart 1'); // running again
    // A long log: the exit line is found in its tail.
    log(3, 'start on node1, restart 0');
    appendFileSync(join(dir, 'logs', 'shard-3.err'), 'measure |███| 50% …\n'.repeat(10_000));
    appendFileSync(join(dir, 'logs', 'shard-3.err'), line('3/4', 'rsrg exited with code 2'));
    const r = await rsrg(tmp, ['status', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const states = JSON.parse(r.stdout).shards.map(
      (s: { shard: string; state: string }) => `${s.shard} ${s.state}`,
    );
    expect(states).toEqual(['0/4 failed', '1/4 pending', '2/4 pending', '3/4 failed']);
    const text = await rsrg(tmp, ['status', dir]);
    expect(text.stdout).toMatch(/0\/4 .* failed\n/);
  }, 30_000);
});
