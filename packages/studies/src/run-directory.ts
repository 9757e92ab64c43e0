import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { RsrgError, UsageError, writeFileAtomic } from '@rsrg/core';

/** The lock file: created with O_EXCL, it holds the pid of the process writing the directory. */
export const LOCK_FILE = '.rsrg-lock';
/** Written first and removed last: a directory that still has it holds an unfinished run. */
export const INCOMPLETE_MARKER = 'INCOMPLETE';

/** How to open a run directory. */
export interface RunDirectoryOptions {
  /** Write into an incomplete or foreign directory, replacing the files of `owned`. */
  readonly restart?: boolean;
  /**
   * Whether the directory's files are those of a finished run that this one may overwrite
   * (e.g. a result.json of the same study); called with the directory's entries.
   */
  readonly reusable?: (dir: string, entries: readonly string[]) => boolean;
  /**
   * Whether the directory's files are those of a run this one resumes (e.g. it holds a plan
   * of the run, which the caller checks): then they are kept, the INCOMPLETE marker included.
   */
  readonly resumable?: (dir: string, entries: readonly string[]) => boolean;
  /** Files this kind of run writes; `restart` removes them first, so nothing stale stays. */
  readonly owned?: readonly string[];
  /** What the INCOMPLETE marker says (e.g. the command line). */
  readonly note?: string;
  /** How to say "start over" in messages (default: "open it with restart: true to start over"). */
  readonly restartHint?: string;
}

function systemCode(err: unknown): string | undefined {
  return (err as { code?: string } | null)?.code;
}

/** Whether a process with this pid runs (a process of another user counts). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return systemCode(err) === 'EPERM';
  }
}

/** Creates `dir` and its missing parents (mkdirSync({ recursive: true }) spins forever under /proc on node 20). */
function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.push(d);
  for (const d of missing.reverse()) mkdirSync(d);
}

/**
 * An output directory that one process at a time writes into. `open` takes the lock (a file
 * created with O_EXCL that holds the pid; the lock of a process that no longer runs is taken
 * over), refuses a directory that holds an unfinished run or files of something else unless
 * told to `restart`, and writes the INCOMPLETE marker; every file then goes through
 * `writeFileAtomic`; `complete` removes the marker and `close` the lock. A run that fails or
 * is stopped leaves the marker, so the directory says it is incomplete. Errors are one line.
 */
export class RunDirectory {
  private locked = true;

  private constructor(
    /** The directory, as it was opened. */
    readonly path: string,
    private readonly lock: string,
  ) {}

  /**
   * Opens `path` for one run: creates it, takes the lock and writes the INCOMPLETE marker.
   * Throws a UsageError when another process holds it, or when it holds an unfinished run or
   * another thing's files and `options.restart` is not set.
   */
  static open(path: string, options: RunDirectoryOptions = {}): RunDirectory {
    const hint = options.restartHint ?? 'open it with restart: true to start over';
    if (existsSync(path) && !statSync(path).isDirectory()) {
      throw new UsageError(`output directory ${path} is a file, not a directory`);
    }
    try {
      makeDirectories(path);
    } catch (err) {
      throw new RsrgError(`cannot create output directory ${path}: ${(err as Error).message}`);
    }
    const lock = join(path, LOCK_FILE);
    takeLock(lock, path);
    const dir = new RunDirectory(path, lock);
    try {
      const entries = readdirSync(path).filter((e) => e !== LOCK_FILE && !isTemporary(e));
      const incomplete = entries.includes(INCOMPLETE_MARKER);
      const reusable =
        entries.length === 0 ||
        (!incomplete && (options.reusable?.(path, entries) ?? false)) ||
        (options.resumable?.(path, entries) ?? false);
      if (!reusable && !options.restart) {
        throw new UsageError(
          incomplete
            ? `output directory ${path} holds an incomplete run (${INCOMPLETE_MARKER} is there); ${hint}`
            : `output directory ${path} holds files of something else (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); choose another or ${hint}`,
        );
      }
      if (options.restart) {
        for (const name of [...(options.owned ?? []), INCOMPLETE_MARKER]) {
          if (entries.includes(name)) unlinkSync(join(path, name));
        }
      }
      dir.write(
        INCOMPLETE_MARKER,
        `This run has not finished${options.note ? `: ${options.note}` : ''} (pid ${process.pid}, ${new Date().toISOString()}).\n`,
      );
      return dir;
    } catch (err) {
      dir.close();
      throw err;
    }
  }

  /** Writes a whole file of the run, atomically (`writeFileAtomic`). */
  write(name: string, data: Uint8Array | string): string {
    const file = join(this.path, name);
    writeFileAtomic(file, data, { label: file });
    return file;
  }

  /** The run is done: removes the INCOMPLETE marker. */
  complete(): void {
    try {
      unlinkSync(join(this.path, INCOMPLETE_MARKER));
    } catch (err) {
      if (systemCode(err) !== 'ENOENT') throw err;
    }
  }

  /** Releases the lock (if it is still this process's). */
  close(): void {
    if (!this.locked) return;
    this.locked = false;
    try {
      if (readFileSync(this.lock, 'utf8').trim() === String(process.pid)) unlinkSync(this.lock);
    } catch {
      // gone already: nothing to release
    }
  }
}

/** writeFileAtomic's temporary files (`.name.pid.hex.tmp`), left only by a crash. */
function isTemporary(name: string): boolean {
  return /^\..+\.\d+\.[0-9a-f]{12}\.tmp$/.test(name);
}

/** How long an empty lock file counts as being written rather than abandoned. */
const FRESH_LOCK_MS = 10_000;

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function takeLock(lock: string, dir: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(lock, 'wx');
    } catch (err) {
      if (systemCode(err) !== 'EEXIST') {
        throw new RsrgError(`cannot lock output directory ${dir}: ${(err as Error).message}`);
      }
      let text = '';
      try {
        text = readFileSync(lock, 'utf8').trim();
      } catch {
        continue; // removed meanwhile: try again
      }
      const pid = Number(text);
      // An empty lock is one whose owner has not written its pid yet, unless it is old.
      if (text === '' && Date.now() - mtime(lock) < FRESH_LOCK_MS) {
        throw new UsageError(`output directory ${dir} is being locked by another process; try again`);
      }
      if (text !== '' && Number.isSafeInteger(pid) && pid > 0 && alive(pid)) {
        throw new UsageError(
          `output directory ${dir} is in use by process ${pid} (lock file ${LOCK_FILE}); wait for it to finish`,
        );
      }
      // The lock of a process that no longer runs (or an unreadable one): take it over, unless
      // another process did so meanwhile.
      try {
        if (readFileSync(lock, 'utf8').trim() === text) unlinkSync(lock);
      } catch {
        // removed meanwhile
      }
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    return;
  }
  throw new UsageError(`output directory ${dir} is being locked by another process; try again`);
}
