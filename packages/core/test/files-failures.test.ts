// Failures injected at every step of writeFileAtomic (node:fs mocked in this file only): the
// earlier file survives, the temporary file is removed, and the error names the file and cause.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RsrgError, readFileChecked, UsageError, writeFileAtomic } from '../src/index.js';

type Step =
  | 'openSync'
  | 'writeSync'
  | 'fsyncSync'
  | 'closeSync'
  | 'renameSync'
  | 'fchmodSync'
  | 'readFileSync';

/** The error each step throws (on its `after`-th call and later), if any. */
const inject = vi.hoisted(
  () =>
    ({ failures: new Map(), shortWrites: false }) as {
      failures: Map<string, { error: Error; after: number; calls: number }>;
      /** writeSync writes at most 4096 bytes a call, as it may: the writer must loop. */
      shortWrites: boolean;
    },
);

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const wrap =
    <A extends unknown[], R>(name: string, f: (...args: A) => R) =>
    (...args: A): R => {
      const failure = inject.failures.get(name);
      if (failure && ++failure.calls > failure.after) throw failure.error;
      return f(...args);
    };
  const mocked = {
    ...fs,
    openSync: wrap('openSync', fs.openSync),
    writeSync: wrap('writeSync', (fd: number, buffer: Uint8Array, offset: number, length: number) =>
      fs.writeSync(fd, buffer, offset, inject.shortWrites ? Math.min(length, 4096) : length),
    ),
    fsyncSync: wrap('fsyncSync', fs.fsyncSync),
    closeSync: wrap('closeSync', fs.closeSync),
    renameSync: wrap('renameSync', fs.renameSync),
    fchmodSync: wrap('fchmodSync', fs.fchmodSync),
    readFileSync: wrap('readFileSync', fs.readFileSync as (...args: unknown[]) => unknown),
  };
  return { ...mocked, default: mocked };
});

/** A system error as node makes it, e.g. systemError('ENOSPC', 'write'). */
function systemError(code: keyof typeof constants.errno, syscall: string): NodeJS.ErrnoException {
  const words: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EIO: 'i/o error',
    EACCES: 'permission denied',
    EXDEV: 'cross-device link not permitted',
    EDQUOT: 'disk quota exceeded',
    EINVAL: 'invalid argument',
  };
  return Object.assign(new Error(`${code}: ${words[code]}, ${syscall}`), {
    code,
    errno: -constants.errno[code],
    syscall,
  });
}

function fail(step: Step, error: Error, after = 0): void {
  inject.failures.set(step, { error, after, calls: 0 });
}

afterEach(() => {
  inject.failures.clear();
  inject.shortWrites = false;
});

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('did not throw');
}

describe('writeFileAtomic under injected failures', () => {
  const cases: { step: Step; error: NodeJS.ErrnoException; after?: number; cause: string }[] = [
    { step: 'openSync', error: systemError('EACCES', 'open'), cause: 'permission denied (EACCES)' },
    { step: 'writeSync', error: systemError('ENOSPC', 'write'), cause: 'no space left on device (ENOSPC)' },
    // Five chunks are written, the sixth fails: a part-written temporary file.
    {
      step: 'writeSync',
      error: systemError('EDQUOT', 'write'),
      after: 5,
      cause: 'disk quota exceeded (EDQUOT)',
    },
    { step: 'fchmodSync', error: systemError('EIO', 'fchmod'), cause: 'i/o error (EIO)' },
    { step: 'fsyncSync', error: systemError('EIO', 'fsync'), cause: 'i/o error (EIO)' },
    { step: 'closeSync', error: systemError('ENOSPC', 'close'), cause: 'no space left on device (ENOSPC)' },
    {
      step: 'renameSync',
      error: systemError('EXDEV', 'rename'),
      cause: 'cross-device link not permitted (EXDEV)',
    },
  ];

  it.each(
    cases.map((c) => ({
      ...c,
      name: `${c.step}${c.after ? ` (call ${c.after + 1})` : ''}: ${c.error.code}`,
    })),
  )(
    '$name keeps the earlier file, removes the temporary one and says why',
    ({ step, error, after, cause }) => {
      const dir = mkdtempSync(join(tmpdir(), 'rsrg-inject-'));
      const path = join(dir, 'result.json');
      writeFileSync(path, 'the earlier result');
      fail(step, error, after);
      inject.shortWrites = true; // 16 write calls for these 64 KiB
      const data = new Uint8Array(1 << 16).fill(65);
      const err = thrown(() => writeFileAtomic(path, data, { label: 'result.json' }));
      expect(err).toBeInstanceOf(RsrgError);
      expect(err).not.toBeInstanceOf(UsageError);
      expect((err as RsrgError).exitCode).toBe(1);
      expect(err.message).toBe(`cannot write result.json: ${cause}`);
      expect((err as { cause?: unknown }).cause).toBe(error);
      inject.failures.clear();
      expect(readFileSync(path, 'utf8')).toBe('the earlier result');
      expect(readdirSync(dir)).toEqual(['result.json']);
    },
  );

  it('a directory fsync the file system does not support is not a failure; an I/O error is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsrg-inject-'));
    const path = join(dir, 'f');
    // The file's fsync is call 1, the directory's call 2.
    fail('fsyncSync', systemError('EINVAL', 'fsync'), 1);
    writeFileAtomic(path, 'x');
    expect(readFileSync(path, 'utf8')).toBe('x');
    fail('fsyncSync', systemError('EIO', 'fsync'), 1);
    expect(thrown(() => writeFileAtomic(path, 'y')).message).toBe(`cannot write ${path}: i/o error (EIO)`);
    // The rename had happened: the new file is in place, only its durability is in doubt.
    expect(readFileSync(path, 'utf8')).toBe('y');
    expect(readdirSync(dir)).toEqual(['f']);
  });
});

describe('readFileChecked under injected failures', () => {
  it('permission denied is a usage error naming the option; an I/O error is a failure', () => {
    fail('readFileSync', systemError('EACCES', 'open'));
    const denied = thrown(() => readFileChecked('/x/e.rsrg', { option: '--ensemble' }));
    expect(denied).toBeInstanceOf(UsageError);
    expect(denied.message).toBe("--ensemble: cannot read '/x/e.rsrg': permission denied (EACCES)");
    fail('readFileSync', systemError('EIO', 'read'));
    const io = thrown(() => readFileChecked('/x/e.rsrg', { option: '--ensemble' }));
    expect(io).toBeInstanceOf(RsrgError);
    expect(io).not.toBeInstanceOf(UsageError);
    expect(io.message).toBe("--ensemble: cannot read '/x/e.rsrg': i/o error (EIO)");
  });
});

describe('writeFileAtomic with short writes', () => {
  it('loops until every byte is written', () => {
    inject.shortWrites = true;
    const dir = mkdtempSync(join(tmpdir(), 'rsrg-inject-'));
    const path = join(dir, 'big');
    const data = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 31) & 255);
    writeFileAtomic(path, data);
    expect(Buffer.compare(readFileSync(path), Buffer.from(data))).toBe(0);
  });
});
