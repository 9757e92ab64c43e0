import { Writable } from 'node:stream';
import { UsageError } from '@rsrg/core';

/** Where a command reads its environment and writes its output; `main` defaults to the process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /**
   * Where progress goes: a terminal to draw a bar on, or (with `progressEvery`) a log that gets
   * a progress line every `progressEvery` seconds; undefined for none.
   */
  readonly progressStream?: NodeJS.WritableStream;
  /** Seconds between progress lines when `progressStream` is not a terminal (RSRG_PROGRESS). */
  readonly progressEvery?: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Aborts a running command (the binary wires it to SIGINT). */
  readonly signal?: AbortSignal;
}

/** The process's own streams; progress only when stderr is a terminal. */
export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    progressStream: process.stderr.isTTY ? process.stderr : undefined,
    env: process.env,
    cwd: process.cwd(),
    signal,
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
