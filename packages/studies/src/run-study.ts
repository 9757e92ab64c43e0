import { join } from 'node:path';
import {
  type CheckpointRequests,
  checkpointFileStore,
  estimateRow,
  type PluginOptions,
  type ProjectorTrainer,
  type Registry,
  RsrgError,
  resolveModel,
  type Study,
  type StudyScale,
  storedStage,
  studyTrainingOptions,
  studyTrainings,
  type TrainedProjector,
  type TrainingMetric,
  UsageError,
} from '@rsrg/core';
import type { Ensemble, McrgConfig, McrgHooks, McrgResult } from '@rsrg/mcrg';
import { type ComparisonEntry, compareWithReference, type LabelledEstimate } from './comparison.js';
import type { EvaluationPoint } from './evaluation.js';
import { STUDY_FILES, STUDY_STAGE_FILES, trainingEnsembleFileName, trainingFileNames } from './files.js';
import { deriveSeed, type RunSeeds, runSeeds } from './seeds.js';
import {
  type TrainingOutcome,
  TrainingRunStopped,
  type TrainProjectorHooks,
  trainProjector,
} from './train.js';
import { storedOutcome, storedTrainingCodec, trainingCheckpointCodec } from './training-files.js';

/** Where a study run writes its files: a `RunDirectory`, or anything that writes whole files into `path`. */
export interface StudyOutput {
  /** The directory the files go into. */
  readonly path: string;
  /** Writes one whole file and returns its path. */
  write(name: string, data: Uint8Array | string): string;
}

/** How to run a study. */
export interface StudyRunOptions {
  /** The study's scale (default: its `defaultScale`). */
  readonly scale?: string;
  /** Where the projector file (and, with `keepData`, the training data) go. */
  readonly output: StudyOutput;
  /** Master seed (see `runSeeds`). */
  readonly seed: number;
  /** Worker threads for sampling, training and measurement (the results do not depend on it). */
  readonly workers: number;
  /** Keep the training ensemble as training-data.rsrg. */
  readonly keepData?: boolean;
  /** Make the run resumable in `output.path` (see `StudyResumption`). */
  readonly resumable?: StudyResumption;
}

/**
 * A study run that survives a stop or a kill: every finished stage is a file of the output
 * directory (the training and evaluation configurations, `STUDY_STAGE_FILES.training` for the
 * finished training), the training checkpoints into `checkpoints/` when asked through
 * `requests`, and the MCRG measurement runs through `measure` (e.g. in a run directory of its
 * own). Run again, it keeps what is done and resumes the training from its newest good
 * checkpoint, so its outputs equal an uninterrupted run's, bit for bit (wall times aside).
 */
export interface StudyResumption {
  /** Checkpoint requests for the training; `stop()` makes it checkpoint and the run end in `StudyStopped`. */
  readonly requests: CheckpointRequests;
  /** Aborts when the run is asked to stop: a sampling stage is abandoned (done again on resume). */
  readonly stop: AbortSignal;
  /**
   * Runs an MCRG measurement so that it resumes (default: `runMcrg`, which starts over), in the
   * subdirectory `name`: 'measurement', or 'confirmation' for the study's larger lattice.
   */
  measure?(config: McrgConfig, hooks: McrgHooks, name: string): Promise<McrgResult>;
  /** Told about damaged checkpoints skipped, a line each. */
  onWarning?(message: string): void;
}

/** A resumable study run stopped on request: what it kept, and how to go on (run it again). */
export class StudyStopped extends RsrgError {
  constructor(
    /** The stage it stopped in. */
    readonly phase: StudyPhase,
    /** What was kept of it, e.g. 'checkpointed after 120 updates'. */
    readonly kept: string,
  ) {
    super(`stopped during the ${phase}: ${kept}`);
  }
}

/**
 * The phases of a study run, in order: sampling the training data, sampling the evaluation
 * data, training (the first three only for a study that trains a projector), then the MCRG
 * measurement of every projector, and their confirmation on a larger lattice (a study with a
 * `confirmation` only).
 */
