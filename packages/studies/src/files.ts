import { type Study, studyTrainings } from '@rsrg/core';

/**
 * The files of a study run, by what they hold (names relative to the run directory). Runs
 * written before these names (the committed docs/results/*) used table1.md for `comparison`,
 * figure1.{svg,png} for `filters` and figure2.{svg,png} for `trainingCurve`.
 */
export const STUDY_FILES = {
  /** The trained projector (the trainer's file, read by its projector as `weights`). */
  projector: 'projector.rsrg',
  /** This run's estimates beside the published ones. */
  comparison: 'comparison.md',
  /** The trained parameters at the snapshot epochs. */
  filters: {
    /** The figure as SVG. */
    svg: 'filters.svg',
    /** The figure as PNG. */
    png: 'filters.png',
  },
  /** y_t at N_r = 1 against the training step. */
  trainingCurve: {
    /** The figure as SVG. */
    svg: 'training-curve.svg',
    /** The figure as PNG. */
    png: 'training-curve.png',
  },
  /** Parameters, seeds, wall times, the comparison, the figures and the training record. */
  report: 'report.md',
  /** The `reproduce --json` document. */
  result: 'result.json',
  /** The training configurations (`--keep-data`). */
  trainingData: 'training-data.rsrg',
} as const;

/** The stage files of a resumable study run, beside `STUDY_FILES`. */
export const STUDY_STAGE_FILES = {
  /** The configurations y_t is followed on during training. */
  evaluationData: 'evaluation-data.rsrg',
  /** The finished training: the trainer's result and the y_t evaluations (`storedTrainingCodec`). */
  training: 'training.rsrg',
  /** The training's checkpoints (`training.<n>.ckpt`). */
  checkpoints: 'checkpoints',
} as const;

/**
 * The files of one training: a study with one training keeps the plain names
 * (`STUDY_FILES.projector`, `STUDY_STAGE_FILES.training`, checkpoints `training.<n>.ckpt`);
 * with several, each name carries the training's label.
 */
export function trainingFileNames(
  label: string,
  several: boolean,
): {
  /** The trained projector file. */
  readonly projector: string;
  /** The finished training's stage file of a resumable run. */
  readonly stage: string;
  /** The prefix of its checkpoint files in `checkpoints/`. */
  readonly checkpointPrefix: string;
} {
  if (!several)
    return {
      projector: STUDY_FILES.projector,
      stage: STUDY_STAGE_FILES.training,
      checkpointPrefix: 'training',
    };
  return {
    projector: `projector-${label}.rsrg`,
    stage: `training-${label}.rsrg`,
    checkpointPrefix: `training-${label}`,
  };
}

/** Every name `STUDY_FILES` lists. */
export const STUDY_FILE_NAMES: readonly string[] = Object.values(STUDY_FILES).flatMap((f) =>
  typeof f === 'string' ? [f] : [f.svg, f.png],
);

/** The training ensemble of another lattice size that a training reads (`StudyTraining.ensembles`). */
export function trainingEnsembleFileName(size: number): string {
  return `training-data-${size}.rsrg`;
}

/**
 * The names a run of `study` may write beside `STUDY_FILE_NAMES`: with several trainings, each
 * training's projector file (its label from `Study.projectors`; one not trained has none), and
 * the training ensembles of other sizes its trainings read.
 */
export function studyFileNames(study: Study): readonly string[] {
  const trainings = studyTrainings(study);
  const ensembles = trainings.flatMap((t) => Object.values(t.ensembles ?? {}).map(trainingEnsembleFileName));
  if (trainings.length < 2) return [...STUDY_FILE_NAMES, ...ensembles];
  const labelled = study.projectors.map((label) => trainingFileNames(label, true).projector);
  return [...STUDY_FILE_NAMES, ...labelled, ...ensembles];
}
