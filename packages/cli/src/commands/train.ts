import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import {
  assertDistinctPaths,
  checksummedJson,
  defaultWorkerCount,
  type PluginOptions,
  type ProjectorTrainer,
  type Registry,
  readFileChecked,
  storedStage,
  type TrainingEpoch,
  UsageError,
  writeFileAtomic,
} from '@rsrg/core';
import type { Ensemble } from '@rsrg/mcrg';
import { rbmPresets, rbmProjectorCodec, readWeightDat, writeWeightDat } from '@rsrg/projectors';
import type {
  EvaluationPoint,
  RunSeeds,
  TrainingOutcome,
  TrainingRunCheckpoint,
  TrainProjectorOptions,
} from '@rsrg/studies';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { inputPath, namedPath, prepareOutFile, readEnsembleFile } from '../files.js';
import { toJson } from '../format/json.js';
import { renderFields } from '../format/table.js';
import { formatValueError } from '../format/value-error.js';
import { integerAtLeast, keyValue, positiveSeconds, real } from '../options.js';
import { type CheckpointTimer, checkpointTimer, openRunPlan } from '../resumable.js';
import {
  addSamplingOptions,
  ensembleFields,
  type SamplingOptions,
  sampleWithProgress,
  samplingConfig,
} from '../sampling.js';

const DEFAULT_TRAINER = 'rbm';
const DEFAULT_EVAL_SAMPLES = 5000;

