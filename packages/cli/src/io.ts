/** Where a command reads its environment and writes its output; `main` defaults to the process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** A terminal to draw progress on, or undefined for none (stderr not a TTY, or in tests). */
  readonly progressStream?: NodeJS.WritableStream;
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
