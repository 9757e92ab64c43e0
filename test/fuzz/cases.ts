// The damaged inputs of the file-format fuzz suite (issue 12) and how an outcome is judged.
// Everything here is deterministic: offsets and flip positions depend only on a file's length
// and a fixed seed, so a failing case names the same bytes on every run.
import { spawn } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { RsrgError } from '@rsrg/core';

/**
 * The formats under test. '…-legacy': the same file as an earlier version wrote it (no checksum).
 * Result JSON has no reader yet (see the test.todo).
 */
export type Format = 'ensemble' | 'projector' | 'weight.dat' | 'ensemble-legacy' | 'projector-legacy';

export type CaseKind = 'truncate' | 'flip' | 'wrong-kind' | 'empty' | 'directory' | 'missing';

export const CASE_KINDS: readonly CaseKind[] = [
  'truncate',
  'flip',
  'wrong-kind',
  'empty',
  'directory',
  'missing',
];

/** One damaged input: the file a consumer is given and how it was made. */
export interface FuzzCase {
  readonly format: Format;
  readonly kind: CaseKind;
  /** Short, unique within the format: 'trunc@17', 'flip@903^ff', 'kind=projector', … */
  readonly label: string;
  /** The path given to the reader (absolute). */
  readonly path: string;
  /** For truncations, the new length; for flips, the byte offset. */
  readonly offset?: number;
  readonly mask?: number;
}

/**
 * The outcome classes. 'named': a one-line RsrgError (or CLI error) naming the file.
 * 'harmless': decoded to exactly the original. 'undetectable': a weight.dat (raw float32, no
 * checksum) or a legacy rsrg file (no checksum) whose damage changed the numbers in a way the
 * format cannot detect (see the test file's note); every other outcome is 'failed'.
 */
export type Outcome = 'named' | 'harmless' | 'undetectable' | 'failed';

export interface Verdict {
  readonly outcome: Outcome;
  /** For a failure: a short class of what went wrong (the report groups by it), then detail. */
  readonly failure?: string;
  readonly detail?: string;
}

/** mulberry32: a tiny seeded generator, enough to spread positions deterministically. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * At least 20 lengths to cut an n-byte file to: 0, 1, the envelope header (the map byte, 'format',
 * 'rsrg', the kind), sixteenths of the file (the middle among them), just before and inside the
 * 41-byte checksum field, and the last byte (n − 1).
 */
export function truncationOffsets(n: number): number[] {
  const set = new Set<number>([0, 1, 2, 3, 4, 6, 7, 8, 12, 13, 16, 20]);
  for (let k = 1; k < 16; k++) set.add(Math.floor((n * k) / 16));
  for (const back of [41, 40, 33, 32, 16, 4, 2, 1]) set.add(n - back);
  return [...set].filter((x) => x >= 0 && x < n).sort((a, b) => a - b);
}

/**
 * `count` byte positions of an n-byte file, one drawn at random (fixed seed) from each of `count`
 * equal strata, the first and the last byte always among them, so that header, payload and
 * checksum all get hit.
 */
export function flipPositions(n: number, count = 50, seed = 0x5eed12): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  const rnd = seeded(seed);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const lo = Math.floor((i * n) / count);
    const hi = Math.floor(((i + 1) * n) / count);
    out.push(lo + Math.floor(rnd() * (hi - lo)));
  }
  out[0] = 0;
  out[count - 1] = n - 1;
  return out;
}

export const FLIP_MASKS = [0x01, 0xff] as const;

// Copies through Uint8Array's own slice: a Buffer's (readFileSync's) slice() is a view, and the
// flips would pile up in the original.
export function truncated(bytes: Uint8Array, length: number): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes, 0, length);
}

export function flipped(bytes: Uint8Array, offset: number, mask: number): Uint8Array {
  const out = Uint8Array.prototype.slice.call(bytes);
  out[offset] ^= mask;
  return out;
}

const hex = (b: number) => b.toString(16).padStart(2, '0');

export function truncateLabel(length: number): string {
  return `trunc@${length}`;
}

export function flipLabel(offset: number, mask: number): string {
  return `flip@${offset}^${hex(mask)}`;
}

/**
 * How a library reader's outcome on one case is judged: it must throw an RsrgError (also one
 * that crossed a worker boundary: `RsrgError.isInstance`) whose one-line message names the
 * case's path, or return a value deep-equal to the original file's. `undetectable` says whether
 * a different value is the format's own limit (weight.dat) rather than a failure.
 */
export function judgeInProcess(
  c: FuzzCase,
  read: () => unknown,
  original: unknown,
  undetectable: (value: unknown) => boolean = () => false,
): Verdict {
  let value: unknown;
  try {
    value = read();
  } catch (err) {
    return judgeError(c, err);
  }
  if (isDeepStrictEqual(value, original)) return { outcome: 'harmless' };
  if (undetectable(value)) return { outcome: 'undetectable' };
  return {
    outcome: 'failed',
    failure: 'decoded without an error to a value different from the original',
    detail: summarize(value),
  };
}

