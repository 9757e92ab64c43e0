import { Writable } from 'node:stream';
import { describeSystemError, UsageError } from '@rsrg/core';

/** Where a command reads its environment and writes its output; `main` defaults to the process. */
export interface CliIo {
  /** Writes to standard output: the command's result (text or a `--json` document). */
  readonly stdout: (text: string) => void;
  /** Writes to standard error: warnings, the error line, progress lines in a log. */
  readonly stderr: (text: string) => void;
  /**
   * Where progress goes: a terminal to draw a bar on, or (with `progressEvery`) a log that gets
   * a progress line every `progressEvery` seconds; undefined for none.
   */
  readonly progressStream?: NodeJS.WritableStream;
  /** Seconds between progress lines when `progressStream` is not a terminal (RSRG_PROGRESS). */
  readonly progressEvery?: number;
  /** The environment the command reads (RSRG_PROGRESS, RSRG_DEBUG, PATH for sbatch, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The working directory relative paths are resolved against. */
  readonly cwd: string;
  /** Aborts a running command (the binary wires it to SIGINT). */
  readonly signal?: AbortSignal;
  /**
   * Called by a command that can checkpoint (`rsrg mcrg --run-dir`): from then on SIGINT,
   * SIGTERM and SIGUSR1 no longer interrupt the process but abort the returned signal, which
   * asks the run to write a checkpoint and stop (exit 75). Undefined: no such signals arrive.
   */
  readonly checkpointOnSignals?: () => AbortSignal;
}

/** The process's own streams; progress only when stderr is a terminal. */
export function processIo(signal?: AbortSignal, checkpointOnSignals?: () => AbortSignal): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    progressStream: process.stderr.isTTY ? process.stderr : undefined,
    env: process.env,
    cwd: process.cwd(),
    signal,
    checkpointOnSignals,
  };
}

/**
 * `io` with progress lines on its stderr every RSRG_PROGRESS seconds, when that is set and
 * there is no terminal to draw on; `io` itself otherwise. Throws a UsageError on a bad value.
 */
export function withProgressLines(io: CliIo): CliIo {
  const value = io.env.RSRG_PROGRESS;
  if (value === undefined || value === '') return io;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`RSRG_PROGRESS must be a number of seconds > 0, got '${value}'`);
  }
  if (io.progressStream) return io;
  const progressStream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      io.stderr(String(chunk));
      done();
    },
  });
  return { ...io, progressStream, progressEvery: seconds };
}

/**
 * Not a failure of the command: the reader went away (`rsrg list | head`), or the stream was
 * already closed by an earlier error, which is the one reported.
 */
const NOT_FAILURES = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

/** The first failed write of an output stream, recorded instead of crashing or being lost. */
export interface OutputWatch {
  /** The first write error that is not EPIPE, if any. */
  readonly failure: () => Error | undefined;
}

/**
 * Watches `stream` (the process's stdout) for write errors: a full disk or a broken device
 * is recorded, so the run can end with exit code 1 (see `finishOutput`); EPIPE, a reader that
 * stopped reading, is ignored as before.
 */
export function watchOutput(stream: NodeJS.WritableStream): OutputWatch {
  let failure: Error | undefined;
  stream.on('error', (err: Error) => {
    const code = (err as NodeJS.ErrnoException).code;
    if (failure === undefined && !(code !== undefined && NOT_FAILURES.has(code))) failure = err;
  });
  return { failure: () => failure };
}

/**
 * Waits until `stream` has written everything, then calls `done` with the exit code: `code`
 * itself, or 1 (when `code` was 0) after one line on stderr when a write to the stream failed,
 * e.g. "rsrg: error: cannot write to standard output: no space left on device (ENOSPC)".
 */
export function finishOutput(
  stream: NodeJS.WritableStream,
  watch: OutputWatch,
  code: number,
  stderr: (text: string) => void,
  done: (code: number) => void,
): void {
  const finish = (err?: Error | null) => {
    const late = err && !NOT_FAILURES.has((err as NodeJS.ErrnoException).code ?? '') ? err : undefined;
    const failure = watch.failure() ?? late;
    if (failure === undefined) return done(code);
    try {
      stderr(`rsrg: error: cannot write to standard output: ${describeSystemError(failure)}\n`);
    } catch {
      // stderr is gone too: the exit code still says it
    }
    done(code === 0 ? 1 : code);
  };
  // Data still queued (an asynchronous pipe): an empty write calls back once it is out. With
  // nothing queued, no write at all: even an empty one fails on a full device (/dev/full).
  const queued = (stream as { writableLength?: number }).writableLength ?? 0;
  if (queued > 0) stream.write('', finish);
  else setImmediate(finish);
}
