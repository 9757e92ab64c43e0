import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertDistinctPaths,
  chainStateCodec,
  FileFormatError,
  Rng,
  RsrgError,
  readCodecFile,
  readFileChecked,
  UsageError,
  writeFileAtomic,
} from '../src/index.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'rsrg-files-'));

/** The error `f` throws (it must throw). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('did not throw');
}

describe('writeFileAtomic', () => {
  it('writes bytes and strings, replaces an older file and leaves no temporary file', () => {
    const dir = scratch();
    const path = join(dir, 'result.json');
    writeFileAtomic(path, '{"a": 1}\n');
    expect(readFileSync(path, 'utf8')).toBe('{"a": 1}\n');
    writeFileAtomic(path, Uint8Array.of(1, 2, 3));
    expect(Array.from(readFileSync(path))).toEqual([1, 2, 3]);
    writeFileAtomic(path, '');
    expect(readFileSync(path, 'utf8')).toBe('');
    const big = new Uint8Array(3 << 20).map((_, i) => i & 255);
    writeFileAtomic(path, big);
    expect(Buffer.compare(readFileSync(path), Buffer.from(big))).toBe(0);
    expect(readdirSync(dir)).toEqual(['result.json']);
  });

  it('keeps the permissions of the file it replaces, and of a symbolic link replaces the target', () => {
    const dir = scratch();
    const path = join(dir, 'f.txt');
    writeFileSync(path, 'old');
    chmodSync(path, 0o640);
    writeFileAtomic(path, 'new');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    const link = join(dir, 'link.txt');
    symlinkSync('f.txt', link);
    writeFileAtomic(link, 'through the link');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('through the link');
    expect(readdirSync(dir).sort()).toEqual(['f.txt', 'link.txt']);
  });

  it('writes a device in place (never replacing it by a file) and names its error', () => {
    writeFileAtomic('/dev/null', 'discarded');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    const err = thrown(() => writeFileAtomic('/dev/full', 'x'.repeat(100), { label: 'result.json' }));
    expect(err).toBeInstanceOf(RsrgError);
    expect(err).not.toBeInstanceOf(UsageError);
    expect(err.message).toBe('cannot write result.json: no space left on device (ENOSPC)');
  });

  it('refuses a directory, a missing directory and a path through a file, in one line each', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'plain'), 'x');
    const cases: [string, string][] = [
      [dir, `cannot write ${dir}: it is a directory`],
      [
        join(dir, 'no', 'such', 'f.json'),
        `cannot write ${join(dir, 'no/such/f.json')}: the directory ${join(dir, 'no/such')} does not exist: no such file or directory (ENOENT)`,
      ],
      [
        join(dir, 'plain', 'f.json'),
        `cannot write ${join(dir, 'plain/f.json')}: a part of the path is not a directory (ENOTDIR)`,
      ],
    ];
    for (const [path, message] of cases) {
      const err = thrown(() => writeFileAtomic(path, 'x'));
      expect(err).toBeInstanceOf(RsrgError);
      expect((err as RsrgError).exitCode).toBe(1);
      expect(err.message).toBe(message);
    }
    expect(readdirSync(dir)).toEqual(['plain']);
  });
});

/**
 * Real failures on a tiny tmpfs: a full disk (ENOSPC) and a read-only file system (EROFS).
 * Mounting needs root (we run as root here); elsewhere these tests are skipped and the injected
 * failures of files-failures.test.ts cover the same paths.
 */
describe('writeFileAtomic on a real full or read-only file system', () => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'rsrg-tmpfs-'));
  const mounted =
    process.platform === 'linux' &&
    spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint]).status === 0;
  afterAll(() => {
    if (mounted) spawnSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it.skipIf(!mounted)('a full disk keeps the earlier file intact and names ENOSPC', () => {
    const path = join(mountPoint, 'result.json');
    const old = 'o'.repeat(20_000);
    writeFileAtomic(path, old);
    const err = thrown(() => writeFileAtomic(path, 'n'.repeat(60_000)));
    expect(err).toBeInstanceOf(RsrgError);
    expect(err.message).toBe(`cannot write ${path}: no space left on device (ENOSPC)`);
    expect(readFileSync(path, 'utf8')).toBe(old);
    expect(readdirSync(mountPoint)).toEqual(['result.json']); // the temporary file is gone
    // What fits is still written.
    writeFileAtomic(path, 'n'.repeat(30_000));
    expect(readFileSync(path, 'utf8')).toBe('n'.repeat(30_000));
  });

  it.skipIf(!mounted)('a read-only file system keeps the earlier file and names EROFS', () => {
    const path = join(mountPoint, 'result.json');
    writeFileAtomic(path, 'before');
    expect(spawnSync('mount', ['-o', 'remount,ro', mountPoint]).status).toBe(0);
    try {
      const err = thrown(() => writeFileAtomic(path, 'after', { label: '--out file result.json' }));
      expect(err.message).toBe('cannot write --out file result.json: read-only file system (EROFS)');
      expect(readFileSync(path, 'utf8')).toBe('before');
    } finally {
      spawnSync('mount', ['-o', 'remount,rw', mountPoint]);
    }
  });
});

