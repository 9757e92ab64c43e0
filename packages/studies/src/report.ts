import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ProjectorParameters, RNG_ALGORITHM, type TrainingEpoch } from '@rsrg/core';
import { type ComparisonSummary, comparisonSummary } from './comparison.js';
import { STUDY_FILES } from './files.js';
import type { StudyRun } from './run-study.js';
import { STUDIES_VERSION } from './version.js';

/** Version of the JSON documents of `rsrg train --json` and `rsrg reproduce --json` (result.json). */
export const SCHEMA_VERSION = 2;

/** A per-epoch record as JSON: epoch, steps, seconds and the trainer's metrics side by side. */
export function historyJson(history: readonly TrainingEpoch[]): Record<string, number | null>[] {
  return history.map(({ metrics, ...rest }) => ({ ...rest, ...metrics }));
}

/** Trained parameters as JSON: their attributes and the values as `weights`. */
export function parametersJson(p: ProjectorParameters): Record<string, unknown> {
  return { ...p.attributes, weights: [...p.values] };
}

/** The files a run wrote or its report writes (names relative to the run directory). */
export function studyFiles(run: StudyRun): Record<string, string | { svg: string; png: string }> {
  return {
    ...(run.training && {
      projector: STUDY_FILES.projector,
    }),
    comparison: STUDY_FILES.comparison,
    ...(run.training && {
      filters: STUDY_FILES.filters,
      trainingCurve: STUDY_FILES.trainingCurve,
    }),
    report: STUDY_FILES.report,
    result: STUDY_FILES.result,
    ...(run.trainingData?.kept && { trainingData: STUDY_FILES.trainingData }),
  };
}

/**
 * The document of `rsrg reproduce --json`, also written as result.json: the study and scale,
 * the parameters, seeds, every estimate, the reference and the comparison, the training
 * (steps, per-epoch history, y_t evaluations, snapshots and final parameters as `filter`), the
 * measurement's statistics, wall times and versions (`versions` adds to the run's).
 */
export function studyResult(
  run: StudyRun,
  context: { readonly outDir: string; readonly versions?: Readonly<Record<string, string>> },
) {
  const m = run.measurement;
  const { study, scale } = run;
  const t = run.training;
  return {
    schemaVersion: SCHEMA_VERSION,
    command: 'reproduce',
    study: { id: study.id, description: study.description, citation: study.citation },
    scale: { id: run.scaleId, ...scale },
    outDir: context.outDir,
    files: studyFiles(run),
    parameters: {
      model: m.config.model,
      size: m.config.size,
      coupling: m.config.coupling,
      sampler: m.config.sampler,
      interval: m.config.interval,
      thermalize: m.config.thermalize,
      ...(run.trainingData && {
        trainingConfigurations: run.trainingData.count,
        trainingSize: run.trainingData.header.size,
      }),
      evaluationSamples: run.evaluationSamples,
      ...(t && { evaluateEvery: t.evaluateEvery }),
      measurementSamples: m.samples,
      projectors: study.projectors,
      ...(t && {
        training: {
          trainer: t.trainer,
          projector: t.projector,
          seed: run.seeds.training,
          ...t.trained.plan.options,
        },
      }),
      measurement: m.config,
    },
    seeds: run.seeds,
    model: m.model,
    blockSize: m.blockSize,
    lattices: m.lattices,
    couplings: m.couplings,
    estimates: run.estimates,
    reference: study.reference,
    comparison: run.comparison,
    ...(t && {
      training: {
        steps: t.trained.plan.steps,
        stepsPerEpoch: t.trained.plan.stepsPerEpoch,
        history: historyJson(t.trained.history),
        evaluation: t.evaluation,
        snapshots: t.trained.snapshots.map((s) => ({ epoch: s.epoch, weights: [...s.values] })),
        filter: parametersJson(t.trained.parameters),
      },
    }),
    samples: m.samples,
    bins: m.bins,
    tauInt: m.tauInt,
    movesPerMeasurement: m.movesPerMeasurement,
    spinsUpdatedPerMove: m.spinsUpdatedPerMove,
    wallSeconds: run.seconds,
    rng: RNG_ALGORITHM,
    versions: { ...m.versions, '@rsrg/studies': STUDIES_VERSION, ...context.versions },
  };
}

