import cliProgress from 'cli-progress';
import type { CliIo } from './io.js';

/** What a long computation reports: `done` of `total` units of work, now in `phase`. */
export interface ProgressEvent {
  readonly done: number;
  readonly total: number;
  readonly phase: string;
}

/** Receives progress events; `stop` clears the bar before the results are printed. */
export interface ProgressSink {
  update(p: ProgressEvent): void;
  stop(): void;
}

const NONE: ProgressSink = { update() {}, stop() {} };

/** Shown for a rate or an ETA that is not known yet. */
export const UNKNOWN = '—';

/** The rate is measured over this many seconds of recent progress (see `RateWindow`). */
export const RATE_WINDOW_SECONDS = 20;
/** No rate is shown before progress has been seen over this many seconds. */
const MIN_SPAN_SECONDS = 1;
/** The bar's width where the terminal has room. */
const BAR_WIDTH = 30;
/** A bar narrower than this is left out rather than drawn. */
const MIN_BAR_WIDTH = 5;

/**
 * The work rate over a sliding window of the last `RATE_WINDOW_SECONDS`: a run's rate changes
 * as it goes (thermalization moves are cheaper than measured ones, which block and evaluate
 * every level; a machine that gets busy slows every chain), and the overall average keeps the
 * fast start, so its ETA runs low. The window follows the current rate and still spans many
 * chains' progress reports, which arrive in bursts. Undefined until progress has been seen
 * over a second.
 */
export class RateWindow {
  private readonly points: { t: number; done: number }[] = [];
  constructor(private readonly windowSeconds = RATE_WINDOW_SECONDS) {}

  /** Records `done` units at time `t` (seconds). */
  add(t: number, done: number): void {
    this.points.push({ t, done });
    // Keep one point at or before the window's start, so the window stays full.
    while (this.points.length > 2 && this.points[1].t <= t - this.windowSeconds) this.points.shift();
  }

  /** Units per second over the window, or undefined while it spans less than a second. */
  rate(): number | undefined {
    if (this.points.length < 2) return undefined;
    const first = this.points[0];
    const last = this.points[this.points.length - 1];
    const span = last.t - first.t;
    if (span < MIN_SPAN_SECONDS) return undefined;
    const rate = (last.done - first.done) / span;
    return rate > 0 ? rate : undefined;
  }
}

/** "45s", "3m07s", "2h05m": the time left, or `UNKNOWN`. */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return UNKNOWN;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** "950", "12.3k", "4.1M" units per second, or `UNKNOWN`. */
export function formatRate(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return UNKNOWN;
  if (r >= 1e6) return `${(r / 1e6).toFixed(1)}M`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(1)}k`;
  return r.toFixed(r >= 10 ? 0 : 1);
}

/** What one progress line shows. */
export interface ProgressLine {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  readonly unit: string;
  readonly rate: number | undefined;
}

/**
 * One progress line at most `width` characters wide:
 * `measure    |█████░░░| 42% 4200/10000 moves, 1.2k/s, ETA 5s`. The bar shrinks to what the
 * terminal leaves (and is dropped below 5 characters), then the counts go, so that the
 * percentage, rate and ETA always show.
 */
export function renderProgressLine(line: ProgressLine, width: number): string {
  const { done, total, unit, rate } = line;
  const phase = line.phase.padEnd(10);
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const percent = `${Math.floor(fraction * 100)}%`;
  const eta = formatEta(rate === undefined ? undefined : (total - done) / rate);
  const counts = `${done}/${total} ${unit}, `;
  const tail = `${formatRate(rate)}/s, ETA ${eta}`;
  const withCounts = ` ${percent} ${counts}${tail}`;
  const room = width - phase.length - withCounts.length - 3; // ' |' and '|'
  if (room >= MIN_BAR_WIDTH) return `${phase} |${bar(fraction, Math.min(BAR_WIDTH, room))}|${withCounts}`;
  const short = `${phase.trimEnd()} ${percent} ${counts}${tail}`;
  if (short.length <= width) return short;
  return `${phase.trimEnd()} ${percent} ${tail}`;
}

function bar(fraction: number, width: number): string {
  const full = Math.round(fraction * width);
  return '\u2588'.repeat(full) + '\u2591'.repeat(width - full);
}

/**
 * One progress bar on a terminal for the whole run: phase, bar, percentage, work done, rate
 * and ETA (see `RateWindow` and `renderProgressLine`). Chains in different workers can be in
 * different phases at once, so the phase is only a label on a bar that always counts the
 * run's total work. Without a terminal the sink does nothing, so redirected stderr stays
 * empty, unless RSRG_PROGRESS asks for lines.
 */
export function progressBar(io: CliIo, unit = 'moves'): ProgressSink {
  const stream = io.progressStream;
  if (!stream) return NONE;
  const state = { phase: '', done: 0, total: 0, rate: undefined as number | undefined };
  const bar = new cliProgress.SingleBar({
    stream,
    format: (_options, params) =>
      renderProgressLine({ ...state, unit }, Math.max(20, (params.maxWidth ?? 80) - 1)),
    hideCursor: true,
    clearOnComplete: true,
    fps: 8,
    // Not a terminal (RSRG_PROGRESS): one line every progressEvery seconds.
    noTTYOutput: true,
    notTTYSchedule: (io.progressEvery ?? 30) * 1000,
  });
  const window = new RateWindow();
  const started = performance.now();
  let running = false;
  // Interrupted: the bar goes before the error line is written, not after it.
  const stop = () => {
    io.signal?.removeEventListener('abort', stop);
    if (running) bar.stop();
    running = false;
  };
  io.signal?.addEventListener('abort', stop, { once: true });
  return {
    update({ done, total, phase }) {
      if (io.signal?.aborted) return;
      window.add((performance.now() - started) / 1000, done);
      Object.assign(state, { phase, done, total, rate: window.rate() });
      if (!running) {
        bar.start(total, done);
        running = true;
        return;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop,
  };
}
