import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ProjectorParameters, RNG_ALGORITHM, type TrainingEpoch } from '@rsrg/core';
import { type ComparisonSummary, comparisonSummary } from './comparison.js';
import { STUDY_FILES } from './files.js';
import type { StudyConfirmation, StudyRun } from './run-study.js';
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
export function studyFiles(run: StudyRun): Record<
  string,
  | string
  | {
      /** The figure as SVG. */
      svg: string;
      /** The figure as PNG. */
      png: string;
    }
> {
  const several = run.trainings.length > 1;
  return {
    ...(run.trainings.length === 1 && { projector: STUDY_FILES.projector }),
    ...(several && Object.fromEntries(run.trainings.map((t) => [`projector ${t.label}`, t.fileName]))),
    comparison: STUDY_FILES.comparison,
    ...(run.trainings.length > 0 && {
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
  const [t] = run.trainings;
  return {
    /** `SCHEMA_VERSION`: the version of this document's shape. */
    schemaVersion: SCHEMA_VERSION,
    /** Always 'reproduce': the command that writes the document. */
    command: 'reproduce',
    /** Which study ran. */
    study: {
      /** The study's id. */
      id: study.id,
      /** What it measures. */
      description: study.description,
      /** The publication of the reference numbers. */
      citation: study.citation,
    },
    /** The scale it ran at: its id and its numbers. */
    scale: {
      /** The scale's id, e.g. 'quick'. */
      id: run.scaleId,
      ...scale,
    },
    /** The run directory. */
    outDir: context.outDir,
    /** The files of the run, relative to `outDir` (see `studyFiles`). */
    files: studyFiles(run),
    /** The parameters of the run, enough to repeat it. */
    parameters: {
      /** Model id. */
      model: m.config.model,
      ...(m.config.modelOptions !== undefined && {
        /** The model's options, e.g. `{ q: 4 }` (absent: a model without options). */
        modelOptions: m.config.modelOptions,
      }),
      /** Linear size L of the measured lattice. */
      size: m.config.size,
      /** The coupling K simulated. */
      coupling: m.config.coupling,
      /** Sampler id. */
      sampler: m.config.sampler,
      /** Sampler moves between measurements. */
      interval: m.config.interval,
      /** Sampler moves per chain before the first measurement. */
      thermalize: m.config.thermalize,
      ...(run.trainingData && {
        /** Configurations the projector was trained on. */
        trainingConfigurations: run.trainingData.count,
        /** Linear size of the training (and evaluation) lattice. */
        trainingSize: run.trainingData.header.size,
      }),
      /** Fresh configurations y_t was evaluated on during training (0: none). */
      evaluationSamples: run.evaluationSamples,
      ...(t && {
        /** Training steps between two y_t evaluations. */
        evaluateEvery: t.evaluateEvery,
      }),
      /** MCRG measurements. */
      measurementSamples: m.samples,
      /** The projectors compared, by id. */
      projectors: study.projectors,
      ...(t && {
        /** The training: trainer, projector, seed and the resolved options. */
        training: {
          /** The trainer's id. */
          trainer: t.trainer,
          /** The projector it trained. */
          projector: t.projector,
          /** The trainer's seed. */
          seed: run.seeds.training,
          ...t.trained.plan.options,
        },
      }),
      /** The measurement's configuration with every default filled in. */
      measurement: m.config,
    },
    /** The seeds of the run (see `runSeeds`). */
    seeds: run.seeds,
    /** The model simulated, with its known exponents. */
    model: m.model,
    /** The scale factor b: y = ln λ / ln b. */
    blockSize: m.blockSize,
    /** Lattice of every level, e.g. ['32×32', '16×16']. */
    lattices: m.lattices,
    /** The names of the even and odd couplings, in N_c order. */
    couplings: m.couplings,
    /** Every estimate of every projector. */
    estimates: run.estimates,
    /** The study's published estimates. */
    reference: study.reference,
    /** The estimates beside the reference (see `compareWithReference`). */
    comparison: run.comparison,
    ...(t && {
      /** The training record. */
      training: {
        /** Parameter updates in all. */
        steps: t.trained.plan.steps,
        /** Updates per epoch. */
        stepsPerEpoch: t.trained.plan.stepsPerEpoch,
        /** The per-epoch diagnostics (see `historyJson`). */
        history: historyJson(t.trained.history),
        /** y_t at N_r = 1 during training, one point per evaluation. */
        evaluation: t.evaluation,
        /** The parameters at the snapshot epochs. */
        snapshots: t.trained.snapshots.map((s) => ({
          /** The snapshot's epoch. */
          epoch: s.epoch,
          /** Its parameters, row-major. */
          weights: [...s.values],
        })),
        /** The final parameters (see `parametersJson`). */
        filter: parametersJson(t.trained.parameters),
      },
    }),
    ...(run.trainings.length > 1 && {
      /** Every training of a study with several, in its order (`training` is the first's full record). */
      trainings: run.trainings.map((x) => ({
        /** The name its projector is measured under. */
        label: x.label,
        /** The trainer's id. */
        trainer: x.trainer,
        /** The projector it trained. */
        projector: x.projector,
        /** The projector file, relative to `outDir`. */
        file: x.fileName,
        /** The resolved options. */
        options: x.trained.plan.options,
        /** Parameter updates (or objective evaluations) in all. */
        steps: x.trained.plan.steps,
        /** The per-epoch diagnostics (see `historyJson`). */
        history: historyJson(x.trained.history),
        /** The final parameters (see `parametersJson`). */
        parameters: parametersJson(x.trained.parameters),
        /** The trainer's words about the run. */
        description: Object.fromEntries(x.description),
      })),
    }),
    ...(run.confirmation && {
      /** Every projector measured again on the study's larger lattice, on fresh configurations. */
      confirmation: confirmationJson(run.confirmation),
    }),
    /** Measurements over all chains. */
    samples: m.samples,
    /** Jackknife bins behind every error. */
    bins: m.bins,
    /** Integrated autocorrelation time τ_int of the measurement, in measurements. */
    tauInt: m.tauInt,
    /** Sampler moves between two measurements. */
    movesPerMeasurement: m.movesPerMeasurement,
    /** Mean spins updated per sampler move during measurement. */
    spinsUpdatedPerMove: m.spinsUpdatedPerMove,
    /** Wall seconds of each phase. */
    wallSeconds: run.seconds,
    /** The random-number generator and its seeding (`RNG_ALGORITHM`). */
    rng: RNG_ALGORITHM,
    /** Versions of the packages behind the run. */
    versions: {
      ...m.versions,
      /** The version of this package. */
      '@rsrg/studies': STUDIES_VERSION,
      ...context.versions,
    },
  };
}

/** The confirmation measurement as JSON: lattice, seed, statistics and every estimate. */
function confirmationJson(c: StudyConfirmation) {
  const m = c.measurement;
  return {
    /** Linear size of the confirmation lattice. */
    size: m.config.size,
    /** Its seed, derive(S, 4). */
    seed: c.seed,
    /** Lattice of every level. */
    lattices: m.lattices,
    /** Measurements over all chains. */
    samples: m.samples,
    /** Jackknife bins. */
    bins: m.bins,
    /** τ_int of the measurement, in measurements. */
    tauInt: m.tauInt,
    /** The measurement's configuration with every default filled in. */
    measurement: m.config,
    /** Every estimate of every projector. */
    estimates: c.estimates,
    /** Its wall seconds. */
    wallSeconds: c.seconds,
  };
}

/** The trained parameters at one snapshot, as a panel of the filters figure. */
export interface ParameterPanel {
  /** The snapshot's epoch. */
  readonly epoch: number;
  /** The parameters' shape, e.g. [w, w]. */
  readonly shape: readonly number[];
  /** The parameters, row-major in `shape`. */
  readonly values: readonly number[];
  /** The range of the values, shown on the panel (each panel has its own colour scale). */
  readonly min: number;
  /** The largest value. */
  readonly max: number;
}

/** A horizontal line of the training curve. */
export interface CurveLine {
  /** 'projector': another projector's measurement; 'trained': the trained projector's own, after training; 'exact': the model's exponent. */
  readonly kind: 'projector' | 'trained' | 'exact';
  /** The projector measured (absent for 'exact'). */
  readonly projector?: string;
  /** The value of y_t the line is drawn at. */
  readonly y: number;
  /** Its error, drawn as a band (absent: none, as for the exact value). */
  readonly error?: number;
}

/** What the figures of a study run show, before any rendering. */
export interface StudyFigures {
  /** The trained parameters at the snapshot epochs. */
  readonly filters: {
    /** The figure's title. */
    readonly title: string;
    /** Id of the projector trained. */
    readonly projector: string;
    /** One panel per snapshot, in epoch order. */
    readonly panels: readonly ParameterPanel[];
  };
  /** y_t at N_r = 1 and N_c = `nc` against the training step, with the measured values as lines. */
  readonly trainingCurve: {
    /** The figure's title. */
    readonly title: string;
    /** The legend of the points. */
    readonly series: string;
    /** The truncation N_c shown. */
    readonly nc: number;
    /** One point per evaluation. */
    readonly points: readonly {
      /** Training step of the evaluated snapshot. */
      readonly step: number;
      /** y_t there. */
      readonly y: number;
      /** Its jackknife error. */
      readonly error: number;
    }[];
    /** The measured values after training, and the exact one when the model knows it. */
    readonly lines: readonly CurveLine[];
  };
}

/** The figures' data of a run that trained a projector (undefined for one that did not). */
export function studyFigures(run: StudyRun): StudyFigures | undefined {
  const [t] = run.trainings;
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
    run.estimates.find((x) => x.projector === projector && x.exponent === 'y_t' && x.nr === 1 && x.nc === nc);
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
