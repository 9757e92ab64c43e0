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

/**
 * One progress bar on a terminal for the whole run: phase, percentage, work done, rate and
 * ETA. Chains in different workers can be in different phases at once, so the phase is only
 * a label on a bar that always counts the run's total work. Without a terminal the sink
 * does nothing, so redirected stderr stays empty, unless RSRG_PROGRESS asks for lines.
 */
export function progressBar(io: CliIo, unit = 'moves'): ProgressSink {
  const stream = io.progressStream;
  if (!stream) return NONE;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `{phase} |{bar}| {percentage}% {value}/{total} ${unit}, {rate}/s, ETA {eta_formatted}`,
      barsize: 30,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
      fps: 8,
      // Not a terminal (RSRG_PROGRESS): one line every progressEvery seconds.
      noTTYOutput: true,
      notTTYSchedule: (io.progressEvery ?? 30) * 1000,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = 0;
  let running = false;
  return {
    update({ done, total, phase }) {
      const payload = { phase: phase.padEnd(10), rate: '0' };
      if (!running) {
        started = performance.now();
        bar.start(total, done, payload);
        running = true;
        return;
      }
      const seconds = (performance.now() - started) / 1000;
      if (seconds > 0) payload.rate = formatRate(done / seconds);
      bar.setTotal(total);
      bar.update(done, payload);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}

function formatRate(r: number): string {
  if (r >= 1e6) return `${(r / 1e6).toFixed(1)}M`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(1)}k`;
  return r.toFixed(r >= 10 ? 0 : 1);
}
