/**
 * `rsrg mcrg --run-dir`: a run that lives in a directory (docs/campaigns.md). The plan is
 * written or checked, the run (or one shard of it) goes on from its newest checkpoint, a
 * signal makes it checkpoint and stop (exit 75), and the end writes the result files.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  checkpointStore,
  EXIT_CHECKPOINTED,
  extendRunDir,
  mergedResult,
  mergeShards,
  openRunDir,
  type Plan,
  planShardChains,
  readBase,
  readPlan,
  type ShardResult,
  type ShardSpec,
  shardResultCodec,
  WHOLE_RUN,
  writeCampaignFile,
  writeResultH5,
} from '@rsrg/campaigns';
import { checksummedJson, type Registry, RsrgError, UsageError, writeFileAtomic } from '@rsrg/core';
import type { McrgConfig, McrgResult } from '@rsrg/mcrg';
import type { CommandContext } from './context.js';
import { toJson } from './format/json.js';
import type { CliIo } from './io.js';
import { progressBar } from './progress.js';

/** The run stopped on a signal after writing a checkpoint: exit 75, and the same command resumes. */
export class CheckpointedStop extends RsrgError {
  override readonly exitCode = EXIT_CHECKPOINTED;
}

/** What `rsrg mcrg --run-dir` was asked to do. */
export interface RunDirRequest {
  /** The run directory, absolute. */
  readonly runDir: string;
  /** The configuration from the model options; undefined when none was given (run the stored plan). */
  readonly config?: McrgConfig;
  /** Only the options the user typed (checked against a stored plan; the rest come from it). */
  readonly typed?: McrgConfig;
  /** Extend the finished run to `typed.chains` chains first (`--extend`). */
  readonly extend?: boolean;
  /** Seconds between checkpoints. */
  readonly checkpointEvery: number;
  /** Write the plan and stop. */
  readonly planOnly: boolean;
  /** The shard to run (default the whole run). */
  readonly shard?: ShardSpec;
  /** Worker threads (never changes the numbers). */
  readonly workers: number;
}

/** How the finished whole run is reported: `rsrg mcrg`'s renderers, given by the caller. */
export interface RunDirReport {
  /** The `--json` document of a result. */
  readonly json: (result: McrgResult) => unknown;
  /** The text report of a result. */
  readonly text: (result: McrgResult) => string;
  /** Print the JSON document instead of the text. */
  readonly asJson: boolean;
  /** Also write the JSON document here (absolute), atomically. */
  readonly out?: string;
}

/** The file of shard I's lossless result in a run directory: `shards/<I>.rsrg`. */
export function shardFile(runDir: string, index: number, ext: 'rsrg' | 'h5' = 'rsrg'): string {
  return join(runDir, 'shards', `${index}.${ext}`);
}

