import { getSystemErrorMap } from 'node:util';

/** Friendlier words than libuv's for the causes a user meets most. */
const WORDS: Readonly<Record<string, string>> = {
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOENT: 'no such file or directory',
  EEXIST: 'the file already exists',
};

/**
 * A file-system error as "cause (CODE)", e.g. "no space left on device (ENOSPC)": the system's
 * words for the error number, without node's "CODE: …, syscall 'path'" wrapping. Anything
 * else is its message.
 */
export function describeSystemError(err: unknown): string {
  const e = err as NodeJS.ErrnoException | null;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code === undefined || !/^E[A-Z0-9]+$/.test(code))
    return err instanceof Error ? err.message : String(err);
  const system = typeof e?.errno === 'number' ? getSystemErrorMap().get(e.errno)?.[1] : undefined;
  const fromMessage = /^[A-Z0-9]+: (.*?)(?:, [a-z]+(?: '.*')?)?$/.exec(e?.message ?? '')?.[1];
  const words = WORDS[code] ?? system ?? fromMessage ?? 'error';
  return `${words} (${code})`;
}

/** The error code of a file-system error, if it has one. */
export function systemErrorCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
