import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors/index.js';

/** A path and the option that gave it, e.g. `{ option: '--out', path: 'result.json' }`. */
export interface NamedPath {
  /** The command-line option that named the file, e.g. '--out'; used in the error message. */
  readonly option: string;
  /** The path as given ('-' for standard input or output). */
  readonly path: string;
}

/** What makes two paths the same file: device and inode when it exists, else its resolved path. */
function identity(path: string): string {
  const absolute = resolve(path);
  try {
    const st = statSync(absolute);
    return `inode ${st.dev}:${st.ino}`;
  } catch {
    // Not there yet: the real path of its directory (symbolic links resolved) and its name.
    try {
      return `path ${join(realpathSync(dirname(absolute)), basename(absolute))}`;
    } catch {
      return `path ${absolute}`;
    }
  }
}

/**
 * Refuses, before any work starts, an output that is one of the inputs or another output: a
 * UsageError (exit code 2) naming both options. Paths are compared as files (a symbolic link,
 * a hard link or `./x` is the file it names), not as strings. Entries that are undefined
 * (options not given) and '-' (standard input or output) are skipped.
 *
 * @example
 * assertDistinctPaths([{ option: '--ensemble', path: ensemblePath }], [{ option: '--out', path: out }]);
 * // --out 'e.rsrg' is the same file as --ensemble 'e.rsrg': refusing to overwrite an input
 */
export function assertDistinctPaths(
  inputs: readonly (NamedPath | undefined)[],
  outputs: readonly (NamedPath | undefined)[],
): void {
  const given = (list: readonly (NamedPath | undefined)[]) =>
    list.filter((p): p is NamedPath => p !== undefined && p.path !== '' && p.path !== '-');
  const ins = given(inputs).map((p) => ({ ...p, id: identity(p.path) }));
  const seen: { option: string; path: string; id: string }[] = [];
  for (const out of given(outputs)) {
    const id = identity(out.path);
    const input = ins.find((p) => p.id === id);
    if (input) {
      throw new UsageError(
        `${out.option} '${out.path}' is the same file as ${input.option} '${input.path}': refusing to overwrite an input`,
      );
    }
    const other = seen.find((p) => p.id === id);
    if (other) {
      throw new UsageError(
        `${out.option} '${out.path}' and ${other.option} '${other.path}' are the same file: give each output its own`,
      );
    }
    seen.push({ ...out, id });
  }
}
