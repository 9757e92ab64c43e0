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
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describeSystemError, RsrgError } from '@rsrg/core';
import { hdf5Reason } from '../hdf5/h5wasm.js';

/** Options of `writeAtomically`. */
export interface AtomicOutputOptions {
  /** How the file is named in an error message (default: the path as given), e.g. `--out file x.h5`. */
  readonly label?: string;
}

/** Directory fsync is not supported everywhere; these mean "not here", not "failed". */
const NO_DIRECTORY_SYNC = new Set(['EINVAL', 'EISDIR', 'EPERM', 'EACCES', 'ENOTSUP', 'EBADF']);

const codeOf = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

function fail(label: string, cause: unknown, what = ''): RsrgError {
  const reason = hdf5Reason(cause) ?? describeSystemError(cause);
  const err = new RsrgError(`cannot write ${label}: ${what}${reason}`);
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
    return path;
  }
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (err) {
    const code = codeOf(err);
    if (code === undefined || !NO_DIRECTORY_SYNC.has(code)) throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes a whole file or nothing, for writers that must write a file of their own (h5wasm
 * opens its file by name, a .npy is streamed): `write` gets a fresh temporary path in the
 * same directory as `path` and fills it; the file is then synced to disk and renamed over
 * `path`, and the directory synced, as core's `writeFileAtomic` does for bytes in memory. A
 * reader sees the old file or the new one, never a part; a crash or a failure leaves the
 * old file as it was and removes the temporary one. Errors are one-line RsrgErrors naming
 * `label` (an RsrgError thrown by `write` passes unchanged). A symbolic link stays and its target is replaced; a device or pipe is written in
 * place (the temporary file copied into it); a directory is refused.
 */
export async function writeAtomically(
  path: string,
  write: (temp: string) => void | Promise<void>,
  options: AtomicOutputOptions = {},
): Promise<void> {
  const label = options.label ?? path;
  const target = targetOf(path);
  const dir = dirname(target);
  let st: Stats | undefined;
  try {
    st = statSync(target);
  } catch (err) {
    if (codeOf(err) !== 'ENOENT') throw fail(label, err);
  }
  if (st?.isDirectory()) throw new RsrgError(`cannot write ${label}: it is a directory`);
  try {
    if (!statSync(dir).isDirectory()) throw new RsrgError(`${dir} is not a directory`);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') throw fail(label, err, `the directory ${dir} does not exist: `);
    throw fail(label, err);
  }
  const temp = join(
    dir,
    `.${basename(target).slice(0, 80)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await write(temp);
    if (st && !st.isFile()) {
      // A device or a pipe (/dev/null, /dev/stdout): written in place, never replaced by a file.
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
    throw err instanceof RsrgError ? err : fail(label, err);
  }
}
