import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { EXIT, reportError } from './errors.js';
import { type CliIo, processIo, withProgressLines } from './io.js';
import { buildProgram } from './program.js';

export { EXIT } from './errors.js';
export { JSON_SCHEMA_VERSION, jsonHead } from './format/json.js';
export { renderTable } from './format/table.js';
export { formatValueError } from './format/value-error.js';
export type { CliIo } from './io.js';
export { DEFAULT_PLUGINS, loadRegistry, resolvePlugin } from './plugins.js';

/** This package's version (read from package.json, one level above src/ and dist/). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * Runs `rsrg` with the arguments after the program name and returns the exit code: 0 on
 * success, 2 on a usage error, 130 when interrupted, 1 on any other failure. Never throws.
 */
export async function main(argv: readonly string[], processStreams: CliIo = processIo()): Promise<number> {
  let io: CliIo;
  try {
    io = withProgressLines(processStreams);
  } catch (err) {
    return reportError(err, processStreams.stderr, processStreams.env.RSRG_DEBUG === '1');
  }
  const program = buildProgram(io, VERSION);
  if (argv.length === 0) {
    io.stdout(program.helpInformation());
    return EXIT.ok;
  }
  const interrupted = whenAborted(io.signal);
  try {
    // An interrupt ends the run at once, whatever the command is waiting for (a worker pool,
    // a plugin's import): the command sees the signal too and stops its own work.
    await Promise.race([program.parseAsync([...argv], { from: 'user' }), interrupted.promise]);
    return EXIT.ok;
  } catch (err) {
    // --help and --version end parsing by throwing too, with exit code 0.
    if (err instanceof CommanderError && err.exitCode === 0) return EXIT.ok;
    return reportError(err, io.stderr, io.env.RSRG_DEBUG === '1');
  } finally {
    interrupted.dispose();
  }
}

/** A promise that rejects with the signal's reason once it aborts (never without a signal). */
function whenAborted(signal?: AbortSignal): { promise: Promise<never>; dispose: () => void } {
  if (!signal) return { promise: new Promise<never>(() => {}), dispose: () => {} };
  let onAbort = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}
