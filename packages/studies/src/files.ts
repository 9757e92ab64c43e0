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

/** Every name `STUDY_FILES` lists. */
export const STUDY_FILE_NAMES: readonly string[] = Object.values(STUDY_FILES).flatMap((f) =>
  typeof f === 'string' ? [f] : [f.svg, f.png],
);
