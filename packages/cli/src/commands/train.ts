import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultWorkerCount, UsageError } from '@rsrg/core';
import { type Ensemble, ensembleSamplingSettings } from '@rsrg/mcrg';
import { rbmProjectorCodec, readWeightDat, resolveTrainOptions, writeWeightDat } from '@rsrg/projectors';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { prepareOutFile, readEnsemble } from '../files.js';
import { toJson } from '../format/json.js';
import { renderFields } from '../format/table.js';
import { formatValueError } from '../format/value-error.js';
import { integerAtLeast, real } from '../options.js';
import {
  addSamplingOptions,
  ensembleFields,
  type SamplingOptions,
  sampleWithProgress,
  samplingConfig,
} from '../sampling.js';
import { epochLine } from '../study/epoch-line.js';
import type { EvaluationPoint } from '../study/evaluation.js';
import { deriveSeed } from '../study/seeds.js';
import { presetId, presetIds, type TrainingSettings, trainOptions } from '../study/train-settings.js';
import { ensembleDescription, trainedFileBytes, trainInWorker } from '../study/training.js';

const DEFAULT_PRESET = 'chung-kao-2019';
const DEFAULT_EVAL_SAMPLES = 5000;

interface TrainCliOptions extends SamplingOptions {
  data?: string;
  preset: string;
  epochs?: number;
  batch?: number;
  cdSteps?: number;
  persistent?: boolean;
  lr?: number;
  lrFinal?: number;
  lrDecayEpochs?: number;
  schedule?: 'constant' | 'sqrt';
  width?: number;
  blockSize?: number;
  symmetrize?: boolean;
  initScale?: number;
  evalEvery?: number;
  evalSamples?: number;
  seed: number;
  workers?: number;
  out: string;
  exportWeightDat?: string;
  importWeightDat?: string;
  json?: boolean;
}

const positiveReal = (option: string) => {
  const parse = real(option);
  return (text: string) => {
    const x = parse(text);
    if (!(x > 0)) throw new UsageError(`${option} must be positive, got '${text}'`);
    return x;
  };
};

/**
 * `rsrg train`: trains the RBM projector of Chung & Kao on stored (`--data`) or freshly sampled
 * configurations and writes the projector file; `--import-weight-dat` converts the authors'
 * weight.dat instead.
 */
export function trainCommand(program: Command, ctx: CommandContext): Command {
  const opt = (flags: string, description: string, parse?: (text: string) => unknown) => {
    const o = new Option(flags, description);
    return parse ? o.argParser(parse) : o;
  };
  const command = program
    .command('train')
    .description('train the RBM projector (Chung & Kao) on configurations and write the projector file')
    .addOption(opt('--data <file>', 'train on the configurations of this ensemble file (rsrg sample)'));
  addSamplingOptions(command, false);
  return command
    .addOption(
      opt(
        '--preset <id>',
        `training preset (${presetIds().join(', ')}); the options below override it`,
      ).default(DEFAULT_PRESET),
    )
    .addOption(opt('--epochs <n>', 'passes over the data', integerAtLeast('--epochs', 1)))
    .addOption(opt('--batch <n>', 'configurations per minibatch update', integerAtLeast('--batch', 1)))
    .addOption(opt('--cd-steps <k>', 'Gibbs steps of CD-k', integerAtLeast('--cd-steps', 1)))
    .addOption(opt('--persistent', 'persistent contrastive divergence (chains carried across updates)'))
    .addOption(opt('--schedule <kind>', 'learning-rate schedule').choices(['constant', 'sqrt']))
    .addOption(opt('--lr <rate>', 'learning rate (the initial one for sqrt)', positiveReal('--lr')))
    .addOption(
      opt('--lr-final <rate>', 'final learning rate of the sqrt schedule', positiveReal('--lr-final')),
    )
    .addOption(
      opt(
        '--lr-decay-epochs <e>',
        'epoch at which the sqrt schedule reaches --lr-final',
        positiveReal('--lr-decay-epochs'),
      ),
    )
    .addOption(opt('--width <w>', 'filter side w', integerAtLeast('--width', 1)))
    .addOption(opt('--block-size <b>', 'stride and scale factor b', integerAtLeast('--block-size', 1)))
    .addOption(opt('--symmetrize', 'keep the filter symmetric under the lattice point group'))
    .addOption(opt('--init-scale <a>', 'initial weights uniform in [−a, a]', real('--init-scale')))
    .addOption(
      opt(
        '--eval-every <n>',
        'measure y_t (N_r = 1, every N_c) every n training steps',
        integerAtLeast('--eval-every', 1),
      ),
    )
    .addOption(
      opt(
        '--eval-samples <m>',
        `fresh configurations for those measurements (default ${DEFAULT_EVAL_SAMPLES})`,
        integerAtLeast('--eval-samples', 2),
      ),
    )
    .addOption(
      opt(
        '--seed <n>',
        'master seed of the trainer; sampled data and evaluation configurations use seeds derived from it',
        integerAtLeast('--seed', 0),
      ).default(1),
    )
    .addOption(
      opt(
        '--workers <n>',
        'worker threads for sampling and training (default: the available cores)',
        integerAtLeast('--workers', 1),
      ),
    )
    .addOption(
      opt('--out <file>', 'the projector file to write (required; for rsrg mcrg --projector rbm --weights)'),
    )
    .addOption(
      opt('--export-weight-dat <file>', "also write the filter in the authors' weight.dat layout (float32)"),
    )
    .addOption(
      opt(
        '--import-weight-dat <file>',
        'convert a weight.dat filter into a projector file (--out); no training',
      ),
    )
    .addOption(opt('--json', 'print one JSON object instead of text'))
    .action(async (opts: TrainCliOptions, cmd: Command) => {
      if (opts.out === undefined) throw new UsageError("required option '--out <file>' not specified");
      if (opts.importWeightDat !== undefined) return importWeightDat(ctx, opts, cmd);
      return train(ctx, opts, cmd);
    });
}

