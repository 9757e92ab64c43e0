import { RsrgError } from '@rsrg/core';
import { CommanderError } from 'commander';

/** Exit codes of the binary (docs/cli.md lists them). */
export const EXIT = {
  /** The command did what it was asked. */
  ok: 0,
  /** It failed: a damaged file, a plugin that threw, any error that is not a usage error. */
  failure: 1,
  /** It was called wrongly (a UsageError): an unknown option or id, a bad value, an unsupported request. */
  usage: 2,
  /**
   * A resumable run (`--run-dir`) wrote a checkpoint and stopped on a signal (SIGINT, SIGTERM,
   * SIGUSR1): EX_TEMPFAIL, "try again later"; the same command resumes it.
   */
  checkpointed: 75,
  /** It was interrupted (SIGINT, or its abort signal): 128 + 2, as shells report it. */
  interrupted: 130,
} as const;

/**
 * The exit code for an error and the single stderr line that names it. Usage errors (core's
 * UsageError family and commander's parse errors) exit 2, an interrupt 130, anything else 1.
 * With RSRG_DEBUG=1 the stack follows the line.
 */
export function reportError(err: unknown, stderr: (text: string) => void, debug: boolean): number {
  const code = exitCode(err);
  const message = oneLine(err instanceof CommanderError ? commanderMessage(err) : messageOf(err));
  stderr(`rsrg: error: ${message}\n`);
  if (debug && err instanceof Error && err.stack) stderr(`${err.stack}\n`);
  return code;
}

// Commander ends with code 'commander.help' when a command is missing; its message is a placeholder.
function commanderMessage(err: CommanderError): string {
  if (err.code === 'commander.help') return "missing command (run 'rsrg --help')";
  return err.message.replace(/^error:\s*/, '');
}

const KNOWN_CODES: ReadonlySet<number> = new Set([
  EXIT.failure,
  EXIT.usage,
  EXIT.checkpointed,
  EXIT.interrupted,
]);

function exitCode(err: unknown): number {
  if (err instanceof CommanderError) return EXIT.usage;
  if (isAbort(err)) return EXIT.interrupted;
  // Also an RsrgError re-created on the far side of a worker boundary, or thrown by another
  // copy of @rsrg/core (a plugin's own): the marker identifies it and keeps its exit code.
  if (RsrgError.isInstance(err) && KNOWN_CODES.has(err.exitCode)) return err.exitCode;
  return EXIT.failure;
}

function isAbort(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'AbortError';
}

function messageOf(err: unknown): string {
  if (isAbort(err)) return 'interrupted';
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
}