/** Creates the run directory and its checkpoints folder; a UsageError in one line when it cannot. */
export function checkWritable(runDir: string): void {
  try {
    mkdirSync(runDir, { recursive: true });
    mkdirSync(join(runDir, 'checkpoints'), { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`--run-dir ${runDir}: cannot write there (${code ?? (err as Error).message})`);
  }
}

/**
 * Opens (or starts) the run directory's plan, then runs or resumes the requested shard until it
 * is done or a signal stops it (a `CheckpointedStop`, exit 75). The whole run ends with
 * `rsrg mcrg`'s output and `result.json` and `result.h5` in the directory; a shard with
 * `shards/<I>.rsrg` (lossless, what `rsrg merge` reads), `shards/<I>.h5` and a one-line summary.
 */
export async function runInRunDir(
  ctx: CommandContext,
  registry: Registry,
  request: RunDirRequest,
  report: RunDirReport,
): Promise<void> {
  const { io } = ctx;
  const { runDir } = request;
  if (request.config) checkWritable(runDir);
  if (request.extend) {
    const before = readPlan(runDir).config;
    // Every other parameter typed must be the run's, before anything changes.
    const { chains: _, samples: __, ...others } = request.typed ?? {};
    await openRunDir(registry, runDir, request.config, { typed: others });
    const next = extendRunDir(registry, runDir, {
      chains: request.typed?.chains ?? Number.NaN,
      samples: request.typed?.samples,
    });
    io.stderr(
      `rsrg: extended ${runDir} from ${before.chains} to ${next.config.chains} chains (${before.samples} → ${next.config.samples} measurements)${request.planOnly ? '' : '; the new chains run now'}\n`,
    );
  }
  const plan = await openRunDir(registry, runDir, request.config, { typed: request.typed });
  if (request.planOnly) {
    io.stderr(
      `rsrg: plan written to ${join(runDir, 'plan.json')} (${plan.config.chains} chains, ${plan.config.samples} measurements)\n`,
    );
    return;
  }
  checkWritable(runDir);
  const shard = request.shard ?? WHOLE_RUN;
  const chains = planShardChains(plan, shard);
  const stop = io.checkpointOnSignals?.();
  const { runResumable } = await import('@rsrg/campaigns');
  const progress = progressBar(io);
  let outcome: Awaited<ReturnType<typeof runResumable>>;
  try {
    outcome = await runResumable(
      registry,
      { ...plan.config, workers: Math.min(request.workers, chains.length) },
      {
        plan,
        shard,
        stop,
        signal: io.signal,
        onProgress: (p) => progress.update(p),
        checkpoint: {
          every: request.checkpointEvery,
          ...checkpointStore(runDir, shard, { onWarning: (m) => io.stderr(`rsrg: warning: ${m}\n`) }),
        },
        onCheckpointError: (err) =>
          io.stderr(`rsrg: warning: checkpoint not written: ${(err as Error).message}\n`),
      },
    );
  } finally {
    progress.stop();
  }
  if (outcome.status === 'stopped') {
    const why = typeof stop?.reason === 'string' ? stop.reason : 'a signal';
    throw new CheckpointedStop(
      `stopped by ${why}: checkpointed at ${outcome.measured} of ${outcome.planned} measurements of shard ${shard.index}/${shard.count}; run the same command to resume (exit ${EXIT_CHECKPOINTED})`,
    );
  }
  if (shard.count > 1) {
    await writeShardFiles(runDir, outcome.shard, registry);
    const measured = outcome.shard.chains.reduce((s, c) => s + c.measured, 0);
    io.stdout(
      `shard ${shard.index}/${shard.count} done: chains ${chains[0]}–${chains[chains.length - 1]}, ${measured} measurements, ${outcome.shard.elapsed.toFixed(1)} s; ${shardFile(runDir, shard.index)}\n`,
    );
    return;
  }
  const base = readBase(runDir, plan);
  const merged = mergeShards(plan, base ? [base.shard, outcome.shard] : [outcome.shard]);
  const result = withWorkers(await mergedResult(registry, merged), request.workers);
  await writeRunResult(runDir, result, merged.accumulators, plan, report);
  if (report.out)
    writeFileAtomic(report.out, checksummedJson(report.json(result) as Record<string, unknown>), {
      label: `--out file ${report.out}`,
    });
  io.stdout(report.asJson ? toJson(report.json(result)) : report.text(result));
}

/** `result` as run on `workers` threads (the merge analyzes on one; the numbers are the same). */
export function withWorkers(result: McrgResult, workers: number): McrgResult {
  return { ...result, config: { ...result.config, workers } };
}

/** Writes `<dir>/result.json` and `<dir>/result.h5` of a finished (or merged) run, atomically. */
export async function writeRunResult(
  runDir: string,
  result: McrgResult,
  accumulators: Parameters<typeof writeResultH5>[2],
  plan: Plan,
  report: Pick<RunDirReport, 'json'>,
): Promise<void> {
  writeFileAtomic(
    join(runDir, 'result.json'),
    checksummedJson(report.json(result) as Record<string, unknown>),
    {
      label: `${join(runDir, 'result.json')}`,
    },
  );
  await writeResultH5(join(runDir, 'result.h5'), result, accumulators, { parameters: plan });
}

/**
 * A finished shard's files: `shards/<I>.rsrg` (the `ShardResult`, lossless: what `rsrg merge`
 * reads) and `shards/<I>.h5` (its bins in the campaign HDF5 layout, for Python).
 */
async function writeShardFiles(runDir: string, shard: ShardResult, registry: Registry): Promise<void> {
  mkdirSync(join(runDir, 'shards'), { recursive: true });
  const { index, count } = shard.shard;
  writeFileAtomic(shardFile(runDir, index), shardResultCodec.encode(shard), {
    label: shardFile(runDir, index),
  });
  // The HDF5 file: the shard's bins, chains in order, analyzed as a run of its own would be.
  const merged = mergeShards(shard.plan, [shard], { partial: true });
  const result = await mergedResult(registry, merged);
  const { resultContents } = await import('@rsrg/campaigns');
  const contents = resultContents(result, merged.accumulators, {
    parameters: shard.plan,
    chains: shard.chains.map((c) => c.chain),
    attributes: { shard: `${index}/${count}`, plan_hash: shard.planHash },
  });
  await writeCampaignFile(shardFile(runDir, index, 'h5'), contents);
}

/** Absolute path of `given` (relative to the command's working directory). */
export function absolute(io: CliIo, given: string): string {
  return resolve(io.cwd, given);
}
