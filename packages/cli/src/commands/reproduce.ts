import { join, relative, resolve } from 'node:path';
import {
  defaultWorkerCount,
  type Registry,
  type Study,
  studyTrainings,
  type TrainingMetric,
  UsageError,
} from '@rsrg/core';
import type { McrgConfig, McrgHooks, McrgResult } from '@rsrg/mcrg';
import type {
  EvaluationPoint,
  runStudy as RunStudy,
  StudyOutput,
  StudyResumption,
  StudyRun,
} from '@rsrg/studies';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { toJson } from '../format/json.js';
import { renderFields } from '../format/table.js';
import { integerAtLeast, positiveSeconds } from '../options.js';
import { progressBar } from '../progress.js';
import { type CheckpointTimer, checkpointTimer, openRunPlan } from '../resumable.js';

interface ReproduceOptions {
  scale?: string;
  out?: string;
  seed: number;
  workers?: number;
  keepData?: boolean;
  restart?: boolean;
  runDir?: string;
  checkpointEvery: number;
  json?: boolean;
}

/**
 * `rsrg reproduce <study>`: runs a registered study (a published comparison declared as data)
 * end to end with @rsrg/studies and renders its comparison, figures and report. Nothing here
 * knows any study or trainer: the model, projectors, trainer and its options, scales and
 * published numbers come from the declaration and the registry.
 */
export function reproduceCommand(program: Command, ctx: CommandContext): Command {
  return program
    .command('reproduce')
    .description(
      'reproduce a registered study: train its projector, measure, and compare with the published numbers',
    )
    .argument('<study>', 'id of a registered study (an unknown id lists the known ones)')
    .addOption(
      new Option('--scale <id>', "the study's scale, e.g. quick or paper (default: the study's default)"),
    )
    .addOption(new Option('--out <dir>', 'output directory (default: runs/<study>-<scale>)'))
    .addOption(
      new Option('--seed <n>', 'master seed; training data, evaluation and measurement seeds derive from it')
        .argParser(integerAtLeast('--seed', 0))
        .default(1),
    )
    .addOption(
      new Option(
        '--workers <n>',
        'worker threads for sampling, training and measuring (default: the available cores)',
      ).argParser(integerAtLeast('--workers', 1)),
    )
    .addOption(new Option('--keep-data', 'keep the training configurations as training-data.rsrg'))
    .addOption(
      new Option(
        '--restart',
        'write into an --out directory that holds an unfinished run or other files, replacing the files of a run',
      ),
    )
    .addOption(
      new Option(
        '--run-dir <dir>',
        'the output directory, resumable: finished stages kept, the training and the measurement checkpointed, resumed by the same command after a stop or a kill (instead of --out)',
      ),
    )
    .addOption(
      new Option('--checkpoint-every <seconds>', 'with --run-dir: seconds between checkpoints')
        .argParser(positiveSeconds('--checkpoint-every'))
        .default(60),
    )
    .addOption(new Option('--json', 'print one JSON object instead of text'))
    .action(async (studyId: string, opts: ReproduceOptions, cmd: Command) => {
      const { io } = ctx;
      if (opts.runDir === undefined && cmd.getOptionValueSource('checkpointEvery') === 'cli') {
        throw new UsageError('--checkpoint-every needs --run-dir');
      }
      if (opts.runDir !== undefined && opts.out !== undefined) {
        throw new UsageError('--run-dir is the output directory: give --run-dir or --out, not both');
      }
      if (opts.runDir !== undefined && opts.restart) {
        throw new UsageError(
          '--restart cannot be used with --run-dir: the same command resumes (delete the directory to start over)',
        );
      }
      const registry = await ctx.registry();
      const study = registry.studies.get(studyId);
      const { runStudy, studyScale, RunDirectory, finishedRunOf, studyFileNames } = await import(
        '@rsrg/studies'
      );
      const { id: scaleId } = studyScale(study, opts.scale);
      const outDir = resolve(io.cwd, opts.runDir ?? opts.out ?? join('runs', `${study.id}-${scaleId}`));
      const directory = RunDirectory.open(outDir, {
        restart: opts.restart === true,
        reusable: finishedRunOf(study.id),
        ...(opts.runDir !== undefined && {
          resumable: (_: string, entries: readonly string[]) => entries.includes('plan.json'),
        }),
        owned: studyFileNames(study),
        note: `rsrg reproduce ${study.id} --scale ${scaleId} --seed ${opts.seed}`,
        restartHint: 'rerun with --restart to start over',
      });
      let timer: CheckpointTimer | undefined;
      try {
        let resumable: StudyResumption | undefined;
        if (opts.runDir !== undefined) {
          await openRunPlan(registry, outDir, 'study', studyPlan(study, scaleId, opts.seed), studyPlanName);
          timer = checkpointTimer(io, opts.checkpointEvery);
          resumable = resumption(ctx, registry, outDir, timer, opts);
        }
        const run = await runWithProgress(
          ctx,
          runStudy,
          { registry, study, scaleId, directory, ...(resumable && { resumable }) },
          opts,
        ).catch(async (err: unknown) => {
          const { StudyStopped } = await import('@rsrg/studies');
          if (err instanceof StudyStopped && timer) {
            const { EXIT_CHECKPOINTED } = await import('@rsrg/campaigns');
            const { CheckpointedStop } = await import('../run-dir.js');
            throw new CheckpointedStop(
              `stopped by ${timer.reason()} during the ${err.phase} (${err.kept}); run the same command to resume (exit ${EXIT_CHECKPOINTED})`,
            );
          }
          throw err;
        });
        io.progressStream?.write('report…\n');
        const { writeStudyReport } = await import('../render/report.js');
        const { run: done, doc } = await writeStudyReport(run, directory, ctx.version);
        directory.complete();
        io.stdout(opts.json ? toJson(doc) : await summary(done, doc.files, io.cwd, outDir));
      } finally {
        timer?.dispose();
        directory.close();
      }
    });
}