export type StudyPhase = 'training data' | 'evaluation data' | 'training' | 'measurement' | 'confirmation';

/** Observers of a study run. */
export interface StudyHooks {
  /** A phase starts. */
  onPhase?(phase: StudyPhase): void;
  /** Progress of the sampling phases and the measurement, in sampler moves. */
  onProgress?(p: { done: number; total: number; phase: string }): void;
  /** A training starts (a study may have several): its label and trainer id. */
  onTraining?(training: { readonly label: string; readonly trainer: string }): void;
  /** Observers of the training (epochs, y_t evaluations). */
  readonly training?: Omit<TrainProjectorHooks, 'signal'>;
  /** Stops the run: sampling, training and measurement end and the promise rejects with the reason. */
  readonly signal?: AbortSignal;
}

/** Wall seconds of each phase; `report` is the caller's (rendering), 0 until it says. */
export type PhaseSeconds = Record<
  'trainingData' | 'evaluationData' | 'training' | 'measurement' | 'report' | 'total',
  number
>;

/** The training part of a study run. */
export interface StudyTrainingRun {
  /** The trainer's id. */
  readonly trainer: string;
  /** Id of the projector trained: the study measures it from the trained file. */
  readonly projector: string;
  /** The name it is measured under (the training's label, by default the projector's id). */
  readonly label: string;
  /** The options it was given: the study's, then the scale's. */
  readonly options: PluginOptions;
  /** The trainer's result: projector file, plan, per-epoch history, snapshots, final parameters. */
  readonly trained: TrainedProjector;
  /** y_t at N_r = 1 on the evaluation configurations during training (empty: not followed). */
  readonly evaluation: readonly EvaluationPoint[];
  /** Training steps between two evaluations (0: none). */
  readonly evaluateEvery: number;
  /** The trainer's per-epoch metrics and its words about the run (`ProjectorTrainer.describe`). */
  readonly metrics: readonly TrainingMetric[];
  /** The trainer's (label, text) rows about the run, for the report. */
  readonly description: readonly (readonly [string, string])[];
  /** The path of the trained projector file. */
  readonly file: string;
  /** Its name in the run directory (see `trainingFileNames`). */
  readonly fileName: string;
}

/** derive(S, 4): the seed of the confirmation measurement (see `runSeeds`). */
const CONFIRMATION_PURPOSE = 4;
/** derive(S, 100 + L): the seed of a training ensemble of size L that a training reads from a file. */
const ENSEMBLE_PURPOSE = 100;

/** Every projector measured again on the study's larger confirmation lattice. */
export interface StudyConfirmation {
  /** Its seed, derive(S, 4): configurations independent of every other set of the run. */
  readonly seed: number;
  /** The MCRG measurement. */
  readonly measurement: McrgResult;
  /** Its estimates, as `StudyRun.estimates`. */
  readonly estimates: StudyRun['estimates'];
  /** Its wall seconds. */
  readonly seconds: number;
}

/** Everything a study run produced, before it is reported. */
export interface StudyRun {
  /** The study run. */
  readonly study: Study;
  /** The id of the scale it ran at. */
  readonly scaleId: string;
  /** That scale. */
  readonly scale: StudyScale;
  /** The seeds of the training data, evaluation, training and measurement (see `runSeeds`). */
  readonly seeds: RunSeeds;
  /** The training ensemble's size and header; `kept` when it was written as training-data.rsrg. */
  readonly trainingData?: {
    /** Training configurations. */
    readonly count: number;
    /** How they were sampled (model, size, coupling, sampler, seed, …). */
    readonly header: Ensemble['header'];
    /** Whether they were written as training-data.rsrg (`keepData`). */
    readonly kept: boolean;
  };
  /** Fresh configurations y_t was evaluated on during training (0: none). */
  readonly evaluationSamples: number;
  /** Every training, in the study's order (empty when it trains nothing); the figures show the first. */
  readonly trainings: readonly StudyTrainingRun[];
  /** The MCRG measurement of every projector on the same fresh configurations. */
  readonly measurement: McrgResult;
  /** Estimates of every projector (labels: the study's projector ids). */
  readonly estimates: readonly (LabelledEstimate & {
    /** Largest real eigenvalue λ of the linearized RG map T = A⁻¹B; y = ln λ / ln b. */
    readonly lambda: number;
    /** Its jackknife error. */
    readonly lambdaError: number;
  })[];
  /** The estimates beside the study's reference numbers (see `compareWithReference`). */
  readonly comparison: readonly ComparisonEntry[];
  /** The measurement on the study's confirmation lattice, when it has one. */
  readonly confirmation?: StudyConfirmation;
  /** Wall seconds of each phase. */
  readonly seconds: PhaseSeconds;
}

