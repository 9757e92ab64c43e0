// A failed write to stdout is a failed run (exit 1, one line on stderr), not a silent success;
// a reader that goes away (EPIPE: `rsrg list | head`) is not a failure. Runs the built binary.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const env = { ...process.env, RSRG_DEBUG: '', RSRG_PROGRESS: '' };

/** Runs `rsrg args…` with its stdout written to `path`. */
function runTo(path: string, args: string[]): { status: number | null; stderr: string } {
  const fd = openSync(path, 'w');
  try {
    const r = spawnSync(process.execPath, [bin, ...args], {
      stdio: ['ignore', fd, 'pipe'],
      env,
      encoding: 'utf8',
    });
    return { status: r.status, stderr: r.stderr };
  } finally {
    closeSync(fd);
  }
}

const fullDevice = '/dev/full';
const hasFull = process.platform === 'linux';

describe('stdout', () => {
  it
    .skipIf(!hasFull)
    .each([{ command: 'list --json' }, { command: 'list' }, { command: '--version' }, { command: '--help' }])(
    'rsrg $command > /dev/full exits 1 with one line naming the cause',
    ({ command }) => {
      const r = runTo(fullDevice, command.split(' '));
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toBe(
        'rsrg: error: cannot write to standard output: no space left on device (ENOSPC)\n',
      );
    },
  );

  it.skipIf(!hasFull)(
    'a usage error keeps its exit code 2 and its one line, with stdout on /dev/full',
    () => {
      const r = runTo(fullDevice, ['no-such-command']);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe("rsrg: error: unknown command 'no-such-command'\n");
    },
  );

  it('the same output to a file exits 0 and writes it whole', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rsrg-stdout-')), 'list.json');
    const r = runTo(path, ['list', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toBeTypeOf('object');
  });

  it('a reader that closes the pipe early (EPIPE) is not a failure', async () => {
    const child = spawn(process.execPath, [bin, 'list', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    child.stdout.destroy(); // closed before rsrg writes: its writes get EPIPE
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });
});
