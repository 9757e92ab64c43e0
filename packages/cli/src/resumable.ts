/**
 * What `rsrg train --run-dir` and `rsrg reproduce --run-dir` share: the plan of the run
 * directory (written, or checked naming the first changed parameter) and checkpoint requests
 * on a timer and on the signals.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointRequests, type Registry, UsageError } from '@rsrg/core';
import type { CliIo } from './io.js';

/** A plan's `config`: plain JSON data. */
export type PlanData = { readonly [key: string]: unknown };

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const isMap = (v: unknown): v is PlanData => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The first leaf (in sorted key order, depth first) where `requested` differs from `stored`,
 * as "<name> <requested> differs from the run's <stored>", with `name` giving each path its
 * command-line words; undefined when they are equal.
 */
export function firstDifference(
  stored: unknown,
  requested: unknown,
  name: (path: readonly string[]) => string,
  path: readonly string[] = [],
): string | undefined {
  if (isMap(stored) && isMap(requested)) {
    for (const key of [...new Set([...Object.keys(stored), ...Object.keys(requested)])].sort()) {
      const why = firstDifference(stored[key], requested[key], name, [...path, key]);
      if (why !== undefined) return why;
    }
    return undefined;
  }
  if (JSON.stringify(stored) === JSON.stringify(requested)) return undefined;
  const was = stored === undefined ? 'none' : show(stored);
  const now = requested === undefined ? 'none' : show(requested);
  return `${name(path)} ${now} differs from the run's ${was}`;
}

/**
 * The run directory's plan of `kind` with `config`: written when there is none yet; else
 * checked, and a changed parameter refused with one line naming it (UsageError, exit 2), as is
 * a plan written by other package versions. Creates the directory.
 */
export async function openRunPlan(
  registry: Registry,
  runDir: string,
  kind: 'train' | 'study',
  config: PlanData,
  name: (path: readonly string[]) => string,
): Promise<void> {
  const { compareVersions, createRunPlan, planPath, readRunPlan, writePlan } = await import(
    '@rsrg/campaigns'
  );
  const { packageVersions } = await import('@rsrg/mcrg');
  try {
    mkdirSync(join(runDir, 'checkpoints'), { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`--run-dir ${runDir}: cannot write there (${code ?? (err as Error).message})`);
  }
  const requested = createRunPlan(kind, config, registry.sources, packageVersions(registry.sources));
  if (!existsSync(planPath(runDir))) {
    writePlan(runDir, requested);
    return;
  }
  const stored = readRunPlan(runDir, kind);
  const why = firstDifference(stored.config, requested.config, name) ?? compareVersions(stored, requested);
  if (why !== undefined) throw new UsageError(`${why} (run directory ${runDir})`);
}

/** Checkpoint requests: one every `every` seconds, and a last one and a stop on SIGINT, SIGTERM, SIGUSR1. */
export interface CheckpointTimer {
  /** The request word the trainer reads. */
  readonly requests: CheckpointRequests;
  /** Aborts when a signal asked the run to checkpoint and stop. */
  readonly stop: AbortSignal;
  /** Why it stopped ("SIGTERM"), once it has. */
  readonly reason: () => string;
  /** Stops the timer. */
  dispose(): void;
}

/** Starts the requests of a run that checkpoints every `every` seconds and on the signals. */
export function checkpointTimer(io: CliIo, every: number): CheckpointTimer {
  const requests = new CheckpointRequests();
  const stop = io.checkpointOnSignals?.() ?? new AbortController().signal;
  const onStop = () => requests.stop();
  if (stop.aborted) onStop();
  stop.addEventListener('abort', onStop, { once: true });
  const timer = setInterval(() => requests.checkpoint(), every * 1000);
  timer.unref();
  return {
    requests,
    stop,
    reason: () => (typeof stop.reason === 'string' ? stop.reason : 'a signal'),
    dispose: () => {
      clearInterval(timer);
      stop.removeEventListener('abort', onStop);
    },
  };
}
