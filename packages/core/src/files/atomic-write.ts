import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  lstatSync,
  openSync,
  readFileSync,
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

/** Options of `writeFileAtomicWith`. */
export interface AtomicWriterOptions {
  /** How the file is named in an error message (default: the path as given). */
  readonly label?: string;
  /** The reason for a writer's own errors, when it has a better one than the system's (e.g. HDF5's). */
  readonly reason?: (cause: unknown) => string | undefined;
}

/**
 * `writeFileAtomic` for writers that must write a file of their own (h5wasm opens its file by
 * name, a large .npy is streamed): `write` gets a fresh temporary path in the same directory
 * as `path` and fills it; the file is then synced to disk and renamed over `path`, and the
 * directory synced. A reader sees the old file or the new one, never a part; a failure leaves
 * the old file as it was and removes the temporary one. Errors are one-line RsrgErrors naming
 * `label` (an RsrgError thrown by `write` passes unchanged). A device or pipe is written in
 * place (the temporary file copied into it); a directory is refused.
 *
 * @example
 * await writeFileAtomicWith('result.h5', (temp) => writeHdf5(temp, contents), { label: 'result.h5' });
 */
export async function writeFileAtomicWith(
  path: string,
  write: (temp: string) => void | Promise<void>,
  options: AtomicWriterOptions = {},
): Promise<void> {
  const label = options.label ?? path;
  const failure = (cause: unknown, what = '') => {
    const reason = options.reason?.(cause);
    return reason === undefined
      ? fail(label, cause, what)
      : new RsrgError(`cannot write ${label}: ${what}${reason}`);
  };
  const target = targetOf(path);
  const dir = dirname(target);
  let st: Stats | undefined;
  try {
    st = statSync(target);
  } catch (err) {
    if (systemErrorCode(err) !== 'ENOENT') throw failure(err);
  }
  if (st?.isDirectory()) throw new RsrgError(`cannot write ${label}: it is a directory`);
  try {
    if (!statSync(dir).isDirectory()) throw new RsrgError(`${dir} is not a directory`);
  } catch (err) {
    if (systemErrorCode(err) === 'ENOENT') throw failure(err, `the directory ${dir} does not exist: `);
    throw failure(err);
  }
  const temp = tempName(target);
  try {
    await write(temp);
    if (st && !st.isFile()) {
      writeFileSync(target, readFileSync(temp));
      unlinkSync(temp);
      return;
    }
    const fd = openSync(temp, 'r+');
    try {
      if (st) fchmodSync(fd, st.mode & 0o7777);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
    syncDirectory(dir);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // not created, or already renamed: nothing to remove
    }
    throw err instanceof RsrgError ? err : failure(err);
  }
}
