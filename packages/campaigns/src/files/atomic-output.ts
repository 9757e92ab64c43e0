import { writeFileAtomicWith } from '@rsrg/core';
import { hdf5Reason } from '../hdf5/h5wasm.js';

/** Options of `writeAtomically`. */
export interface AtomicOutputOptions {
  /** How the file is named in an error message (default: the path as given), e.g. `--out file x.h5`. */
  readonly label?: string;
}

/**
 * Writes a whole file or nothing for the writers of this package, which fill a file of their
 * own (h5wasm opens its file by name, a .npy is streamed): core's `writeFileAtomicWith`, with
 * HDF5's reason for an HDF5 error instead of the system's.
 *
 * @example
 * await writeAtomically('result.h5', (temp) => writeHdf5(temp), { label: '--out file result.h5' });
 */
export function writeAtomically(
  path: string,
  write: (temp: string) => void | Promise<void>,
  options: AtomicOutputOptions = {},
): Promise<void> {
  return writeFileAtomicWith(path, write, { label: options.label ?? path, reason: hdf5Reason });
}
