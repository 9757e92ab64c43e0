// `waitForSlurmJob` polls scontrol for as long as a campaign runs (hours, a poll a second): it
// must not pile up listeners on the abort signal, and Ctrl-C must still stop it at once.

import { getEventListeners } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForSlurmJob } from '@rsrg/campaigns';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'rsrg-slurm-wait-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake scontrol: PENDING for `polls` calls, then COMPLETED (counted in a file). */
function fakeScontrol(polls: number): NodeJS.ProcessEnv {
  const bin = join(dir, `bin-${polls}`);
  writeFileSync(join(dir, `count-${polls}`), '0');
  const script = `#!/bin/sh
n=$(cat "${dir}/count-${polls}"); n=$((n + 1)); echo "$n" > "${dir}/count-${polls}"
if [ "$n" -le ${polls} ]; then echo "JobId=7 JobState=PENDING Reason=Dependency ExitCode=0:0"
else echo "JobId=7 JobState=COMPLETED Reason=None ExitCode=0:0"; fi
`;
  rmSync(bin, { recursive: true, force: true });
  mkdirSync(bin);
  writeFileSync(join(bin, 'scontrol'), script);
  chmodSync(join(bin, 'scontrol'), 0o755);
  return { ...process.env, PATH: `${bin}:${process.env.PATH}` };
}

describe('waitForSlurmJob', () => {
  it('leaves no abort listener behind after many polls', async () => {
    const stop = new AbortController();
    const end = await waitForSlurmJob('7', { env: fakeScontrol(40), pollMs: 1, signal: stop.signal });
    expect(end).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it('stops waiting when aborted', async () => {
    const stop = new AbortController();
    const waiting = waitForSlurmJob('7', { env: fakeScontrol(1e6), pollMs: 50, signal: stop.signal });
    setTimeout(() => stop.abort(new Error('interrupted')), 200);
    await expect(waiting).rejects.toThrow('interrupted');
  });
});