/** The trained parameters at one snapshot, as a panel of the filters figure. */
export interface ParameterPanel {
  readonly epoch: number;
  readonly shape: readonly number[];
  readonly values: readonly number[];
  /** The range of the values, shown on the panel (each panel has its own colour scale). */
  readonly min: number;
  readonly max: number;
}

/** A horizontal line of the training curve. */
export interface CurveLine {
  /** 'projector': another projector's measurement; 'trained': the trained projector's own, after training; 'exact': the model's exponent. */
  readonly kind: 'projector' | 'trained' | 'exact';
  /** The projector measured (absent for 'exact'). */
  readonly projector?: string;
  readonly y: number;
  readonly error?: number;
}

/** What the figures of a study run show, before any rendering. */
export interface StudyFigures {
  /** The trained parameters at the snapshot epochs. */
  readonly filters: {
    readonly title: string;
    readonly projector: string;
    readonly panels: readonly ParameterPanel[];
  };
  /** y_t at N_r = 1 and N_c = `nc` against the training step, with the measured values as lines. */
  readonly trainingCurve: {
    readonly title: string;
    readonly series: string;
    readonly nc: number;
    readonly points: readonly { readonly step: number; readonly y: number; readonly error: number }[];
    readonly lines: readonly CurveLine[];
  };
}

/** The figures' data of a run that trained a projector (undefined for one that did not). */
export function studyFigures(run: StudyRun): StudyFigures | undefined {
  const t = run.training;
  if (!t) return undefined;
  const where = `${run.study.id}, scale ${run.scaleId}`;
  const panels = t.trained.snapshots.map((s) => ({
    epoch: s.epoch,
    shape: s.shape,
    values: s.values,
    min: Math.min(...s.values),
    max: Math.max(...s.values),
  }));
  const points = t.evaluation;
  const nc = points.length ? points[points.length - 1].nc : run.measurement.couplings.even.length;
  const measured = (projector: string) =>
    run.estimates.find((x) => x.projector === projector && x.sector === 'even' && x.nr === 1 && x.nc === nc);
  const lines: CurveLine[] = [];
  for (const projector of run.study.projectors) {
    const e = measured(projector);
    if (!e || !Number.isFinite(e.y)) continue;
    lines.push({
      kind: projector === t.projector ? 'trained' : 'projector',
      projector,
      y: e.y,
      ...(Number.isFinite(e.error) && { error: e.error }),
    });
  }
  const exact = run.measurement.model.exponents?.yt;
  if (exact !== undefined) lines.push({ kind: 'exact', y: exact });
  return {
    filters: {
      title: `The trained ${t.projector} projector's parameters during training (${where})`,
      projector: t.projector,
      panels,
    },
    trainingCurve: {
      title: `y_t at N_r = 1, N_c = ${nc} during training (${where})`,
      series: `${t.projector} on ${run.evaluationSamples} fresh configurations, ±1σ; lines: ${run.measurement.samples} measurements after training`,
      nc,
      points: points.map((p) => ({ step: p.step, y: p.y, error: p.error })),
      lines,
    },
  };
}

/** The summary of the comparison per projector (cells compared, within 2σ, largest |Δ|/σ). */
export function studySummary(run: StudyRun): ComparisonSummary[] {
  return comparisonSummary(run.comparison);
}

/**
 * Whether a run directory holds a finished run of `studyId` (its result.json says so), which a
 * new run of the same study may overwrite; for `RunDirectory.open`'s `reusable`.
 */
export function finishedRunOf(studyId: string): (dir: string, entries: readonly string[]) => boolean {
  return (dir, entries) => {
    if (!entries.includes(STUDY_FILES.result)) return false;
    const file = join(dir, STUDY_FILES.result);
    try {
      const doc = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
      return doc.command === 'reproduce' && (doc.study as { id?: unknown } | undefined)?.id === studyId;
    } catch {
      return false;
    }
  };
}