/** What fixes a study run's numbers: the study (its declaration), the scale and the seed. */
function studyPlan(study: Study, scale: string, seed: number) {
  const {
    description: _,
    citation: __,
    reference: ___,
    ...declaration
  } = study as Study & Record<string, unknown>;
  return { study: study.id, scale, seed, declaration };
}

/** How a parameter of a study run's plan is named. */
function studyPlanName(path: readonly string[]): string {
  const [head, ...rest] = path;
  if (head === 'declaration') return `the study's ${rest.join('.')}`;
  return head === 'study' ? 'study' : `--${head}`;
}

/**
 * A resumable study run in `outDir`: the training checkpoints through `timer`, and each MCRG
 * measurement runs in a run directory `<outDir>/measurement` or `<outDir>/confirmation` (its plan and checkpoints, as
 * `rsrg mcrg --run-dir`), so a stop during it checkpoints and the same command resumes it.
 */
function resumption(
  ctx: CommandContext,
  registry: Registry,
  outDir: string,
  timer: CheckpointTimer,
  opts: ReproduceOptions,
): StudyResumption {
  const { io } = ctx;
  const onWarning = (m: string) => io.stderr(`rsrg: warning: ${m}\n`);
  return {
    requests: timer.requests,
    stop: timer.stop,
    onWarning,
    async measure(config: McrgConfig, hooks: McrgHooks, name: string): Promise<McrgResult> {
      const {
        checkpointStore,
        EXIT_CHECKPOINTED,
        mergedResult,
        mergeShards,
        openRunDir,
        runResumable,
        WHOLE_RUN,
      } = await import('@rsrg/campaigns');
      const { CheckpointedStop, withWorkers } = await import('../run-dir.js');
      const dir = join(outDir, name);
      const plan = await openRunDir(registry, dir, config);
      const outcome = await runResumable(registry, config, {
        plan,
        stop: timer.stop,
        ...(hooks.signal && { signal: hooks.signal }),
        ...(hooks.onProgress && { onProgress: hooks.onProgress }),
        checkpoint: { every: opts.checkpointEvery, ...checkpointStore(dir, WHOLE_RUN, { onWarning }) },
        onCheckpointError: (err) => onWarning(`checkpoint not written: ${(err as Error).message}`),
      });
      if (outcome.status === 'stopped') {
        throw new CheckpointedStop(
          `stopped by ${timer.reason()} during the ${name} (checkpointed at ${outcome.measured} of ${outcome.planned} measurements); run the same command to resume (exit ${EXIT_CHECKPOINTED})`,
        );
      }
      const merged = mergeShards(plan, [outcome.shard]);
      return withWorkers(await mergedResult(registry, merged), config.workers ?? 1);
    },
  };
}

