import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { defaultWorkerCount, UsageError } from '@rsrg/core';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { makeDirectories } from '../files.js';
import { toJson } from '../format/json.js';
import { renderFields } from '../format/table.js';
import { integerAtLeast } from '../options.js';
import { progressBar } from '../progress.js';
import type { EvaluationPoint } from '../study/evaluation.js';

interface ReproduceOptions {
  scale?: string;
  out?: string;
  seed: number;
  workers?: number;
  keepData?: boolean;
  json?: boolean;
}

/**
 * `rsrg reproduce <study>`: runs a registered study (a published comparison declared as data)
 * end to end and writes its table, figures and report. Nothing here knows any study: the
 * model, projectors, training preset, scales and published numbers come from the declaration.
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
    .addOption(new Option('--json', 'print one JSON object instead of text'))
    .action(async (studyId: string, opts: ReproduceOptions) => {
      const { io } = ctx;
      const registry = await ctx.registry();
      const study = registry.studies.get(studyId);
      const { runStudy, studyScale } = await import('../study/run-study.js');
      const { id: scaleId } = studyScale(study, opts.scale);
      const outDir = resolve(io.cwd, opts.out ?? join('runs', `${study.id}-${scaleId}`));
      prepareDirectory(outDir);

      const stream = io.progressStream;
      const bar = progressBar(io);
      let phase = '';
      const note = (text: string) => {
        bar.stop();
        stream?.write(text);
      };
      const { epochLine } = await import('../study/epoch-line.js');
      let latest: EvaluationPoint | undefined;
      let epochs = 0;
      let run: Awaited<ReturnType<typeof runStudy>>;
      try {
        run = await runStudy(
          registry,
          study,
          {
            scale: scaleId,
            outDir,
            seed: opts.seed,
            workers: opts.workers ?? defaultWorkerCount(),
            keepData: opts.keepData === true,
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
            // One line per epoch during training (a bar would restart its rate after every line).
            training: {
              onStart: (plan) => {
                epochs = plan.epochs;
              },
              onEvaluation: (p) => {
                latest = p;
              },
              onEpoch: (info) => note(epochLine(info, epochs, latest)),
            },
            ...(io.signal && { signal: io.signal }),
          },
        );
      } finally {
        bar.stop();
      }
      stream?.write('report…\n');
      const { writeStudyReport, COMPARISON_LABELS } = await import('../study/report.js');
      const { run: done, doc } = await writeStudyReport(run, outDir, ctx.version);
      if (opts.json) {
        io.stdout(toJson(doc));
        return;
      }
      const { renderComparisonText } = await import('../study/comparison.js');
      const { formatValueError } = await import('../format/value-error.js');
      const m = done.measurement;
      const rel = (f: string) => relative(io.cwd, join(outDir, f)) || '.';
      const files = doc.files as Record<string, string | { svg: string; png: string }>;
      const final = done.training.evaluation[done.training.evaluation.length - 1];
      io.stdout(
        [
          renderFields([
            ['study', `${study.id}: ${study.description}`],
            ['reference', study.citation],
            ['scale', `${scaleId}: ${done.scale.description}`],
            [
              'model',
              `${m.model.id}, ${m.lattices[0]}, K = ${m.config.coupling}, sampler ${m.config.sampler}`,
            ],
            [
              'training',
              `${done.trainingData.count} configurations, preset ${done.training.options.preset}, ${done.training.options.epochs} epochs, ${done.training.steps} steps`,
            ],
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
            [
              'seed',
              `${done.seeds.master} (training data ${done.seeds.trainingData}, evaluation ${done.seeds.evaluation}, measurement ${done.seeds.measurement})`,
            ],
            [
              'wall time',
              `${done.seconds.total.toFixed(1)} s (data ${(done.seconds.trainingData + done.seconds.evaluationData).toFixed(1)} s, training ${done.seconds.training.toFixed(1)} s, measurement ${done.seconds.measurement.toFixed(1)} s, report ${done.seconds.report.toFixed(1)} s)`,
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
        ].join('\n'),
      );
    });
}

// The directory may exist (a rerun overwrites its files) but must not be a file.
function prepareDirectory(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new UsageError(`--out ${dir} is a file, not a directory`);
  try {
    makeDirectories(dir);
  } catch (err) {
    throw new Error(`cannot create output directory ${dir}: ${(err as Error).message}`);
  }
}
