// Ctrl-C (SIGINT) stops every command within a second, with exit code 130, and leaves no output
// file, whole or partial, nor a temporary file: sampling, sampling an ensemble, measuring one
// (in worker threads and in the main thread), training, a study, an export, and listing while a
// plugin is still loading.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rsrg } from './fixtures/run-rsrg.js';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'rsrg-interrupt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An ensemble that takes seconds to measure in one thread (16×16, 40000 configurations). */
beforeAll(async () => {
  const r = await rsrg(tmp, [
    'sample',
    '--model',
    'ising2d',
    '--size',
    '16',
    '--samples',
    '40000',
    '--chains',
    '2',
    '--interval',
    '1',
    '--thermalize',
    '10',
    '--out',
    'e.rsrg',
  ]);
  expect(r.code, r.stderr).toBe(0);
  // A plugin that takes a minute to import.
  writeFileSync(
    join(tmp, 'slow-plugin.mjs'),
    'await new Promise((r) => setTimeout(r, 60_000));\nexport default () => {};\n',
  );
});

interface Interrupted {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from SIGINT to the exit. */
  afterSignal: number;
  stderr: string;
}

/**
 * Runs `rsrg args…` in `dir` with progress lines every 50 ms, sends SIGINT once it has started
 * (its first stderr output, or `delay` ms when it prints none), and waits for it to exit.
 */
function interrupt(dir: string, args: string[], delay?: number): Promise<Interrupted> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: dir,
      env: { ...process.env, RSRG_DEBUG: '', RSRG_PROGRESS: '0.05' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let sent = 0;
    const send = () => {
      if (sent) return;
      sent = performance.now();
      child.kill('SIGINT');
    };
    child.stderr.on('data', (d) => {
      stderr += String(d);
      if (delay === undefined && /moves/.test(stderr)) send();
    });
    const timer = delay === undefined ? undefined : setTimeout(send, delay);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, afterSignal: sent ? performance.now() - sent : Number.NaN, stderr });
    });
  });
}

function expectInterrupted(r: Interrupted): void {
  expect(r.signal, r.stderr).toBeNull();
  expect(r.code, r.stderr).toBe(130);
  expect(r.afterSignal).toBeLessThan(1000);
  expect(r.stderr).toMatch(/rsrg: error: interrupted\n$/);
}

/** A fresh directory holding an earlier result, which an interrupted run must leave as it was. */
function outDir(): string {
  const dir = mkdtempSync(join(tmp, 'out-'));
  writeFileSync(join(dir, 'earlier.json'), 'earlier');
  return dir;
}

function expectNothingWritten(dir: string): void {
  expect(readdirSync(dir)).toEqual(['earlier.json']);
  expect(readFileSync(join(dir, 'earlier.json'), 'utf8')).toBe('earlier');
}

const long = ['--size', '32', '--samples', '1e6'];

describe('SIGINT', () => {
  it.each(['2', '1'])('stops rsrg mcrg (%s workers) with exit 130 and no --out file', async (workers) => {
    const dir = outDir();
    const r = await interrupt(dir, ['mcrg', ...long, '--workers', workers, '--out', 'r.json']);
    expectInterrupted(r);
    expectNothingWritten(dir);
  });

  it('stops rsrg sample with exit 130 and no ensemble file', async () => {
    const dir = outDir();
    const r = await interrupt(dir, ['sample', '--model', 'ising2d', ...long, '--out', 'e.rsrg']);
    expectInterrupted(r);
    expectNothingWritten(dir);
  });

  it.each(['2', '1'])(
    'stops the measurement of an ensemble (%s workers) with exit 130 and no --out file',
    async (workers) => {
      const dir = outDir();
      const r = await interrupt(dir, [
        'mcrg',
        '--ensemble',
        join(tmp, 'e.rsrg'),
        '--workers',
        workers,
        '--out',
        'r.json',
      ]);
      expectInterrupted(r);
      expectNothingWritten(dir);
    },
  );

  it('stops rsrg train (training in its own thread) with exit 130 and no projector file', async () => {
    const dir = outDir();
    const r = await interrupt(
      dir,
      ['train', '--data', join(tmp, 'e.rsrg'), '--width', '4', '--epochs', '1000', '--out', 'p.rsrg'],
      1500,
    );
    expectInterrupted(r);
    expectNothingWritten(dir);
  });

  it('stops rsrg reproduce with exit 130: no result, only the INCOMPLETE marker', async () => {
    const dir = outDir();
    const out = join(dir, 'run');
    const r = await interrupt(dir, ['reproduce', 'chung-kao-2019', '--scale', 'quick', '--out', out]);
    expectInterrupted(r);
    expect(readdirSync(dir).sort()).toEqual(['earlier.json', 'run']);
    // Nothing of the study's output: the marker that the directory holds no finished run, and the lock.
    expect(readdirSync(out).filter((f) => f !== 'INCOMPLETE' && f !== '.rsrg-lock')).toEqual([]);
    expect(readdirSync(out)).toContain('INCOMPLETE');
  });

  it('stops rsrg export with exit 130 and no output file', async () => {
    const dir = outDir();
    const r = await interrupt(dir, ['export', join(tmp, 'e.rsrg'), '--format', 'hdf5', '--out', 'e.h5'], 300);
    // Loading HDF5 alone takes most of a second, so the signal comes first; were the export
    // done by then, its file would be whole (written atomically) and this test would say so.
    expectInterrupted(r);
    expectNothingWritten(dir);
  });

  it('stops rsrg list while a plugin is still loading', async () => {
    const r = await interrupt(tmp, ['--plugin', './slow-plugin.mjs', 'list'], 700);
    expectInterrupted(r);
  });
});