/** The study's scale by id, or a UsageError listing the known ones. */
export function studyScale(
  study: Study,
  id: string | undefined,
): {
  /** The scale's id: `id`, or the study's `defaultScale`. */
  id: string;
  /** The scale. */
  scale: StudyScale;
} {
  const scaleId = id ?? study.defaultScale;
  const scale = Object.hasOwn(study.scales, scaleId) ? study.scales[scaleId] : undefined;
  if (!scale) {
    throw new UsageError(
      `study '${study.id}' has no scale '${scaleId}' (known: ${Object.keys(study.scales).join(', ')})`,
    );
  }
  return { id: scaleId, scale };
}

/** One training of a study at a scale: the trainer, its label and resolved options. */
interface TrainingSetup {
  readonly trainer: ProjectorTrainer;
  readonly label: string;
  readonly options: PluginOptions;
  /** Option name → size of a training ensemble it reads from a file. */
  readonly ensembles: Readonly<Record<string, number>>;
}

/** What a study trains at a scale, and the scale's numbers for it. */
interface TrainingSetups {
  readonly trainings: readonly TrainingSetup[];
  readonly configurations: number;
  readonly evaluationSamples: number;
  readonly evaluateEvery: number;
}

const positiveInteger = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;

/** The study's trainings at a scale, checked against the registry (UsageError on a bad one). */
function trainingSetups(
  registry: Registry,
  study: Study,
  scaleId: string,
  scale: StudyScale,
): TrainingSetups | undefined {
  const where = `study '${study.id}' scale '${scaleId}'`;
  const declared = studyTrainings(study);
  if (declared.length === 0) {
    if (scale.training !== undefined)
      throw new UsageError(`${where} sets training options, but the study trains nothing`);
    return undefined;
  }
  if (declared.length > 1 && scale.training !== undefined)
    throw new UsageError(
      `${where} sets training options, but the study has several trainings: give them per training`,
    );
  const trainings = declared.map((t) => {
    const trainer = registry.trainers.get(t.trainer);
    if (!registry.projectors.has(trainer.projector)) {
      throw new UsageError(
        `study '${study.id}' trains projector '${trainer.projector}' (trainer '${trainer.id}'), which is not registered`,
      );
    }
    const ensembles = t.ensembles ?? {};
    for (const [option, size] of Object.entries(ensembles))
      if (!positiveInteger(size))
        throw new UsageError(`study '${study.id}': the ensemble of option '${option}' needs a positive size`);
    return {
      trainer,
      label: t.label ?? trainer.projector,
      options: studyTrainingOptions(study, t, scaleId),
      ensembles,
    };
  });
  const labels = new Set(trainings.map((t) => t.label));
  if (labels.size !== trainings.length)
    throw new UsageError(
      `study '${study.id}' trains two projectors under one label: give each training its own label`,
    );
  for (const label of labels)
    if (!study.projectors.includes(label))
      throw new UsageError(
        `study '${study.id}' trains '${label}' but does not measure it (not in its projectors)`,
      );
  if (!positiveInteger(scale.trainingConfigurations)) {
    throw new UsageError(
      `${where}: trainingConfigurations must be a positive integer to train '${trainings[0].trainer.id}'`,
    );
  }
  const evaluationSamples = scale.evaluationSamples ?? 0;
  const evaluateEvery = scale.evaluateEvery ?? 0;
  if (evaluationSamples > 0 && !positiveInteger(evaluateEvery)) {
    throw new UsageError(`${where}: evaluateEvery must be a positive integer when evaluationSamples > 0`);
  }
  return { trainings, configurations: scale.trainingConfigurations, evaluationSamples, evaluateEvery };
}

