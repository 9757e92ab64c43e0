import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Registry, type Study, type StudyScale, UnsupportedError, UsageError } from '@rsrg/core';
import type { Ensemble, McrgResult } from '@rsrg/mcrg';
import {
  type EpochInfo,
  type RbmFilter,
  type ResolvedTrainOptions,
  resolveTrainOptions,
} from '@rsrg/projectors';
import { type ComparisonEntry, compareWithReference, type LabelledEstimate } from './comparison.js';
import type { EvaluationPoint } from './evaluation.js';
import { type RunSeeds, runSeeds } from './seeds.js';
import { presetId, trainingSettings, trainOptions } from './train-settings.js';
import { ensembleDescription, type TrainingHooks, trainedFileBytes, trainInWorker } from './training.js';

/** The files a study run writes into its directory (names relative to it). */
export const STUDY_FILES = {
  projector: 'projector.rsrg',
  table: 'table1.md',
  figure1: { svg: 'figure1.svg', png: 'figure1.png' },
  figure2: { svg: 'figure2.svg', png: 'figure2.png' },
  report: 'report.md',
  result: 'result.json',
  trainingData: 'training-data.rsrg',
} as const;

/** How to run a study. */
export interface StudyRunOptions {
  readonly scale: string;
  /** Directory the outputs go to (created by the caller). */
  readonly outDir: string;
  /** Master seed (see `runSeeds`). */
  readonly seed: number;
  readonly workers: number;
  /** Keep the training ensemble as training-data.rsrg. */
  readonly keepData: boolean;
}

/** Observers of a study run. */
export interface StudyHooks {
  /** A phase starts: 'training data', 'evaluation data', 'training', 'measurement', 'report'. */
  onPhase?(phase: StudyPhase): void;
  /** Progress of the sampling phases and the measurement, in sampler moves. */
  onProgress?(p: { done: number; total: number; phase: string }): void;
  readonly training?: Omit<TrainingHooks, 'signal'>;
  readonly signal?: AbortSignal;
}

export type StudyPhase = 'training data' | 'evaluation data' | 'training' | 'measurement' | 'report';

/** Wall seconds of each phase. */
export type PhaseSeconds = Record<
  'trainingData' | 'evaluationData' | 'training' | 'measurement' | 'report' | 'total',
  number
>;

/** Everything a study run produced, before it is written out. */
export interface StudyRun {
  readonly study: Study;
  readonly scaleId: string;
  readonly scale: StudyScale;
  readonly seeds: RunSeeds;
  /** The training ensemble's size and header; `kept` when it was written as training-data.rsrg. */
  readonly trainingData: {
    readonly count: number;
    readonly header: Ensemble['header'];
    readonly kept: boolean;
  };
  readonly evaluationSamples: number;
  readonly training: {
    readonly options: ResolvedTrainOptions;
    readonly steps: number;
    readonly stepsPerEpoch: number;
    readonly history: readonly EpochInfo[];
    readonly snapshots: readonly { readonly epoch: number; readonly filter: RbmFilter }[];
    readonly filter: RbmFilter;
    readonly evaluation: readonly EvaluationPoint[];
    readonly evaluateEvery: number;
  };
  readonly measurement: McrgResult;
  /** Estimates of every projector (labels: the study's projector ids). */
  readonly estimates: readonly (LabelledEstimate & {
    readonly lambda: number;
    readonly lambdaError: number;
  })[];
  readonly comparison: readonly ComparisonEntry[];
  readonly seconds: PhaseSeconds;
}

/** The study's scale by id, or a UsageError listing the known ones. */
export function studyScale(study: Study, id: string | undefined): { id: string; scale: StudyScale } {
  const scaleId = id ?? study.defaultScale;
  const scale = Object.hasOwn(study.scales, scaleId) ? study.scales[scaleId] : undefined;
  if (!scale) {
    throw new UsageError(
      `study '${study.id}' has no scale '${scaleId}' (known: ${Object.keys(study.scales).join(', ')})`,
    );
  }
  return { id: scaleId, scale };
}

/**
 * The snapshot epochs of the study (Figure 1) for a run of `epochs` epochs: a listed epoch
 * past the last one shows the last one.
 */
export function filterEpochs(study: Study, epochs: number): number[] {
  const wanted = study.filterEpochs ?? [1, 3, 5, epochs];
  return [...new Set(wanted.map((e) => Math.min(e, epochs)))].sort((a, b) => a - b);
}

const seconds = (since: number) => (performance.now() - since) / 1000;

