import {
  isRsrgFile,
  type ProjectorFactory,
  type Registry,
  readEnvelope,
  readFileChecked,
  UsageError,
} from '@rsrg/core';
import { inputPath } from './files.js';
import type { CliIo } from './io.js';

/**
 * The projector of a `--weights` file: the registered projector whose factory reads files of
 * the file's kind (`ProjectorFactory.fileKind`). With `given` (a `--projector`), that id, after
 * checking that it is not another projector's file. A file that names no projector (weight.dat,
 * a kind no projector reads) needs `--projector`.
 */
export function weightsProjector(
  registry: Registry,
  io: CliIo,
  weights: string,
  given: string | undefined,
): string | undefined {
  const path = inputPath(io.cwd, weights);
  const bytes = readFileChecked(path, { option: '--weights' });
  if (!isRsrgFile(bytes)) {
    if (given !== undefined) return given;
    throw new UsageError(
      `--weights ${path} is not an rsrg projector file, so it does not say which projector reads it: give --projector (e.g. rbm for a weight.dat filter)`,
    );
  }
  // A damaged envelope is reported by the projector that reads it when one is named.
  let kind: string;
  try {
    kind = readEnvelope(bytes, path).kind;
  } catch (err) {
    if (given !== undefined) return given;
    throw err;
  }
  const owner: ProjectorFactory | undefined = registry.projectors.list().find((f) => f.fileKind === kind);
  if (given === undefined) {
    if (owner === undefined) {
      throw new UsageError(
        `--weights ${path} is a file of kind '${kind}', which no registered projector reads`,
      );
    }
    return owner.id;
  }
  registry.projectors.get(given);
  // A kind no projector claims is left to the named projector to refuse, as before.
  if (owner !== undefined && owner.id !== given) {
    throw new UsageError(
      `--projector ${given} disagrees with --weights ${path}, a file of projector ${owner.id} (kind '${kind}'; leave out --projector to use it)`,
    );
  }
  return given;
}