const seconds = (since: number) => (performance.now() - since) / 1000;

/**
 * Runs a study end to end. When it trains a projector: samples the training configurations,
 * trains through the study's registered trainer (following y_t on fresh configurations every
 * `evaluateEvery` steps, see `trainProjector`) and writes the projector file. Then it measures
 * every projector of the study on one set of fresh configurations with MCRG (the trained one
 * read from its file) and compares the estimates with the study's reference numbers. Training
 * data, evaluation data and measurement use independent seeds (`runSeeds`). Writes the
 * projector file and, with `keepData`, the training ensemble; the report is the caller's
 * (`studyResult`, `studyFigures`).
 *
 * @example
 * const study = registry.studies.get('chung-kao-2019');
 * const directory = RunDirectory.open('runs/chung-kao-2019-quick', { reusable: finishedRunOf(study.id) });
 * try {
 *   const run = await runStudy(registry, study, { scale: 'quick', output: directory, seed: 1, workers: 4 });
 *   directory.write(STUDY_FILES.result, JSON.stringify(studyResult(run, { outDir: directory.path })));
 *   directory.complete();
 *   for (const c of run.comparison) console.log(c.projector, c.sector, c.nr, c.nc, c.y, c.reference?.y);
 * } finally {
 *   directory.close();
 * }
 */
