/**
 * `rsrg sample --run-dir`: a sampling run that lives in a directory (docs/campaigns.md). The
 * plan is written or checked, the chains go on from the newest checkpoint, a signal makes
 * the run checkpoint and stop (exit 75), and the end writes the ensemble and result files.
 */
import { join } from 'node:path';
import {
  checkpointStore,
  EXIT_CHECKPOINTED,
  exportEnsemble,
  openSampleRunDir,
  runSampleResumable,
  sampleCheckpointCodec,
  WHOLE_RUN,
} from '@rsrg/campaigns';
import { checksummedJson, type Registry, writeFileAtomic } from '@rsrg/core';
import { ensembleCodec, type SamplingConfig } from '@rsrg/mcrg';
import type { CommandContext } from './context.js';
import { writeOutFile } from './files.js';
import { toJson } from './format/json.js';
import { progressBar } from './progress.js';
import { renderSample, sampleJson } from './render/sample.js';
import { CheckpointedStop, checkWritable } from './run-dir.js';

/** The files a finished sampling run leaves in its directory. */
export const SAMPLE_RUN_FILES = {
  /** The ensemble file, as `rsrg sample --out` writes it. */
  ensemble: 'ensemble.rsrg',
  /** The `rsrg sample --json` document, checksummed. */
  result: 'result.json',
  /** The configurations in the campaign HDF5 layout, as `rsrg export --format hdf5` writes them. */
  h5: 'result.h5',
} as const;

/** What `rsrg sample --run-dir` was asked to do. */
export interface SampleRunDirRequest {
  /** The run directory, absolute. */
  readonly runDir: string;
  /** The configuration from the options, defaults filled in (worker count left out). */
  readonly config: Omit<SamplingConfig, 'workers'>;
  /** Only the options the user typed (checked against a stored plan; the rest come from it). */
  readonly typed: Partial<SamplingConfig>;
  /** Seconds between checkpoints. */
  readonly checkpointEvery: number;
  /** Write the plan and stop. */
  readonly planOnly: boolean;
  /** Worker threads (never changes the configurations). */
  readonly workers: number;
  /** Also write the ensemble file here (absolute, prepared), as `rsrg sample --out`. */
  readonly out?: string;
  /** Print the JSON document instead of the text. */
  readonly asJson: boolean;
}

/**
 * Opens (or starts) the sampling run directory's plan, then runs or resumes its chains until
 * they are done or a signal stops them (a `CheckpointedStop`, exit 75). The finished run
 * leaves `ensemble.rsrg`, `result.json` and `result.h5` in the directory and prints what
 * `rsrg sample` prints.
 */
export async function sampleInRunDir(
  ctx: CommandContext,
  registry: Registry,
  request: SampleRunDirRequest,
): Promise<void> {
  const { io } = ctx;
  const { runDir } = request;
  checkWritable(runDir);
  const plan = openSampleRunDir(
    registry,
    runDir,
    { ...request.config, workers: 1 },
    { typed: request.typed },
  );
  if (request.planOnly) {
    io.stderr(
      `rsrg: plan written to ${join(runDir, 'plan.json')} (${plan.config.chains} chains, ${plan.config.samples} configurations)\n`,
    );
    return;
  }
  const stop = io.checkpointOnSignals?.();
  const progress = progressBar(io);
  let outcome: Awaited<ReturnType<typeof runSampleResumable>>;
  try {
    outcome = await runSampleResumable(
      registry,
      { ...plan.config, workers: Math.min(request.workers, plan.config.chains) },
      {
        plan,
        stop,
        signal: io.signal,
        onProgress: (p) => progress.update({ ...p, phase: `sample ${p.phase}` }),
        checkpoint: {
          every: request.checkpointEvery,
          ...checkpointStore(runDir, WHOLE_RUN, {
            codec: sampleCheckpointCodec,
            onWarning: (m) => io.stderr(`rsrg: warning: ${m}\n`),
          }),
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
      `stopped by ${why}: checkpointed at ${outcome.kept} of ${outcome.planned} configurations; run the same command to resume (exit ${EXIT_CHECKPOINTED})`,
    );
  }
  const { ensemble } = outcome;
  const bytes = ensembleCodec.encode(ensemble);
  const ensemblePath = join(runDir, SAMPLE_RUN_FILES.ensemble);
  writeFileAtomic(ensemblePath, bytes, { label: ensemblePath });
  await exportEnsemble(ensemble, { format: 'hdf5', out: join(runDir, SAMPLE_RUN_FILES.h5) });
  if (request.out) writeOutFile(request.out, bytes);
  const out = request.out ?? ensemblePath;
  const doc = sampleJson(ensemble, out, bytes.length, outcome.elapsed, ctx.version);
  const resultPath = join(runDir, SAMPLE_RUN_FILES.result);
  writeFileAtomic(resultPath, checksummedJson(doc), { label: resultPath });
  io.stdout(request.asJson ? toJson(doc) : renderSample(ensemble, out, bytes.length, outcome.elapsed));
}