/**
 * Runs a study end to end: samples the training configurations, trains the study's projector
 * (following y_t on fresh configurations every `evaluateEvery` steps and keeping the filter at
 * the study's epochs), writes the trained projector into the output directory, then measures
 * every projector of the study on one set of fresh configurations with MCRG and compares the
 * estimates with the study's reference numbers. Training data, evaluation data and
 * measurement use independent seeds (`runSeeds`). Writes the projector file (and, with
 * `keepData`, the training ensemble); the report is written by `writeStudyReport`.
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
  if (!registry.projectors.has(study.training.projector)) {
    throw new UsageError(
      `study '${study.id}' trains projector '${study.training.projector}', which is not registered`,
    );
  }
  if (study.training.projector !== 'rbm') {
    throw new UnsupportedError(
      `study '${study.id}' trains projector '${study.training.projector}'; rsrg can train 'rbm' projectors only`,
    );
  }
  const preset = presetId(study.training.preset);
  const settings = trainingSettings(scale.training, `study '${study.id}' scale '${scaleId}'`);
  const seeds = runSeeds(options.seed);
  const { sampleEnsemble, runMcrg, ensembleCodec } = await import('@rsrg/mcrg');
  // An unknown model fails here, before anything runs.
  registry.models.get(study.model);
  const sampling = {
    model: study.model,
    size: study.size,
    ...(study.coupling !== undefined && { coupling: study.coupling }),
    ...(study.sampler !== undefined && { sampler: study.sampler }),
    ...(study.interval !== undefined && { interval: study.interval }),
    thermalize: scale.thermalize,
    workers: options.workers,
  };

  // Resolved before sampling, so that a bad setting fails at once.
  const base = { seed: seeds.training, configurations: scale.trainingConfigurations };
  const { epochs } = resolveTrainOptions(trainOptions(preset, settings, base));
  const trainingOptions = trainOptions(preset, settings, {
    ...base,
    snapshotEpochs: filterEpochs(study, epochs),
  });

  // Training and evaluation data may come from a smaller lattice than the measurement's.
  const trainingSampling = { ...sampling, size: scale.trainingSize ?? study.size };

  let t = performance.now();
  hooks.onPhase?.('training data');
  const data = await sampleEnsemble(
    registry,
    { ...trainingSampling, samples: scale.trainingConfigurations, seed: seeds.trainingData },
    { onProgress: hooks.onProgress, signal },
  );
  if (options.keepData)
    writeFileSync(join(options.outDir, STUDY_FILES.trainingData), ensembleCodec.encode(data));
  const tData = seconds(t);

  t = performance.now();
  let evaluationData: Ensemble | undefined;
  if (scale.evaluationSamples > 0) {
    hooks.onPhase?.('evaluation data');
    evaluationData = await sampleEnsemble(
      registry,
      { ...trainingSampling, samples: scale.evaluationSamples, seed: seeds.evaluation },
      { onProgress: hooks.onProgress, signal },
    );
  }
  const tEval = seconds(t);

  t = performance.now();
  hooks.onPhase?.('training');
  const trained = await trainInWorker(
    {
      sources: registry.sources,
      data,
      description: ensembleDescription(data),
      options: trainingOptions,
      workers: options.workers,
      ...(evaluationData && {
        evaluation: { ensemble: evaluationData, every: scale.evaluateEvery, seed: seeds.evaluation },
      }),
    },
    { ...hooks.training, ...(signal && { signal }) },
  );
  const { result } = trained;
  const projectorPath = join(options.outDir, STUDY_FILES.projector);
  writeFileSync(projectorPath, trainedFileBytes(trained));
  const tTrain = seconds(t);

  t = performance.now();
  hooks.onPhase?.('measurement');
  const measurement = await runMcrg(
    registry,
    {
      ...sampling,
      samples: scale.measurementSamples,
      seed: seeds.measurement,
      projectors: study.projectors.map((id) =>
        id === study.training.projector ? { id, options: { weights: projectorPath } } : { id },
      ),
    },
    { onProgress: hooks.onProgress, signal },
  );
  const tMeasure = seconds(t);

  const estimates = measurement.estimates.map((e) => ({
    projector: e.projector,
    sector: e.sector,
    nr: e.nr,
    nc: e.nc,
    y: e.y,
    error: e.error,
    lambda: e.lambda,
    lambdaError: e.lambdaError,
  }));
  return {
    study,
    scaleId,
    scale,
    seeds,
    trainingData: { count: data.count, header: data.header, kept: options.keepData },
    evaluationSamples: evaluationData?.count ?? 0,
    training: {
      options: result.metadata.options,
      steps: result.metadata.steps,
      stepsPerEpoch: trained.stepsPerEpoch,
      history: result.history,
      snapshots: result.snapshots,
      filter: result.filter,
      evaluation: trained.evaluation,
      evaluateEvery: scale.evaluateEvery,
    },
    measurement,
    estimates,
    comparison: compareWithReference(estimates, study.reference, study.projectors),
    seconds: {
      trainingData: tData,
      evaluationData: tEval,
      training: tTrain,
      measurement: tMeasure,
      report: 0,
      total: seconds(started),
    },
  };
}