export async function runStudy(
  registry: Registry,
  study: Study,
  options: StudyRunOptions,
  hooks: StudyHooks = {},
): Promise<StudyRun> {
  const started = performance.now();
  const { signal } = hooks;
  const { id: scaleId, scale } = studyScale(study, options.scale);
  // The model at the study's options: a bad option fails here, before anything runs.
  const model = resolveModel(registry.models.get(study.model), study.modelOptions);
  const setup = trainingSetups(registry, study, scaleId, scale);
  if (study.confirmation && !positiveInteger(scale.confirmationSamples))
    throw new UsageError(
      `study '${study.id}' scale '${scaleId}': confirmationSamples must be a positive integer (the study measures size ${study.confirmation.size} too)`,
    );
  const seeds = runSeeds(options.seed);
  const { sampleEnsemble, runMcrg, ensembleCodec } = await import('@rsrg/mcrg');
  // Training data, evaluation data and measurement all sample the model at the study's options.
  const sampling = {
    model: study.model,
    ...(study.modelOptions !== undefined && { modelOptions: study.modelOptions }),
    size: study.size,
    ...(study.coupling !== undefined && { coupling: study.coupling }),
    ...(study.sampler !== undefined && { sampler: study.sampler }),
    ...(study.interval !== undefined && { interval: study.interval }),
    thermalize: scale.thermalize,
    workers: options.workers,
  };
  // Training and evaluation data may come from a smaller lattice than the measurement's.
  const trainingSampling = { ...sampling, size: scale.trainingSize ?? study.size };
  // Checked before sampling, so that a bad option fails at once.
  for (const t of setup?.trainings ?? [])
    t.trainer.plan(t.options, {
      lattice: model.lattice(trainingSampling.size),
      count: setup?.configurations ?? 0,
    });

  const time = { trainingData: 0, evaluationData: 0, training: 0 };
  const trainings: StudyTrainingRun[] = [];
  let trainingData: StudyRun['trainingData'];
  let evaluationSamples = 0;
  if (setup) {
    let t = performance.now();
    const resumable = options.resumable;
    const dir = options.output.path;
    // Sampling keeps no checkpoints: a stop abandons it, and a resumed run samples again.
    const samplingSignal = resumable
      ? signal
        ? AbortSignal.any([signal, resumable.stop])
        : resumable.stop
      : signal;
    const sample = (
      phase: StudyPhase,
      file: string | undefined,
      config: Parameters<typeof sampleEnsemble>[1],
    ) => {
      const run = async () => {
        hooks.onPhase?.(phase);
        try {
          return await sampleEnsemble(registry, config, {
            onProgress: hooks.onProgress,
            signal: samplingSignal,
          });
        } catch (err) {
          if (resumable?.stop.aborted) throw new StudyStopped(phase, 'nothing of it kept');
          throw err;
        }
      };
      return file ? storedStage(join(dir, file), ensembleCodec, run) : run();
    };
    const keepData = options.keepData === true || resumable !== undefined;
    const data = await sample('training data', resumable && STUDY_FILES.trainingData, {
      ...trainingSampling,
      samples: setup.configurations,
      seed: seeds.trainingData,
    });
    if (keepData && !resumable) options.output.write(STUDY_FILES.trainingData, ensembleCodec.encode(data));
    trainingData = { count: data.count, header: data.header, kept: keepData };
    // Ensembles of other sizes that trainings read from files: each size once, kept in the run.
    const ensembleFiles = new Map<number, string>();
    for (const size of new Set(setup.trainings.flatMap((x) => Object.values(x.ensembles)))) {
      const name = trainingEnsembleFileName(size);
      const config = {
        ...trainingSampling,
        size,
        samples: setup.configurations,
        seed: deriveSeed(seeds.master, ENSEMBLE_PURPOSE + size),
      };
      const ensemble = await sample('training data', resumable && name, config);
      if (!resumable) options.output.write(name, ensembleCodec.encode(ensemble));
      ensembleFiles.set(size, join(dir, name));
    }
    time.trainingData = seconds(t);

    t = performance.now();
    let evaluationData: Ensemble | undefined;
    if (setup.evaluationSamples > 0) {
      evaluationData = await sample('evaluation data', resumable && STUDY_STAGE_FILES.evaluationData, {
        ...trainingSampling,
        samples: setup.evaluationSamples,
        seed: seeds.evaluation,
      });
      evaluationSamples = evaluationData.count;
    }
    time.evaluationData = seconds(t);

    t = performance.now();
    hooks.onPhase?.('training');
    const several = setup.trainings.length > 1;
    for (const { trainer, label, options: declared, ensembles } of setup.trainings) {
      const trainerOptions = {
        ...declared,
        ...Object.fromEntries(
          Object.entries(ensembles).map(([option, size]) => [option, ensembleFiles.get(size) as string]),
        ),
      };
      const names = trainingFileNames(label, several);
      hooks.onTraining?.({ label, trainer: trainer.id });
      const train = (
        checkpoints?: Parameters<typeof trainProjector>[1]['checkpoints'],
        trainSignal: AbortSignal | undefined = signal,
      ) =>
        trainProjector(
          registry,
          {
            trainer: trainer.id,
            options: trainerOptions,
            data,
            seed: seeds.training,
            workers: options.workers,
            ...(evaluationData && {
              evaluation: { ensemble: evaluationData, every: setup.evaluateEvery, seed: seeds.evaluation },
            }),
            ...(checkpoints && { checkpoints }),
          },
          { ...hooks.training, ...(trainSignal && { signal: trainSignal }) },
        );
      let outcome: TrainingOutcome;
      if (resumable) {
        // A trainer without checkpoints (a few objective evaluations) runs whole: a stop
        // abandons it, and the resumed run trains it again. Either way, once done it is kept.
        const whole = async () => {
          try {
            return await train(undefined, samplingSignal);
          } catch (err) {
            if (resumable.stop.aborted) throw new StudyStopped('training', `nothing of '${label}' kept`);
            throw err;
          }
        };
        const checkpointed = async () => {
          const store = checkpointFileStore(
            join(dir, STUDY_STAGE_FILES.checkpoints),
            names.checkpointPrefix,
            trainingCheckpointCodec,
            { ...(resumable.onWarning && { onWarning: resumable.onWarning }) },
          );
          const resumeFrom = store.load();
          try {
            return await train({
              requests: resumable.requests,
              onCheckpoint: (c) => {
                try {
                  store.write(c);
                } catch (err) {
                  resumable.onWarning?.(`checkpoint not written: ${(err as Error).message}`);
                }
              },
              ...(resumeFrom && { resumeFrom }),
            });
          } catch (err) {
            if (err instanceof TrainingRunStopped) {
              const what = several ? ` of '${label}'` : '';
              throw new StudyStopped(
                'training',
                `checkpointed${what} after ${err.run?.trainer.step ?? 0} updates`,
              );
            }
            throw err;
          }
        };
        const stored = await storedStage(join(dir, names.stage), storedTrainingCodec, async () => {
          const o = await (trainer.resumable ? checkpointed() : whole());
          return { trained: o.trained, evaluation: o.evaluation, seconds: o.seconds };
        });
        outcome = storedOutcome(registry, trainer.id, stored);
      } else {
        outcome = await train();
      }
      const file = options.output.write(names.projector, outcome.trained.file);
      trainings.push({
        trainer: trainer.id,
        projector: trainer.projector,
        label,
        options: trainerOptions,
        trained: outcome.trained,
        evaluation: outcome.evaluation,
        evaluateEvery: setup.evaluateEvery,
        metrics: trainer.metrics ?? [],
        description: trainer.describe?.(outcome.trained) ?? [],
        file,
        fileName: names.projector,
      });
    }
    time.training = seconds(t);
  }

  const t = performance.now();
  hooks.onPhase?.('measurement');
  const measure =
    options.resumable?.measure ?? ((c: McrgConfig, h: McrgHooks, _name: string) => runMcrg(registry, c, h));
  const projectors = study.projectors.map((label) => {
    const trained = trainings.find((t) => t.label === label);
    if (!trained) return { id: label };
    // A label other than the projector's id names its estimates.
    return {
      id: trained.projector,
      options: { weights: trained.file },
      ...(label !== trained.projector && { label }),
    };
  });
  const measurement = await measure(
    {
      ...sampling,
      samples: scale.measurementSamples,
      seed: seeds.measurement,
      projectors,
    },
    { onProgress: hooks.onProgress, signal },
    'measurement',
  );
  const tMeasure = seconds(t);

  let confirmation: StudyConfirmation | undefined;
  if (study.confirmation) {
    const tc = performance.now();
    hooks.onPhase?.('confirmation');
    const seed = deriveSeed(seeds.master, CONFIRMATION_PURPOSE);
    const result = await measure(
      {
        ...sampling,
        size: study.confirmation.size,
        ...(study.confirmation.interval !== undefined && { interval: study.confirmation.interval }),
        thermalize: scale.confirmationThermalize ?? scale.thermalize,
        samples: scale.confirmationSamples as number,
        seed,
        projectors,
      },
      { onProgress: hooks.onProgress, signal },
      'confirmation',
    );
    confirmation = {
      seed,
      measurement: result,
      estimates: result.estimates.map((e) => estimateRow(e) as StudyRun['estimates'][number]),
      seconds: seconds(tc),
    };
  }

  const estimates = measurement.estimates.map((e) => estimateRow(e) as StudyRun['estimates'][number]);
  return {
    study,
    scaleId,
    scale,
    seeds,
    ...(trainingData && { trainingData }),
    evaluationSamples,
    trainings,
    measurement,
    estimates,
    ...(confirmation && { confirmation }),
    comparison: compareWithReference(estimates, study.reference, study.projectors),
    seconds: { ...time, measurement: tMeasure, report: 0, total: seconds(started) },
  };
}
