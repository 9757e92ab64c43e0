/** Marks an RsrgError, also one copied as plain data across a worker boundary. */
const MARKER = 'rsrg.error';

/** An error as plain data, for a message between threads. */
export interface PlainError {
  /** 'rsrg.error' when the error was an RsrgError; absent for any other error. */
  readonly marker?: string;
  /** The error's class name, e.g. 'UsageError'. */
  readonly name: string;
  /** The error's message. */
  readonly message: string;
  /** The CLI exit code of an RsrgError. */
  readonly exitCode?: number;
  /** The stack trace in the thread that threw, when there was one. */
  readonly stack?: string;
}

/** Base of every error the packages throw on purpose; `exitCode` is what the CLI exits with. */
export class RsrgError extends Error {
  /** The process exit code the CLI uses for this error: 1 here, 2 for a UsageError. */
  readonly exitCode: number = 1;
  /** What `isInstance` looks for: a structured clone keeps it, while the prototype is lost. */
  readonly marker = MARKER;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }

  /**
   * Whether `error` is an RsrgError, also one that crossed a worker boundary or comes from
   * another copy of this package, where `instanceof` fails: it checks the marker.
   *
   * @example
   * if (RsrgError.isInstance(err)) process.exitCode = err.exitCode;
   */
  static isInstance(error: unknown): error is RsrgError {
    if (error instanceof RsrgError) return true;
    const e = error as { marker?: unknown; exitCode?: unknown } | null;
    return typeof e === 'object' && e !== null && e.marker === MARKER && typeof e.exitCode === 'number';
  }

  /** Any thrown value as plain data for `postMessage`; `revive` turns it back into an error. */
  static toPlain(error: unknown): PlainError {
    if (RsrgError.isInstance(error)) {
      return {
        marker: MARKER,
        name: error.name,
        message: error.message,
        exitCode: error.exitCode,
        stack: error.stack,
      };
    }
    if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
    return { name: 'Error', message: String(error) };
  }

  /**
   * The error of a worker's `toPlain`, as an RsrgError that keeps its name and exit code (a
   * usage error stays a usage error); `context` prefixes the message, e.g. "chain 3: ".
   */
  static revive(plain: PlainError, context = ''): RsrgError {
    const err = new RsrgError(`${context}${plain.message}`);
    Object.defineProperty(err, 'name', {
      value: plain.name,
      enumerable: false,
      configurable: true,
      writable: true,
    });
    if (plain.marker === MARKER && typeof plain.exitCode === 'number') {
      Object.defineProperty(err, 'exitCode', { value: plain.exitCode, enumerable: true });
    }
    if (plain.stack) err.stack = `${err.name}: ${err.message}\n(in a worker thread) ${plain.stack}`;
    return err;
  }
}