interface TrainCliOptions extends SamplingOptions {
  data?: string;
  trainer: string;
  trainerOption?: Record<string, string>;
  preset?: string;
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
  out?: string;
  runDir?: string;
  checkpointEvery: number;
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
 * The flags that are options of the trainer (those of trainer `rbm`), by the option key each
 * sets; a trainer that has no such option refuses it.
 */
const TRAINER_FLAGS = {
  preset: 'preset',
  epochs: 'epochs',
  batch: 'batchSize',
  cdSteps: 'cdSteps',
  persistent: 'persistent',
  schedule: 'schedule',
  lr: 'learningRate',
  lrFinal: 'finalLearningRate',
  lrDecayEpochs: 'decayEpochs',
  width: 'width',
  blockSize: 'blockSize',
  symmetrize: 'symmetrize',
  initScale: 'initScale',
} as const satisfies Partial<Record<keyof TrainCliOptions, string>>;

/**
 * `rsrg train`: trains a projector with a registered trainer (default `rbm`, the RBM of Chung &
 * Kao) on stored (`--data`) or freshly sampled configurations and writes the projector file;
 * `--import-weight-dat` converts the authors' weight.dat instead.
 */
export function trainCommand(program: Command, ctx: CommandContext): Command {
  const opt = (flags: string, description: string, parse?: (text: string) => unknown) => {
    const o = new Option(flags, description);
    return parse ? o.argParser(parse) : o;
  };
  const command = program
    .command('train')
    .description(
      'train a projector (default: the RBM of Chung & Kao) on configurations and write the projector file',
    )
    .addOption(opt('--data <file>', 'train on the configurations of this ensemble file (rsrg sample)'));
  addSamplingOptions(command, false);
  return command
    .addOption(
      opt('--trainer <id>', 'the trainer (rsrg list shows the registered ones)').default(DEFAULT_TRAINER),
    )
    .addOption(
      opt(
        '--trainer-option <key=value>',
        "an option of the trainer, e.g. preset=nmcrg; repeatable (the flags below set the rbm trainer's)",
        keyValue('--trainer-option'),
      ),
    )
    .addOption(
      opt(
        '--preset <id>',
        `training preset of trainer rbm (${Object.keys(rbmPresets).join(', ')}; default nmcrg); the options below override it`,
      ),
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
        'measure y_t (N_r = 1, every N_c) of the projector every n training steps',
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
      opt(
        '--out <file>',
        "the projector file to write (required; the trainer's projector reads it, e.g. rsrg mcrg --projector rbm --weights)",
      ),
    )
    .addOption(
      opt(
        '--run-dir <dir>',
        'train in this directory: keep the data, checkpoint, and resume after a stop or a kill when run again (projector.rsrg and result.json there; --out optional)',
      ),
    )
    .addOption(
      opt(
        '--checkpoint-every <seconds>',
        'with --run-dir: seconds between checkpoints',
        positiveSeconds('--checkpoint-every'),
      ).default(60),
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
      if (opts.runDir === undefined && cmd.getOptionValueSource('checkpointEvery') === 'cli') {
        throw new UsageError('--checkpoint-every needs --run-dir');
      }
      if (opts.importWeightDat !== undefined) {
        if (opts.out === undefined) throw new UsageError("required option '--out <file>' not specified");
        return importWeightDat(ctx, opts, cmd);
      }
      if (opts.out === undefined && opts.runDir === undefined) {
        throw new UsageError("required option '--out <file>' (or --run-dir <dir>) not specified");
      }
      return train(ctx, opts, cmd);
    });
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
  assertDistinctPaths(
    [namedPath(io.cwd, '--import-weight-dat', opts.importWeightDat)],
    [namedPath(io.cwd, '--out', opts.out)],
  );
  const source = inputPath(io.cwd, opts.importWeightDat as string);
  const out = prepareOutFile(resolve(io.cwd, opts.out as string), '--out');
  const bytes = readFileChecked(source, { option: '--import-weight-dat' }) as Uint8Array;
  const filter = readWeightDat(bytes, { blockSize: opts.blockSize, source });
  writeFileAtomic(out, rbmProjectorCodec.encode({ filter }), { label: `--out file ${out}` });
  const { SCHEMA_VERSION } = await import('@rsrg/studies');
  const doc = {
    schemaVersion: SCHEMA_VERSION,
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

/** What `rsrg train` was asked to do, checked before anything runs. */
interface TrainInputs {
  readonly trainer: ProjectorTrainer;
  readonly options: PluginOptions;
  /** The projector files to write: --out and, with --run-dir, <run-dir>/projector.rsrg. */
  readonly outs: readonly string[];
  readonly exportDat?: string;
  /** The run directory (absolute), with --run-dir. */
  readonly runDir?: string;
  readonly dataPath?: string;
  readonly workers: number;
  readonly seeds: Partial<RunSeeds> & { readonly master: number; readonly training: number };
  readonly evaluation?: { readonly every: number; readonly samples: number };
}

/** The trainer's options: the flags (each named by its key), then --trainer-option. */
function trainerOptions(opts: TrainCliOptions): PluginOptions {
  const options: Record<string, string | number | boolean> = {};
  for (const [flag, key] of Object.entries(TRAINER_FLAGS)) {
    const value = opts[flag as keyof typeof TRAINER_FLAGS];
    if (value !== undefined) options[key] = value;
  }
  for (const [key, value] of Object.entries(opts.trainerOption ?? {})) {
    if (Object.hasOwn(options, key)) {
      const flag = Object.entries(TRAINER_FLAGS).find(([, k]) => k === key)?.[0] ?? key;
      throw new UsageError(`--trainer-option ${key} is given by ${flagName(flag)} already`);
    }
    options[key] = value;
  }
  return options;
}

/** Stage 1: reads and checks the flags, the files to write and the trainer. */
async function readInputs(
  ctx: CommandContext,
  registry: Registry,
  opts: TrainCliOptions,
  cmd: Command,
): Promise<TrainInputs> {
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
  assertDistinctPaths(
    [namedPath(io.cwd, '--data', opts.data)],
    [namedPath(io.cwd, '--out', opts.out), namedPath(io.cwd, '--export-weight-dat', opts.exportWeightDat)],
  );
  const trainer = registry.trainers.get(opts.trainer);
  const options = trainerOptions(opts);
  const runDir = opts.runDir === undefined ? undefined : resolve(io.cwd, opts.runDir);
  const outs = [
    ...(opts.out === undefined ? [] : [prepareOutFile(resolve(io.cwd, opts.out), '--out')]),
    ...(runDir === undefined ? [] : [join(runDir, RUN_DIR_FILES.projector)]),
  ];
  let exportDat: string | undefined;
  if (opts.exportWeightDat !== undefined) {
    if (trainer.projector !== 'rbm') {
      throw new UsageError(
        `--export-weight-dat writes RBM filters; trainer '${trainer.id}' trains '${trainer.projector}'`,
      );
    }
    exportDat = prepareOutFile(resolve(io.cwd, opts.exportWeightDat), '--export-weight-dat');
  }
  const dataPath = opts.data === undefined ? undefined : resolve(io.cwd, opts.data);
  const { deriveSeed } = await import('@rsrg/studies');
  // Sampled data and evaluation configurations take seeds derived from --seed (docs/reproduce.md).
  const seeds = {
    master: opts.seed,
    training: opts.seed,
    ...(dataPath === undefined && { trainingData: deriveSeed(opts.seed, 1) }),
    ...(opts.evalEvery !== undefined && { evaluation: deriveSeed(opts.seed, 2) }),
  };
  if (dataPath === undefined) {
    // Checked before any sampling, so that a bad option fails at once.
    const model = registry.models.get(opts.model as string);
    trainer.plan(options, { lattice: model.lattice(opts.size as number), count: opts.samples as number });
  }
  return {
    trainer,
    options,
    outs,
    ...(runDir && { runDir }),
    ...(exportDat && { exportDat }),
    ...(dataPath && { dataPath }),
    workers: opts.workers ?? defaultWorkerCount(),
    seeds,
    ...(opts.evalEvery !== undefined && {
      evaluation: { every: opts.evalEvery, samples: opts.evalSamples ?? DEFAULT_EVAL_SAMPLES },
    }),
  };
}

/** Stage 2: reads or samples the training data, and samples the evaluation configurations. */
async function loadData(
  ctx: CommandContext,
  registry: Registry,
  inputs: TrainInputs,
  opts: TrainCliOptions,
): Promise<{ data: Ensemble; evaluation?: Ensemble }> {
  const data: Ensemble = inputs.dataPath
    ? await readEnsembleFile(ctx.io, opts.data as string, '--data', registry)
    : await sampleWithProgress(
        ctx,
        registry,
        samplingConfig(
          opts as SamplingOptions & { model: string; size: number; samples: number },
          inputs.seeds.trainingData as number,
          inputs.workers,
        ),
        'data',
      );
  if (!inputs.evaluation) return { data };
  const { ensembleSamplingSettings } = await import('@rsrg/mcrg');
  const evaluation = await sampleWithProgress(
    ctx,
    registry,
    {
      ...ensembleSamplingSettings(data.header),
      samples: inputs.evaluation.samples,
      seed: inputs.seeds.evaluation as number,
      workers: inputs.workers,
    },
    'evaluation',
  );
  return { data, evaluation };
}

/** Stage 3: trains (with one progress line per epoch on a terminal). */
async function runTraining(
  ctx: CommandContext,
  registry: Registry,
  inputs: TrainInputs,
  data: Ensemble,
  evaluation: Ensemble | undefined,
  checkpoints?: TrainProjectorOptions['checkpoints'],
): Promise<TrainingOutcome> {
  const { io } = ctx;
  const { trainProjector, ensembleDescription } = await import('@rsrg/studies');
  const { epochLine } = await import('../render/epoch-line.js');
  const stream = io.progressStream;
  let latest: EvaluationPoint | undefined;
  let epochs = 0;
  return trainProjector(
    registry,
    {
      trainer: inputs.trainer.id,
      options: inputs.options,
      data,
      description: `${ensembleDescription(data)}${inputs.dataPath ? ` (${inputs.dataPath})` : ''}`,
      seed: inputs.seeds.training,
      workers: inputs.workers,
      ...(evaluation &&
        inputs.evaluation && {
          evaluation: {
            ensemble: evaluation,
            every: inputs.evaluation.every,
            seed: inputs.seeds.evaluation as number,
          },
        }),
      ...(checkpoints && { checkpoints }),
    },
    {
      onStart: (plan) => {
        epochs = plan.epochs;
      },
      onEvaluation: (p) => {
        latest = p;
      },
      onEpoch: (info: TrainingEpoch) =>
        stream?.write(epochLine(info, epochs, inputs.trainer.metrics ?? [], latest)),
      ...(io.signal && { signal: io.signal }),
    },
  );
}

/** Stage 4: writes the projector file and, for an RBM, the weight.dat export. */
function writeOutputs(inputs: TrainInputs, outcome: TrainingOutcome): void {
  for (const out of inputs.outs) writeFileAtomic(out, outcome.trained.file, { label: `--out file ${out}` });
  if (inputs.exportDat) {
    const { filter } = rbmProjectorCodec.decode(outcome.trained.file);
    writeFileAtomic(inputs.exportDat, writeWeightDat(filter), {
      label: `--export-weight-dat file ${inputs.exportDat}`,
    });
  }
}

/** Stage 5: the --json document or the text summary. */
async function render(
  ctx: CommandContext,
  inputs: TrainInputs,
  data: Ensemble,
  evaluation: Ensemble | undefined,
  outcome: TrainingOutcome,
  wallSeconds: number,
  json: boolean,
): Promise<string> {
  const { historyJson, parametersJson, SCHEMA_VERSION, STUDIES_VERSION } = await import('@rsrg/studies');
  const { trained, trainer } = outcome;
  const h = data.header;
  const recorded = trained.metadata.versions;
  if (json) {
    return toJson({
      schemaVersion: SCHEMA_VERSION,
      command: 'train',
      trainer: trainer.id,
      projector: trainer.projector,
      out: inputs.outs[0],
      ...(inputs.runDir && { runDir: inputs.runDir }),
      ...(inputs.exportDat && { exportWeightDat: inputs.exportDat }),
      data: { ...(inputs.dataPath && { file: inputs.dataPath }), header: h, count: data.count },
      options: trained.plan.options,
      seeds: inputs.seeds,
      steps: trained.plan.steps,
      stepsPerEpoch: trained.plan.stepsPerEpoch,
      history: historyJson(trained.history),
      evaluation: outcome.evaluation,
      ...(evaluation && { evaluationSamples: evaluation.count }),
      filter: parametersJson(trained.parameters),
      trainingSeconds: outcome.seconds,
      wallSeconds,
      versions: {
        ...(typeof recorded === 'object' && recorded !== null ? (recorded as Record<string, string>) : {}),
        ...h.versions,
        '@rsrg/studies': STUDIES_VERSION,
        '@rsrg/cli': ctx.version,
      },
    });
  }
  const last = trained.history[trained.history.length - 1];
  const final = outcome.evaluation[outcome.evaluation.length - 1];
  const { formatMetric } = await import('../render/epoch-line.js');
  const metrics = (trainer.metrics ?? []).filter((m) => last && last.metrics[m.key] != null);
  return `${renderFields([
    ...ensembleFields(data).map(([k, v]) => [`data ${k}`, v] as [string, string]),
    ['trainer', `${trainer.id} (projector ${trainer.projector})`],
    ...(trainer.describe?.(trained) ?? []).map(([k, v]) => [k, v] as [string, string]),
    [
      'steps',
      `${trained.plan.epochs} epoch${trained.plan.epochs === 1 ? '' : 's'} × ${trained.plan.stepsPerEpoch} steps`,
    ],
    ['seed', String(inputs.seeds.master)],
    ...(last && metrics.length
      ? ([
          ['last epoch', metrics.map((m) => `${m.label} ${formatMetric(m, last.metrics[m.key])}`).join(', ')],
        ] as [string, string][])
      : []),
    ...(final
      ? ([
          [
            'y_t',
            `${formatValueError(final.y, final.error)} at N_r = 1, N_c = ${final.nc} after ${final.step} steps (${outcome.evaluation.length} evaluations on ${final.samples} configurations)`,
          ],
        ] as [string, string][])
      : []),
    ['file', inputs.outs.join(', ')],
    ...(inputs.exportDat ? ([['weight.dat', inputs.exportDat]] as [string, string][]) : []),
    ['wall time', `${wallSeconds.toFixed(1)} s (training ${outcome.seconds.toFixed(1)} s)`],
  ])}\n`;
}

async function train(ctx: CommandContext, opts: TrainCliOptions, cmd: Command): Promise<void> {
  const started = performance.now();
  const registry = await ctx.registry();
  const inputs = await readInputs(ctx, registry, opts, cmd);
  if (inputs.runDir !== undefined) return trainInRunDir(ctx, registry, inputs, opts, started);
  const { data, evaluation } = await loadData(ctx, registry, inputs, opts);
  const outcome = await runTraining(ctx, registry, inputs, data, evaluation);
  writeOutputs(inputs, outcome);
  const wallSeconds = (performance.now() - started) / 1000;
  ctx.io.stdout(await render(ctx, inputs, data, evaluation, outcome, wallSeconds, opts.json === true));
}

/** The files of a training's run directory besides plan.json and checkpoints/. */
const RUN_DIR_FILES = {
  /** The sampled training configurations (not with --data: the plan has its path and SHA-256). */
  trainingData: 'training-data.rsrg',
  /** The sampled configurations y_t is followed on (--eval-every). */
  evaluationData: 'evaluation-data.rsrg',
  /** The finished training: the trainer's result and the y_t evaluations. */
  training: 'training.rsrg',
  /** The projector file. */
  projector: 'projector.rsrg',
  /** The --json document. */
  result: 'result.json',
} as const;

/** How a parameter of a training's plan is named on the command line. */
function trainPlanName(path: readonly string[]): string {
  const [head, key = ''] = path;
  if (head === 'options') {
    const flag = Object.entries(TRAINER_FLAGS).find(([, k]) => k === key)?.[0];
    return flag ? flagName(flag) : `--trainer-option ${key}`;
  }
  if (head === 'data') {
    if (key === 'file') return '--data';
    if (key === 'sha256') return 'the SHA-256 of the --data file';
    return flagName(key);
  }
  if (head === 'evaluation') return key === 'every' ? '--eval-every' : '--eval-samples';
  return flagName(head);
}

/**
 * `rsrg train --run-dir`: the plan (checked against the flags), the data (sampled once and
 * kept, or the --data file checked against its SHA-256), then the training, checkpointed
 * every --checkpoint-every seconds and on SIGINT, SIGTERM and SIGUSR1 (exit 75), resumed from
 * its newest good checkpoint by the same command; the projector file equals an uninterrupted
 * training's, wall times aside.
 */
async function trainInRunDir(
  ctx: CommandContext,
  registry: Registry,
  inputs: TrainInputs,
  opts: TrainCliOptions,
  started: number,
): Promise<void> {
  const { io } = ctx;
  const { trainer } = inputs;
  if (!trainer.resumable) {
    throw new UsageError(
      `trainer '${trainer.id}' cannot checkpoint and resume a training: --run-dir needs a resumable trainer`,
    );
  }
  // One process at a time: the lock of a killed one is taken over. An INCOMPLETE marker until done.
  const { RunDirectory } = await import('@rsrg/studies');
  const directory = RunDirectory.open(inputs.runDir as string, {
    resumable: (_, entries) => entries.includes('plan.json'),
    note: 'rsrg train --run-dir; run the same command to resume',
    restartHint: 'choose an empty or new --run-dir',
  });
  // From here on SIGINT, SIGTERM and SIGUSR1 stop the run after a checkpoint.
  const timer = checkpointTimer(io, opts.checkpointEvery);
  try {
    await trainStages(ctx, registry, inputs, opts, started, timer);
    directory.complete();
  } finally {
    timer.dispose();
    directory.close();
  }
}

/** The stages of `trainInRunDir`, each kept in the run directory once done. */
async function trainStages(
  ctx: CommandContext,
  registry: Registry,
  inputs: TrainInputs,
  opts: TrainCliOptions,
  started: number,
  timer: CheckpointTimer,
): Promise<void> {
  const { io } = ctx;
  const runDir = inputs.runDir as string;
  const { trainer } = inputs;
  const dataFile = inputs.dataPath && {
    file: inputs.dataPath,
    sha256: createHash('sha256')
      .update(readFileChecked(inputs.dataPath, { option: '--data' }))
      .digest('hex'),
  };
  // Seeds derived from --seed are left out: the plan names --seed itself when it changes.
  const sampling =
    !dataFile &&
    (({ seed: _, workers: __, ...rest }) => rest)(
      samplingConfig(opts as SamplingOptions & { model: string; size: number; samples: number }, 0, 1),
    );
  await openRunPlan(
    registry,
    runDir,
    'train',
    {
      trainer: trainer.id,
      options: inputs.options,
      seed: inputs.seeds.master,
      data: dataFile || sampling,
      ...(inputs.evaluation && { evaluation: inputs.evaluation }),
    },
    trainPlanName,
  );
  const { ensembleCodec } = await import('@rsrg/mcrg');
  const { trainingCheckpointCodec, storedTrainingCodec, storedOutcome, TrainingRunStopped } = await import(
    '@rsrg/studies'
  );
  const { checkpointFileStore } = await import('@rsrg/core');
  // The campaign layer loads only here, when a run directory runs (start-up stays light).
  const { EXIT_CHECKPOINTED } = await import('@rsrg/campaigns');
  const { CheckpointedStop } = await import('../run-dir.js');
  const stopped = (what: string) =>
    new CheckpointedStop(
      `stopped by ${timer.reason()}${what}; run the same command to resume (exit ${EXIT_CHECKPOINTED})`,
    );
  // Sampling has no checkpoints: a stop abandons it, and the same command samples again.
  const sampleCtx: CommandContext = {
    ...ctx,
    io: { ...io, signal: io.signal ? AbortSignal.any([io.signal, timer.stop]) : timer.stop },
  };
  const sampleOrStop = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      if (timer.stop.aborted) throw stopped(` while sampling the ${what} (nothing of it kept)`);
      throw err;
    }
  };
  const data: Ensemble = inputs.dataPath
    ? await readEnsembleFile(io, opts.data as string, '--data', registry)
    : await storedStage(join(runDir, RUN_DIR_FILES.trainingData), ensembleCodec, () =>
        sampleOrStop('training data', () =>
          sampleWithProgress(
            sampleCtx,
            registry,
            samplingConfig(
              opts as SamplingOptions & { model: string; size: number; samples: number },
              inputs.seeds.trainingData as number,
              inputs.workers,
            ),
            'data',
          ),
        ),
      );
  let evaluation: Ensemble | undefined;
  if (inputs.evaluation) {
    const { ensembleSamplingSettings } = await import('@rsrg/mcrg');
    const samples = inputs.evaluation.samples;
    evaluation = await storedStage(join(runDir, RUN_DIR_FILES.evaluationData), ensembleCodec, () =>
      sampleOrStop('evaluation configurations', () =>
        sampleWithProgress(
          sampleCtx,
          registry,
          {
            ...ensembleSamplingSettings(data.header),
            samples,
            seed: inputs.seeds.evaluation as number,
            workers: inputs.workers,
          },
          'evaluation',
        ),
      ),
    );
  }
  const stored = await storedStage(join(runDir, RUN_DIR_FILES.training), storedTrainingCodec, async () => {
    const store = checkpointFileStore(join(runDir, 'checkpoints'), 'training', trainingCheckpointCodec, {
      onWarning: (m) => io.stderr(`rsrg: warning: ${m}\n`),
    });
    const resumeFrom = store.load();
    if (resumeFrom) io.stderr(`rsrg: resuming the training after ${resumeFrom.trainer.step} updates\n`);
    try {
      const outcome = await runTraining(ctx, registry, inputs, data, evaluation, {
        requests: timer.requests,
        onCheckpoint: (c: TrainingRunCheckpoint) => {
          try {
            store.write(c);
          } catch (err) {
            io.stderr(`rsrg: warning: checkpoint not written: ${(err as Error).message}\n`);
          }
        },
        ...(resumeFrom && { resumeFrom }),
      });
      return { trained: outcome.trained, evaluation: outcome.evaluation, seconds: outcome.seconds };
    } catch (err) {
      if (err instanceof TrainingRunStopped) {
        const step = err.run?.trainer.step ?? 0;
        throw stopped(`: checkpointed after ${step} updates`);
      }
      throw err;
    }
  });
  const outcome = storedOutcome(registry, trainer.id, stored);
  writeOutputs(inputs, outcome);
  const wallSeconds = (performance.now() - started) / 1000;
  const doc = await render(ctx, inputs, data, evaluation, outcome, wallSeconds, true);
  writeFileAtomic(join(runDir, RUN_DIR_FILES.result), checksummedJson(JSON.parse(doc)), {
    label: join(runDir, RUN_DIR_FILES.result),
  });
  io.stdout(opts.json ? doc : await render(ctx, inputs, data, evaluation, outcome, wallSeconds, false));
}
