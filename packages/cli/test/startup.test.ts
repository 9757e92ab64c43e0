// Start-up stays light: commands load the analyzer (@rsrg/mcrg), the campaign layer (HDF5,
// Slurm), the study runner and the worker pool only when they run, so `rsrg list`, help and
// parse errors do not pay for them. Every module Node resolves is logged by a loader hook.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from './fixtures/run-rsrg.js';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'rsrg-startup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** The module URLs `rsrg args…` resolves. */
function loaded(args: string[]): string[] {
  const log = join(tmp, `log-${n++}`);
  try {
    execFileSync(process.execPath, ['--import', fixture('import-log/register.mjs'), bin, ...args], {
      env: { ...process.env, RSRG_IMPORT_LOG: log },
      stdio: 'ignore',
    });
  } catch {
    // an error exit is fine: what was loaded is the question
  }
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

const HEAVY = /\/(campaigns|mcrg|studies)\/dist\/|h5wasm|piscina/;

describe('rsrg start-up', () => {
  it.each([['list'], ['--version'], ['mcrg', '--help'], ['mcrg', '--size', 'x'], ['status', '--help']])(
    'rsrg %s loads neither the analyzer, the campaign layer, the study runner nor the worker pool',
    (...args) => {
      const urls = loaded(args);
      expect(urls.length).toBeGreaterThan(10);
      expect(urls.filter((u) => HEAVY.test(u))).toEqual([]);
    },
  );

  it('the hook sees them where a command needs them (the control)', () => {
    const urls = loaded(['status', join(tmp, 'no-such-run')]);
    expect(urls.some((u) => /\/campaigns\/dist\//.test(u))).toBe(true);
    expect(urls.some((u) => /\/mcrg\/dist\//.test(u))).toBe(true);
  });
});