/** The flags that shape training, as settings over the preset. */
function settingsOf(o: TrainCliOptions): TrainingSettings {
  return {
    ...(o.epochs !== undefined && { epochs: o.epochs }),
    ...(o.batch !== undefined && { batchSize: o.batch }),
    ...(o.cdSteps !== undefined && { cdSteps: o.cdSteps }),
    ...(o.persistent !== undefined && { persistent: o.persistent }),
    ...(o.schedule !== undefined && { schedule: o.schedule }),
    ...(o.lr !== undefined && { learningRate: o.lr }),
    ...(o.lrFinal !== undefined && { finalLearningRate: o.lrFinal }),
    ...(o.lrDecayEpochs !== undefined && { decayEpochs: o.lrDecayEpochs }),
    ...(o.width !== undefined && { width: o.width }),
    ...(o.blockSize !== undefined && { blockSize: o.blockSize }),
    ...(o.symmetrize !== undefined && { symmetrize: o.symmetrize }),
    ...(o.initScale !== undefined && { initScale: o.initScale }),
  };
}

const SAMPLING_FLAGS = ['model', 'size', 'coupling', 'sampler', 'samples', 'interval', 'chains'] as const;

function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

async function importWeightDat(ctx: CommandContext, opts: TrainCliOptions, cmd: Command): Promise<void> {
  const { io } = ctx;
  const given = cmd.options
    .map((o) => o.attributeName())
    .filter(
      (k) =>
        cmd.getOptionValueSource(k) === 'cli' && !['importWeightDat', 'out', 'blockSize', 'json'].includes(k),
    );
  if (given.length) {
    throw new UsageError(
      `--import-weight-dat converts a file; it takes only --out and --block-size, not ${flagName(given[0])}`,
    );
  }
  const source = resolve(io.cwd, opts.importWeightDat as string);
  if (!existsSync(source))
    throw new UsageError(`--import-weight-dat: no such file '${opts.importWeightDat}'`);
  const out = prepareOutFile(resolve(io.cwd, opts.out), '--out');
  const filter = readWeightDat(readFileSync(source), { blockSize: opts.blockSize, source });
  writeFileSync(out, rbmProjectorCodec.encode({ filter }));
  const doc = {
    command: 'train',
    imported: source,
    out,
    filter: { ...filter, weights: Array.from(filter.weights) },
    versions: { '@rsrg/cli': ctx.version },
  };
  io.stdout(
    opts.json
      ? toJson(doc)
      : `${renderFields([
          ['imported', source],
          ['filter', `${filter.width}^${filter.dimension} weights, b = ${filter.blockSize}`],
          ['file', out],
        ])}\n`,
  );
}