function judgeError(c: FuzzCase, err: unknown): Verdict {
  const message = err instanceof Error ? err.message : String(err);
  const name = err instanceof Error ? err.name : typeof err;
  if (!RsrgError.isInstance(err)) {
    return {
      outcome: 'failed',
      failure: `threw a ${name}, not an RsrgError`,
      detail: `${name}: ${message}`,
    };
  }
  if (message.includes('\n')) {
    return { outcome: 'failed', failure: 'error message spans several lines', detail: message };
  }
  if (!message.includes(c.path)) {
    return { outcome: 'failed', failure: 'error message does not name the file', detail: message };
  }
  return { outcome: 'named', detail: message };
}

function summarize(value: unknown): string {
  const text = JSON.stringify(value, (_k, v) =>
    ArrayBuffer.isView(v) ? `<${(v as Uint8Array).constructor.name} ${(v as Uint8Array).length}>` : v,
  );
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** A finished CLI run. `status` null: killed (the per-case timeout). */
export interface CliRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs `node <bin> ...args`, killed after `timeoutMs`; never rejects. */
export function runCli(
  bin: string,
  args: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<CliRun> {
  const started = performance.now();
  const env = { ...process.env };
  delete env.RSRG_DEBUG;
  delete env.NODE_OPTIONS;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ status: null, signal: null, stdout, stderr: `${stderr}${String(err)}`, seconds: 0 });
    });
  });
}

/** Runs `tasks` with at most `limit` in flight; results in order. */
export async function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}

/**
 * How a CLI run on one case is judged: exit 1 or 2 with exactly one stderr line
 * `rsrg: error: …` that names the path and holds no stack frame; or exit 0 with the compared
 * part of the --json output (`pick`) identical, as text, to the original run's (so bit for bit).
 */
export function judgeCli(
  c: FuzzCase,
  run: CliRun,
  pick: (doc: Record<string, unknown>) => unknown,
  original: string,
  undetectable: (picked: unknown) => boolean = () => false,
): Verdict {
  if (run.status === null) {
    return {
      outcome: 'failed',
      failure: 'no exit: killed after the per-case timeout (a hang)',
      detail: `signal ${run.signal}, ${run.seconds.toFixed(1)} s; stderr: ${run.stderr.slice(0, 300)}`,
    };
  }
  const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
  if (run.status === 0) {
    let picked: unknown;
    try {
      picked = pick(JSON.parse(run.stdout) as Record<string, unknown>);
    } catch (err) {
      return {
        outcome: 'failed',
        failure: 'exit 0 without a JSON document on stdout',
        detail: `${String(err)}; stdout: ${run.stdout.slice(0, 200)}`,
      };
    }
    const text = JSON.stringify(picked);
    if (text === original) return { outcome: 'harmless' };
    if (undetectable(picked)) return { outcome: 'undetectable' };
    return {
      outcome: 'failed',
      failure: 'exit 0 with different numbers',
      detail: `${text.slice(0, 200)}…; stderr: ${JSON.stringify(run.stderr.slice(0, 200))}`,
    };
  }
  const stderr = JSON.stringify(run.stderr.length > 600 ? `${run.stderr.slice(0, 600)}…` : run.stderr);
  if (run.status !== 1 && run.status !== 2) {
    return {
      outcome: 'failed',
      failure: `exit ${run.status} (expected 1 or 2)`,
      detail: `stderr: ${stderr}`,
    };
  }
  if (lines.some((l) => /^\s+at /.test(l))) {
    return {
      outcome: 'failed',
      failure: 'stack trace on stderr',
      detail: `exit ${run.status}; stderr: ${stderr}`,
    };
  }
  // A file written before checksums gets one warning line before the error; nothing else may precede it.
  const noChecksum = /^rsrg: warning: .* has no checksum \(written by an earlier version\)/;
  if (lines.length === 2 && noChecksum.test(lines[0])) lines.shift();
  if (lines.length !== 1) {
    return {
      outcome: 'failed',
      failure: `${lines.length} stderr lines (expected exactly one)`,
      detail: `exit ${run.status}; stderr: ${stderr}`,
    };
  }
  if (!lines[0].startsWith('rsrg: error: ')) {
    return {
      outcome: 'failed',
      failure: "stderr line is not 'rsrg: error: …'",
      detail: `exit ${run.status}; stderr: ${stderr}`,
    };
  }
  if (!lines[0].includes(c.path)) {
    return {
      outcome: 'failed',
      failure: 'error message does not name the file',
      detail: `exit ${run.status}; stderr: ${stderr}`,
    };
  }
  return { outcome: 'named', detail: lines[0] };
}
