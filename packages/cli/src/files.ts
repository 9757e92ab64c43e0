import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '@rsrg/core';
import type { Ensemble } from '@rsrg/mcrg';

// The CLI's input and output files: checked before a run starts, read with errors that name the option.

/** The absolute path of an output file, checked writable (directories created) before a run starts. */
export function prepareOutFile(path: string, option = '--out'): string {
  try {
    const dir = dirname(path);
    makeDirectories(dir);
    if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
    if (existsSync(path) && statSync(path).isDirectory()) throw new Error('it is a directory');
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new Error(`cannot write ${option} file ${path}: ${(err as Error).message}`);
  }
  return path;
}

/** Creates `dir` and its missing parents (mkdirSync({ recursive: true }) spins forever under /proc on node 20). */
export function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.push(d);
  for (const d of missing.reverse()) mkdirSync(d);
}

/** Reads an ensemble file (`rsrg sample`); a missing file is a usage error, a corrupt one a failure. */
export async function readEnsemble(path: string, given: string, option = '--ensemble'): Promise<Ensemble> {
  if (!existsSync(path)) throw new UsageError(`${option}: no such file '${given}'`);
  const { ensembleCodec } = await import('@rsrg/mcrg');
  return ensembleCodec.decode(readFileSync(path), path);
}

/** A `--weights` file, checked to exist before a run starts. */
export function weightsFile(path: string, given: string): string {
  if (!existsSync(path)) throw new UsageError(`--weights: no such file '${given}'`);
  return path;
}
