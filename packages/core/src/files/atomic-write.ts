import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  lstatSync,
  openSync,
  realpathSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RsrgError } from '../errors/index.js';
import { describeSystemError, systemErrorCode } from './system-error.js';

/** Options of `writeFileAtomic`. */
export interface AtomicWriteOptions {
  /** How the file is named in an error message (default: the path as given), e.g. `--out file result.json`. */
  readonly label?: string;
  /** Permissions of a new file (default 0o666, less the umask); an existing file keeps its own. */
  readonly mode?: number;
}

/** Directory fsync is not supported everywhere; these mean "not here", not "failed". */
const NO_DIRECTORY_SYNC = new Set(['EINVAL', 'EISDIR', 'EPERM', 'EACCES', 'ENOTSUP', 'EBADF']);

function fail(label: string, cause: unknown, what = ''): RsrgError {
  const err = new RsrgError(`cannot write ${label}: ${what}${describeSystemError(cause)}`);
  Object.defineProperty(err, 'cause', {
    value: cause,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return err;
}

/** Where the bytes go: the target itself, or the file a symbolic link points to (the link stays). */
function targetOf(path: string): string {
  try {
    return lstatSync(path).isSymbolicLink() ? realpathSync(path) : path;
  } catch {
    return path; // missing, or a dangling link: write the path itself
  }
}

/** A fresh name beside the target: same directory, so the rename stays on one file system. */
function tempName(target: string): string {
  const name = basename(target).slice(0, 80);
  return join(dirname(target), `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (err) {
    const code = systemErrorCode(err);
    if (code === undefined || !NO_DIRECTORY_SYNC.has(code)) throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes a whole file or nothing: the bytes go to a temporary file in the same directory,
 * which is synced to disk and then renamed over `path`, and the directory is synced so the
 * rename lasts. A reader sees the old file or the new one, never a part; a crash or a full
 * disk leaves the old file as it was. On any error the temporary file is removed and an
 * RsrgError (exit code 1) says which file and why, in one line:
 * "cannot write result.json: no space left on device (ENOSPC)". A string is written as UTF-8.
 * A symbolic link stays and its target is replaced; a device or pipe (/dev/null) is written
 * in place; a directory is refused.
 *
 * @example
 * writeFileAtomic(out, ensembleCodec.encode(ensemble), { label: `--out file ${out}` });
 * writeFileAtomic('result.json', `${JSON.stringify(doc, null, 2)}\n`);
 */
export function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
): void {
  const label = options.label ?? path;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const target = targetOf(path);
  const dir = dirname(target);
  let st: Stats | undefined;
  try {
    st = statSync(target);
  } catch (err) {
    if (systemErrorCode(err) !== 'ENOENT') throw fail(label, err);
  }
  if (st?.isDirectory()) throw new RsrgError(`cannot write ${label}: it is a directory`);
  if (st && !st.isFile()) {
    // A device or a pipe (/dev/null, /dev/stdout): written in place, never replaced by a file.
    try {
      writeFileSync(target, bytes);
    } catch (err) {
      throw fail(label, err);
    }
    return;
  }
  const existing = st ? st.mode & 0o7777 : undefined;
  const temp = tempName(target);
  let fd: number | undefined;
  let created = false;
  try {
    try {
      fd = openSync(temp, 'wx', options.mode ?? 0o666);
    } catch (err) {
      if (systemErrorCode(err) === 'ENOENT') throw fail(label, err, `the directory ${dir} does not exist: `);
      throw err;
    }
    created = true;
    if (existing !== undefined) fchmodSync(fd, existing);
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
    const closing = fd;
    fd = undefined;
    closeSync(closing);
    renameSync(temp, target);
    created = false;
    syncDirectory(dir);
  } catch (err) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing: the first error is the one to report
      }
    }
    if (created) {
      try {
        unlinkSync(temp);
      } catch {
        // nothing more to do: the name is unique and says what it is
      }
    }
    throw err instanceof RsrgError ? err : fail(label, err);
  }
}