describe('readFileChecked', () => {
  const dir = scratch();
  const file = join(dir, 'e.rsrg');
  writeFileSync(file, 'content');
  writeFileSync(join(dir, 'plain'), 'x');

  it('reads bytes or text', () => {
    expect(readFileChecked(file, { option: '--ensemble' }).toString()).toBe('content');
    expect(readFileChecked(file, { encoding: 'utf8' })).toBe('content');
  });

  it('names the option and the path of a missing file, a directory or a path through a file', () => {
    const cases: [string, string][] = [
      [join(dir, 'missing.rsrg'), `--ensemble: no such file '${join(dir, 'missing.rsrg')}'`],
      [dir, `--ensemble: '${dir}' is a directory, not a file`],
      [
        join(dir, 'plain', 'x'),
        `--ensemble: no such file '${join(dir, 'plain/x')}' (a part of the path is not a directory)`,
      ],
    ];
    for (const [path, message] of cases) {
      const err = thrown(() => readFileChecked(path, { option: '--ensemble' }));
      expect(err).toBeInstanceOf(UsageError);
      expect(err.message).toBe(message);
    }
    expect(thrown(() => readFileChecked(join(dir, 'missing'))).message).toBe(
      `no such file '${join(dir, 'missing')}'`,
    );
  });

  it('readCodecFile decodes, with the file named in format errors', () => {
    const path = join(dir, 'chain.rsrg');
    const state = { spins: Int8Array.from([1, -1, 1]), rng: Rng.stream(2), moves: 5 };
    writeFileAtomic(path, chainStateCodec.encode(state));
    const { value, checksum } = readCodecFile(path, chainStateCodec, { option: '--state' });
    expect(checksum).toBe('verified');
    expect(value.moves).toBe(5);
    const err = thrown(() => readCodecFile(file, chainStateCodec, { option: '--state' }));
    expect(err).toBeInstanceOf(FileFormatError);
    expect(err.message).toMatch(new RegExp(`^${file} is not a readable rsrg file`));
    expect(thrown(() => readCodecFile(dir, chainStateCodec, { option: '--state' }))).toBeInstanceOf(
      UsageError,
    );
  });
});

describe('assertDistinctPaths', () => {
  const dir = scratch();
  const input = join(dir, 'e.rsrg');
  writeFileSync(input, 'x');
  mkdirSync(join(dir, 'sub'));
  symlinkSync(input, join(dir, 'alias.rsrg'));
  linkSync(input, join(dir, 'hard.rsrg'));
  symlinkSync(join(dir, 'sub'), join(dir, 'subalias'));
  let cwd: string;
  beforeAll(() => {
    cwd = process.cwd();
  });
  afterAll(() => process.chdir(cwd));

  const same = [
    input,
    join(dir, 'sub', '..', 'e.rsrg'),
    join(dir, 'alias.rsrg'),
    join(dir, 'hard.rsrg'),
    `${dir}//e.rsrg`,
  ];

  it.each(same.map((path) => ({ path, shown: relative(dir, path) || path })))(
    'refuses an output that is the input ($shown) before any work',
    ({ path }) => {
      const err = thrown(() =>
        assertDistinctPaths([{ option: '--ensemble', path: input }], [{ option: '--out', path }]),
      );
      expect(err).toBeInstanceOf(UsageError);
      expect(err.message).toBe(
        `--out '${path}' is the same file as --ensemble '${input}': refusing to overwrite an input`,
      );
    },
  );

  it('compares a relative path with an absolute one, and outputs with each other', () => {
    process.chdir(dir);
    expect(() =>
      assertDistinctPaths([{ option: '--weights', path: 'e.rsrg' }], [{ option: '--out', path: input }]),
    ).toThrow(/refusing to overwrite an input/);
    // Two outputs that do not exist yet, one through a linked directory.
    expect(() =>
      assertDistinctPaths(
        [],
        [
          { option: '--out', path: 'sub/new.rsrg' },
          { option: '--export-dat', path: join(dir, 'subalias', 'new.rsrg') },
        ],
      ),
    ).toThrow(/^--export-dat '.*' and --out 'sub\/new.rsrg' are the same file: give each output its own$/);
  });

  it('accepts distinct files, skips options not given and standard output', () => {
    expect(() =>
      assertDistinctPaths(
        [{ option: '--ensemble', path: input }, undefined],
        [
          { option: '--out', path: join(dir, 'out.json') },
          { option: '--export-dat', path: join(dir, 'sub', 'e.rsrg') },
          undefined,
          { option: '--json-out', path: '-' },
          { option: '--also', path: '-' },
        ],
      ),
    ).not.toThrow();
    expect(existsSync(join(dir, 'out.json'))).toBe(false); // nothing is created
  });
});
