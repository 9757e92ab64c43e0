import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  type Codec,
  type Decoded,
  type NamedPath,
  type Registry,
  RsrgError,
  readCodecFile,
  readEnvelope,
  readFileChecked,
  writeFileAtomic,
} from '@rsrg/core';
import type { Ensemble } from '@rsrg/mcrg';
import type { CliIo } from './io.js';

// The CLI's input and output files: checked before a run starts, read with errors that name
// the option and the file, written whole or not at all.

/**
 * The path to open for a file the user named: the name as typed when it means the same file
 * from the process's directory (so messages show it as typed), else its absolute path.
 */
export function inputPath(cwd: string, given: string): string {
  const absolute = resolve(cwd, given);
  return resolve(given) === absolute ? given : absolute;
}

/** A file option for `assertDistinctPaths`, or undefined when the option was not given. */
export function namedPath(cwd: string, option: string, given: string | undefined): NamedPath | undefined {
  return given === undefined ? undefined : { option, path: inputPath(cwd, given) };
}

/** The absolute path of an output file, checked writable (directories created) before a run starts. */
export function prepareOutFile(path: string, option = '--out'): string {
  try {
    const dir = dirname(path);
    makeDirectories(dir);
    if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
    if (existsSync(path) && statSync(path).isDirectory()) throw new Error('it is a directory');
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new RsrgError(`cannot write ${option} file ${path}: ${(err as Error).message}`);
  }
  return path;
}

/**
 * Writes an output file whole or not at all (core's `writeFileAtomic`): a failure leaves an
 * earlier file as it was and is an RsrgError (exit code 1) naming the option and the file,
 * e.g. "cannot write --out file /runs/r.json: no space left on device (ENOSPC)".
 */
export function writeOutFile(path: string, data: Uint8Array | string, option = '--out'): void {
  writeFileAtomic(path, data, { label: `${option} file ${path}` });
}

/** Creates `dir` and its missing parents (mkdirSync({ recursive: true }) spins forever under /proc on node 20). */
export function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.push(d);
  for (const d of missing.reverse()) mkdirSync(d);
}

// Files already reported as having no checksum: one line per file and process.
const unverified = new Set<string>();

/**
 * One line on stderr, once per file, for an input written before files carried a checksum:
 * "rsrg: warning: --ensemble file e.rsrg has no checksum (written by an earlier version): damage to it cannot be detected".
 */
export function noteUnverified(stderr: (text: string) => void, option: string, path: string): void {
  const key = resolve(path);
  if (unverified.has(key)) return;
  unverified.add(key);
  stderr(
    `rsrg: warning: ${option} file ${path} has no checksum (written by an earlier version): damage to it cannot be detected\n`,
  );
}

/**
 * Reads and decodes an input file the user named with `option`: a missing file or a
 * directory is a usage error naming the option and the path (exit code 2); damage is a
 * FileFormatError naming the file (exit code 1); a file without a checksum is read, with one
 * warning on stderr (`noteUnverified`).
 *
 * @example
 * const projector = readInputFile(ctx.io, opts.weights, '--weights', rbmProjectorCodec);
 */
export function readInputFile<T>(io: CliIo, given: string, option: string, codec: Codec<T>): T {
  const path = inputPath(io.cwd, given);
  const decoded: Decoded<T> = readCodecFile(path, codec, { option });
  if (decoded.checksum === 'absent') noteUnverified(io.stderr, option, path);
  return decoded.value;
}

/**
 * Reads an ensemble file (`rsrg sample`) named by `option` (`readInputFile`), and with a
 * registry checks its header against it (`checkEnsembleHeader`): a header that names an
 * unknown model or a coupling its sampler cannot take is a damaged file (exit code 1).
 */
export async function readEnsembleFile(
  io: CliIo,
  given: string,
  option = '--ensemble',
  registry?: Registry,
): Promise<Ensemble> {
  const { ensembleCodec, checkEnsembleHeader } = await import('@rsrg/mcrg');
  const ensemble = readInputFile(io, given, option, ensembleCodec);
  if (registry) checkEnsembleHeader(registry, ensemble, inputPath(io.cwd, given));
  return ensemble;
}

/**
 * A `--weights` file, checked before a run starts: it must be a readable file (a missing
 * file or a directory is a usage error naming the option); an rsrg file without a checksum
 * gets one warning. The projector reads and checks its contents. Returns the absolute path.
 */
export function weightsFile(io: CliIo, given: string, option = '--weights'): string {
  const path = inputPath(io.cwd, given);
  const bytes = readFileChecked(path, { option });
  try {
    if (readEnvelope(bytes, path).checksum === 'absent') noteUnverified(io.stderr, option, path);
  } catch {
    // Not an rsrg file, or a damaged one: the projector that reads it says what is wrong.
  }
  return resolve(io.cwd, given);
}
