import { constants as bufferConstants } from 'node:buffer';
import { totalmem } from 'node:os';
import { UsageError } from '../errors/index.js';

// Limits checked before a run allocates anything: memory, array lengths and worker threads.

/**
 * The most elements one typed array may hold in this JavaScript engine (V8's limit, which
 * node reports as the largest Buffer: 2^32 on node 20, more on later versions).
 */
export const MAX_TYPED_ARRAY_LENGTH: number = bufferConstants.MAX_LENGTH;

/** The most sites a lattice may have: site indices are stored in Int32Arrays. */
export const MAX_SITES = 2 ** 31 - 1;

/** How much memory a run may use, and where that number comes from. */
export interface MemoryLimit {
  /** The limit, in bytes. */
  readonly bytes: number;
  /** Words for the message, e.g. "this machine's memory" or "--max-memory". */
  readonly source: string;
}

/**
 * The memory a run may use: `override` when given (a `--max-memory`), else the smaller of
 * the machine's total memory and the limit the process runs under (a cgroup, through
 * `process.constrainedMemory()`).
 *
 * @example
 * memoryLimit(); // { bytes: 25_131_503_616, source: "this machine's memory" }
 * memoryLimit({ bytes: 2 ** 30, source: '--max-memory' });
 */
export function memoryLimit(override?: MemoryLimit): MemoryLimit {
  if (override !== undefined) return override;
  const total = totalmem();
  const constrained = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : 0;
  if (typeof constrained === 'number' && constrained > 0 && constrained < total) {
    return { bytes: constrained, source: 'the memory limit of this process' };
  }
  return { bytes: total, source: "this machine's memory" };
}

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/**
 * A byte count for people, in binary units with three significant digits.
 *
 * @example
 * formatBytes(1536); // '1.50 KiB'
 * formatBytes(25_131_503_616); // '23.4 GiB'
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} bytes`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

const POWERS: Readonly<Record<string, number>> = { '': 0, k: 1, m: 2, g: 3, t: 4, p: 5 };

/**
 * A size in bytes from text: a number with an optional binary unit, `512M`, `4G`, `1.5GiB`,
 * `2t`, `1000000`; `k`, `m`, `g`, `t`, `p` are powers of 1024 with or without a trailing
 * `b`/`ib`. NaN for anything else.
 */
export function parseByteSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)(?:e(\d+))?\s*([kmgtp]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return Number.NaN;
  const value = Number(m[1]) * 10 ** Number(m[2] ?? 0) * 1024 ** POWERS[m[3].toLowerCase()];
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : Number.NaN;
}

/** What a run is estimated to need: `bytes`, and a few words on what drives it. */
export interface MemoryEstimate {
  /** The memory the run needs, in bytes (an estimate from above). */
  readonly bytes: number;
  /** E.g. "65536×65536 lattice, 2 chains at a time": goes in parentheses after the size. */
  readonly detail: string;
}

/**
 * Refuses a run that cannot fit: a UsageError (exit code 2) in one line giving the estimate
 * and the limit, then `hint` (what to change).
 *
 * @example
 * assertMemoryFits(estimate, memoryLimit(), 'use a smaller --size, or raise the limit with --max-memory');
 * // the run needs about 1.43 TiB of memory (65536×65536 lattice, 2 chains at a time), more than
 * // this machine's memory (23.4 GiB): use a smaller --size, or raise the limit with --max-memory
 */
export function assertMemoryFits(estimate: MemoryEstimate, limit: MemoryLimit, hint?: string): void {
  if (estimate.bytes <= limit.bytes) return;
  throw new UsageError(
    `the run needs about ${formatBytes(estimate.bytes)} of memory (${estimate.detail}), more than ${limit.source} (${formatBytes(limit.bytes)})${hint ? `: ${hint}` : ''}`,
  );
}

/**
 * Refuses a typed array longer than the engine allows, before anything is allocated: a
 * UsageError naming `what` (e.g. "the neighbour table of the 100000×100000 lattice"), instead
 * of V8's "Invalid typed array length" in the middle of a run.
 */
export function assertTypedArrayLength(length: number, what: string, hint?: string): void {
  if (length <= MAX_TYPED_ARRAY_LENGTH) return;
  throw new UsageError(
    `${what} would need ${length} array elements, more than the ${MAX_TYPED_ARRAY_LENGTH} one typed array can hold${hint ? `: ${hint}` : ''}`,
  );
}

/** What `capWorkers` decided. */
export interface WorkerChoice {
  /** The worker count to run with. */
  readonly workers: number;
  /** Why it is less than asked for, in words, when it is (for one line on stderr). */
  readonly reduced?: string;
}

/**
 * The worker threads a run uses: at most one per chain (a thread without a chain idles) and,
 * unless `force`, at most one per core (more only share the cores, each with its own copy of
 * the lattice and tables). `reduced` says why when fewer than `requested` run.
 *
 * @example
 * capWorkers({ requested: 256, chains: 256, cores: 8 });
 * // { workers: 8, reduced: '256 workers asked for, 8 cores: using 8' }
 */
export function capWorkers(options: {
  readonly requested: number;
  readonly chains: number;
  readonly cores: number;
  readonly force?: boolean;
}): WorkerChoice {
  const { requested, chains, force } = options;
  const cores = Math.max(1, options.cores);
  if (force) return { workers: requested };
  const workers = Math.max(1, Math.min(requested, chains, cores));
  if (workers === requested) return { workers };
  const limits = [
    ...(cores < requested && cores === workers ? [`${cores} core${cores === 1 ? '' : 's'}`] : []),
    ...(chains < requested && chains === workers ? [`${chains} chain${chains === 1 ? '' : 's'}`] : []),
  ];
  return {
    workers,
    reduced: `${requested} workers asked for, ${limits.join(' and ')}: using ${workers}`,
  };
}