async function train(ctx: CommandContext, opts: TrainCliOptions, cmd: Command): Promise<void> {
  const { io } = ctx;
  const fromCli = (k: string) => cmd.getOptionValueSource(k) === 'cli';
  if (opts.data !== undefined) {
    const clash = [...SAMPLING_FLAGS, 'thermalize'].find(fromCli);
    if (clash)
      throw new UsageError(`--data gives the configurations; ${flagName(clash)} cannot be used with it`);
  } else {
    const missing = (['model', 'size', 'samples'] as const).filter((k) => opts[k] === undefined);
    if (missing.length) {
      throw new UsageError(
        `give --data FILE, or --model, --size and --samples to sample the training data (missing ${missing.map(flagName).join(', ')})`,
      );
    }
  }
  if (opts.evalSamples !== undefined && opts.evalEvery === undefined) {
    throw new UsageError('--eval-samples needs --eval-every');
  }
  const preset = presetId(opts.preset);
  const settings = settingsOf(opts);
  const out = prepareOutFile(resolve(io.cwd, opts.out), '--out');
  const exportDat =
    opts.exportWeightDat === undefined
      ? undefined
      : prepareOutFile(resolve(io.cwd, opts.exportWeightDat), '--export-weight-dat');
  const dataPath = opts.data === undefined ? undefined : resolve(io.cwd, opts.data);
  const workers = opts.workers ?? defaultWorkerCount();
  const started = performance.now();

  // Checked before any sampling, so that a bad setting fails at once.
  const { epochs } = resolveTrainOptions(trainOptions(preset, settings, { seed: opts.seed }));
  const registry = await ctx.registry();
  // Sampled data and evaluation configurations take seeds derived from --seed (docs/reproduce.md).
  const seeds = {
    master: opts.seed,
    training: opts.seed,
    ...(dataPath === undefined && { trainingData: deriveSeed(opts.seed, 1) }),
    ...(opts.evalEvery !== undefined && { evaluation: deriveSeed(opts.seed, 2) }),
  };
  const data: Ensemble = dataPath
    ? await readEnsemble(dataPath, opts.data as string, '--data')
    : await sampleWithProgress(
        ctx,
        registry,
        samplingConfig(
          opts as SamplingOptions & { model: string; size: number; samples: number },
          seeds.trainingData as number,
          workers,
        ),
        'data',
      );
  // Every configuration of the data, whatever the preset's count.
  const options = trainOptions(preset, settings, { seed: opts.seed, configurations: data.count });

  const h = data.header;
  let evaluation: Ensemble | undefined;
  if (opts.evalEvery !== undefined) {
    evaluation = await sampleWithProgress(
      ctx,
      registry,
      {
        ...ensembleSamplingSettings(h),
        samples: opts.evalSamples ?? DEFAULT_EVAL_SAMPLES,
        seed: seeds.evaluation as number,
        workers,
      },
      'evaluation',
    );
  }

  // One line per epoch on a terminal (a bar would restart its rate after every line).
  const stream = io.progressStream;
  let latest: EvaluationPoint | undefined;
  const run = await trainInWorker(
    {
      sources: registry.sources,
      data,
      description: `${ensembleDescription(data)}${dataPath ? ` (${dataPath})` : ''}`,
      options,
      workers,
      ...(evaluation && {
        evaluation: {
          ensemble: evaluation,
          every: opts.evalEvery as number,
          seed: seeds.evaluation as number,
        },
      }),
    },
    {
      onEvaluation: (p) => {
        latest = p;
      },
      onEpoch: (info) => stream?.write(epochLine(info, epochs, latest)),
      ...(io.signal && { signal: io.signal }),
    },
  );
  writeFileSync(out, trainedFileBytes(run));
  if (exportDat) writeFileSync(exportDat, writeWeightDat(run.result.filter));
  const wallSeconds = (performance.now() - started) / 1000;
  const r = run.result;
  const doc = {
    command: 'train',
    out,
    ...(exportDat && { exportWeightDat: exportDat }),
    data: { ...(dataPath && { file: dataPath }), header: h, count: data.count },
    options: r.metadata.options,
    seeds,
    steps: r.metadata.steps,
    stepsPerEpoch: run.stepsPerEpoch,
    history: r.history,
    evaluation: run.evaluation,
    ...(evaluation && { evaluationSamples: evaluation.count }),
    filter: { ...r.filter, weights: Array.from(r.filter.weights) },
    trainingSeconds: run.seconds,
    wallSeconds,
    versions: { ...r.metadata.versions, ...h.versions, '@rsrg/cli': ctx.version },
  };
  if (opts.json) {
    io.stdout(toJson(doc));
    return;
  }
  const o = r.metadata.options;
  const last = r.history[r.history.length - 1];
  const final = run.evaluation[run.evaluation.length - 1];
  io.stdout(
    `${renderFields([
      ...ensembleFields(data).map(([k, v]) => [`data ${k}`, v] as [string, string]),
      ['preset', o.preset],
      [
        'training',
        `${o.epochs} epochs × ${run.stepsPerEpoch} steps, minibatch ${o.batchSize}, CD-${o.cdSteps}${o.persistent ? ' (persistent)' : ''}`,
      ],
      ['filter', `${o.width}^${r.filter.dimension}, b = ${o.blockSize}`],
      ['seed', String(opts.seed)],
      ...(last
        ? ([
            [
              'last epoch',
              `reconstruction error ${last.reconstructionError.toFixed(4)}, mean |∇| ${last.meanAbsGradient.toExponential(2)}${last.pseudoLogLikelihood === null ? '' : `, pseudo-log-likelihood ${last.pseudoLogLikelihood.toFixed(4)} per site`}`,
            ],
          ] as [string, string][])
        : []),
      ...(final
        ? ([
            [
              'y_t',
              `${formatValueError(final.y, final.error)} at N_r = 1, N_c = ${final.nc} after ${final.step} steps (${run.evaluation.length} evaluations on ${final.samples} configurations)`,
            ],
          ] as [string, string][])
        : []),
      ['file', out],
      ...(exportDat ? ([['weight.dat', exportDat]] as [string, string][]) : []),
      ['wall time', `${wallSeconds.toFixed(1)} s (training ${run.seconds.toFixed(1)} s)`],
    ])}\n`,
  );
}