/** Runs the study with a progress bar for the sampling phases and one line per training epoch. */
async function runWithProgress(
  ctx: CommandContext,
  runStudy: typeof RunStudy,
  what: {
    registry: Registry;
    study: Study;
    scaleId: string;
    directory: StudyOutput;
    resumable?: StudyResumption;
  },
  opts: ReproduceOptions,
): Promise<StudyRun> {
  const { io } = ctx;
  const { registry, study, scaleId, directory, resumable } = what;
  const stream = io.progressStream;
  const bar = progressBar(io);
  let phase = '';
  const note = (text: string) => {
    bar.stop();
    stream?.write(text);
  };
  const { epochLine } = await import('../render/epoch-line.js');
  const several = studyTrainings(study).length > 1;
  let metrics: readonly TrainingMetric[] = [];
  let latest: EvaluationPoint | undefined;
  let epochs = 0;
  try {
    return await runStudy(
      registry,
      study,
      {
        scale: scaleId,
        output: directory,
        seed: opts.seed,
        workers: opts.workers ?? defaultWorkerCount(),
        keepData: opts.keepData === true,
        ...(resumable && { resumable }),
      },
      {
        onPhase: (p) => {
          phase = p;
          note(`${p}…\n`);
        },
        onProgress: (p) =>
          bar.update({
            ...p,
            phase: `${phase} ${p.phase === 'thermalize' ? '(thermalize)' : ''}`.trim(),
          }),
        onTraining: ({ label, trainer }) => {
          metrics = registry.trainers.get(trainer).metrics ?? [];
          if (several) note(`training ${label} (trainer ${trainer})…\n`);
        },
        // One line per epoch during training (a bar would restart its rate after every line).
        training: {
          onStart: (plan) => {
            epochs = plan.epochs;
          },
          onEvaluation: (p) => {
            latest = p;
          },
          onEpoch: (info) => note(epochLine(info, epochs, metrics, latest)),
        },
        ...(io.signal && { signal: io.signal }),
      },
    );
  } finally {
    bar.stop();
  }
}

/** The text output: the run in a few lines, the comparison and the files written. */
async function summary(
  done: StudyRun,
  files: Record<string, string | { svg: string; png: string }>,
  cwd: string,
  outDir: string,
): Promise<string> {
  const { renderComparisonText } = await import('../render/comparison.js');
  const { COMPARISON_LABELS } = await import('../render/report.js');
  const { formatValueError } = await import('../format/value-error.js');
  const { study } = done;
  const m = done.measurement;
  const [t] = done.trainings;
  const rel = (f: string) => relative(cwd, join(outDir, f)) || '.';
  const final = t?.evaluation[t.evaluation.length - 1];
  return [
    renderFields([
      ['study', `${study.id}: ${study.description}`],
      ['reference', study.citation],
      ['scale', `${done.scaleId}: ${done.scale.description}`],
      [
        'model',
        `${m.model.id}${Object.entries(m.config.modelOptions ?? {})
          .map(([k, v]) => ` ${k} = ${String(v)}`)
          .join(',')}, ${m.lattices[0]}, K = ${m.config.coupling}, sampler ${m.config.sampler}`,
      ],
      ...(done.trainingData
        ? done.trainings.map((x): [string, string] => [
            done.trainings.length > 1 ? `training ${x.label}` : 'training',
            `${done.trainingData?.count} configurations, trainer ${x.trainer}, ${x.trained.plan.epochs} epoch${x.trained.plan.epochs === 1 ? '' : 's'}, ${x.trained.plan.steps} steps`,
          ])
        : []),
      ...(final
        ? ([
            [
              'y_t in training',
              `${formatValueError(final.y, final.error)} at N_r = 1, N_c = ${final.nc} after ${final.step} steps`,
            ],
          ] as [string, string][])
        : []),
      [
        'measurement',
        `${m.samples} configurations, ${m.bins} bins, τ_int ${formatValueError(m.tauInt.value, m.tauInt.error)} ${m.tauInt.unit}`,
      ],
      ...(done.confirmation
        ? ([
            [
              'confirmation',
              `${done.confirmation.measurement.samples} configurations of ${done.confirmation.measurement.lattices[0]} (seed ${done.confirmation.seed}), τ_int ${formatValueError(done.confirmation.measurement.tauInt.value, done.confirmation.measurement.tauInt.error)} ${done.confirmation.measurement.tauInt.unit}; its tables are in report.md`,
            ],
          ] as [string, string][])
        : []),
      [
        'seed',
        `${done.seeds.master} (training data ${done.seeds.trainingData}, evaluation ${done.seeds.evaluation}, measurement ${done.seeds.measurement})`,
      ],
      [
        'wall time',
        `${done.seconds.total.toFixed(1)} s (data ${(done.seconds.trainingData + done.seconds.evaluationData).toFixed(1)} s, training ${done.seconds.training.toFixed(1)} s, measurement ${done.seconds.measurement.toFixed(1)} s${done.confirmation ? `, confirmation ${done.confirmation.seconds.toFixed(1)} s` : ''}, report ${done.seconds.report.toFixed(1)} s)`,
      ],
    ]),
    '',
    renderComparisonText(done.comparison, study.projectors, COMPARISON_LABELS),
    '',
    'Δ/σ: (this run − published) in combined standard errors.',
    '',
    renderFields(
      Object.entries(files).map(([k, f]) => [
        k,
        typeof f === 'string' ? rel(f) : `${rel(f.png)}, ${rel(f.svg)}`,
      ]),
    ),
    '',
  ].join('\n');
}
