import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finishedRunOf, INCOMPLETE_MARKER, LOCK_FILE, RunDirectory, STUDY_FILE_NAMES } from '../src/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-run-directory-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(tmp, `d${n++}`);

describe('RunDirectory', () => {
  it('locks the directory, marks it incomplete until complete, and releases the lock on close', () => {
    const path = join(fresh(), 'nested');
    const dir = RunDirectory.open(path, { note: 'a test run' });
    expect(readFileSync(join(path, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    expect(readFileSync(join(path, INCOMPLETE_MARKER), 'utf8')).toContain('a test run');
    // One writer at a time: a second open fails while the first holds the lock.
    expect(() => RunDirectory.open(path)).toThrow(
      new RegExp(`is in use by process ${process.pid} \\(lock file \\.rsrg-lock\\)`),
    );
    expect(dir.write('a.txt', 'x')).toBe(join(path, 'a.txt'));
    dir.complete();
    dir.close();
    expect(readdirSync(path)).toEqual(['a.txt']);
    dir.close();
  });

  it('refuses an incomplete or foreign directory unless restarted, and removes only the files it owns', () => {
    const path = fresh();
    const first = RunDirectory.open(path);
    first.write('result.json', '{}');
    first.close(); // never completed
    expect(() => RunDirectory.open(path, { restartHint: 'say --restart' })).toThrow(
      /holds an incomplete run \(INCOMPLETE is there\); say --restart$/,
    );
    writeFileSync(join(path, 'notes.txt'), 'mine');
    const again = RunDirectory.open(path, { restart: true, owned: ['result.json'] });
    expect(readdirSync(path).sort()).toEqual([LOCK_FILE, INCOMPLETE_MARKER, 'notes.txt'].sort());
    again.complete();
    again.close();
    expect(() => RunDirectory.open(path)).toThrow(/holds files of something else \(notes\.txt\)/);
  });

  it('takes over a stale lock: a dead pid, or an empty lock that is old', () => {
    const path = fresh();
    RunDirectory.open(path).close();
    writeFileSync(join(path, LOCK_FILE), '2147483646\n');
    const dir = RunDirectory.open(path, { restart: true });
    expect(readFileSync(join(path, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    dir.close();
    writeFileSync(join(path, LOCK_FILE), '');
    expect(() => RunDirectory.open(path, { restart: true })).toThrow(/is being locked by another process/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(path, LOCK_FILE), old, old);
    RunDirectory.open(path, { restart: true }).close();
    expect(existsSync(join(path, LOCK_FILE))).toBe(false);
  });

  it('refuses a file in place of the directory', () => {
    const path = fresh();
    writeFileSync(path, 'x');
    expect(() => RunDirectory.open(path)).toThrow(/output directory .* is a file, not a directory/);
  });
});

describe('finishedRunOf', () => {
  it('accepts a directory whose result.json is a reproduce run of the study', () => {
    const path = fresh();
    const dir = RunDirectory.open(path);
    dir.write('result.json', JSON.stringify({ command: 'reproduce', study: { id: 's' } }));
    dir.complete();
    dir.close();
    const reopened = RunDirectory.open(path, { reusable: finishedRunOf('s') });
    reopened.complete();
    reopened.close();
    expect(() => RunDirectory.open(path, { reusable: finishedRunOf('other') })).toThrow(/something else/);
    expect(STUDY_FILE_NAMES).toContain('result.json');
  });
});
