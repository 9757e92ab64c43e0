import { readFileSync } from 'node:fs';
import type { Codec, Decoded } from '../codec.js';
import { RsrgError, UsageError } from '../errors/index.js';
import { describeSystemError, systemErrorCode } from './system-error.js';

/** Options of `readFileChecked`. */
export interface ReadCheckedOptions {
  /** The option that named the file, e.g. '--ensemble': error messages start with it. */
  readonly option?: string;
}

/** A path the user named wrongly: the error is theirs to fix (exit code 2). */
const USAGE = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'ENAMETOOLONG', 'ELOOP']);

/**
 * The bytes of an input file, or an error in one line naming the option and the path. A path
 * the user got wrong is a UsageError (exit code 2): no such file, a directory, a part of the
 * path that is not a directory, permission denied. Anything else (an I/O error) is an
 * RsrgError (exit code 1).
 *
 * @example
 * const bytes = readFileChecked(path, { option: '--ensemble' });
 * // --ensemble: no such file 'runs/e.rsrg'
 * // --ensemble: 'runs' is a directory, not a file
 */
export function readFileChecked(path: string, options?: ReadCheckedOptions): Buffer;
export function readFileChecked(path: string, options: ReadCheckedOptions & { encoding: 'utf8' }): string;
export function readFileChecked(
  path: string,
  options: ReadCheckedOptions & { encoding?: 'utf8' } = {},
): Buffer | string {
  try {
    return options.encoding ? readFileSync(path, options.encoding) : readFileSync(path);
  } catch (err) {
    throw readError(path, err, options.option);
  }
}

function readError(path: string, err: unknown, option?: string): RsrgError {
  const code = systemErrorCode(err);
  const prefix = option ? `${option}: ` : '';
  let message: string;
  if (code === 'ENOENT') message = `${prefix}no such file '${path}'`;
  else if (code === 'EISDIR') message = `${prefix}'${path}' is a directory, not a file`;
  else if (code === 'ENOTDIR')
    message = `${prefix}no such file '${path}' (a part of the path is not a directory)`;
  else message = `${prefix}cannot read '${path}': ${describeSystemError(err)}`;
  const error = code !== undefined && USAGE.has(code) ? new UsageError(message) : new RsrgError(message);
  Object.defineProperty(error, 'cause', {
    value: err,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return error;
}

/**
 * Reads and decodes an rsrg file: `readFileChecked`'s errors for the path, the codec's
 * FileFormatErrors (naming the path) for the contents, and whether it had a checksum.
 *
 * @example
 * const { value: ensemble, checksum } = readCodecFile(path, ensembleCodec, { option: '--ensemble' });
 */
export function readCodecFile<T>(
  path: string,
  codec: Codec<T>,
  options: ReadCheckedOptions = {},
): Decoded<T> {
  return codec.decodeFile(readFileChecked(path, options), path);
}
