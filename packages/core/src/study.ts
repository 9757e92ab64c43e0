import type { EstimateKey } from './estimate.js';
import type { PluginOptions } from './options.js';

/**
 * One scale of a study: how much it samples and trains (e.g. 'paper' at the published sizes,
 * 'quick' in a minute). The physics (model, size, projectors) is the study's; only the
 * statistics change between scales.
 */
export interface StudyScale {
  /** What the scale costs, shown after a run and in result.json, e.g. "under a minute on two cores: …". */
  readonly description: string;
  /** Configurations sampled for training the trainable projector (needed when the study trains one). */
  readonly trainingConfigurations?: number;
  /**
   * Linear size of the training and evaluation configurations (default: the study's size). A
   * translation-invariant projector blocks every level of the measurement anyway, so it can be
   * learned on a smaller lattice, where an update costs less.
   */
  readonly trainingSize?: number;
  /** MCRG measurements (fresh configurations, independent of the training set). */
  readonly measurementSamples: number;
  /** Fresh configurations on which y_t is evaluated during training; 0 or absent: none. */
  readonly evaluationSamples?: number;
  /** Training steps between two y_t evaluations (needed when `evaluationSamples` > 0). */
  readonly evaluateEvery?: number;
  /** Sampler moves per chain before the first kept configuration. */
  readonly thermalize: number;
  /** MCRG measurements on the study's `confirmation` lattice (required when it has one). */
  readonly confirmationSamples?: number;
  /** Sampler moves per chain before the first confirmation measurement (default: `thermalize`). */
  readonly confirmationThermalize?: number;
  /**
   * Options of the study's trainer for this scale, over `study.training.options` (e.g. fewer
   * epochs), for a study with one training; several trainings take theirs from `StudyTraining.scales`.
   */
  readonly training?: PluginOptions;
}

/** One published number: y for a projector, sector, N_r and N_c, with its error. */
export interface ReferenceEstimate extends EstimateKey {
  /** The published eigenvalue exponent (y_t or y_h). */
  readonly y: number;
  /** Its published error (one standard deviation). */
  readonly error: number;
}

/** How a study trains a trainable projector: a registered `ProjectorTrainer` and its options. */
export interface StudyTraining {
  /** Id of a registered trainer (`registry.trainers`); it names the projector it trains. */
  readonly trainer: string;
  /**
   * The name the trained projector is measured and reported under, an entry of
   * `Study.projectors` (default: the trainer's projector id). Needed when one projector is
   * trained twice, e.g. the stochastic majority rule tuned for y_t and for y_h.
   */
  readonly label?: string;
  /** The trainer's options (read by the trainer, e.g. with `readOptions`); a scale's overrides them. */
  readonly options?: PluginOptions;
  /** Options by scale id, over `options` (a study with several trainings says them here, not in `StudyScale.training`). */
  readonly scales?: Readonly<Record<string, PluginOptions>>;
  /**
   * Ensembles of other lattice sizes the trainer reads from files, by option name: e.g.
   * `{ other: 16 }` gives trainer `rg-convergence` the 16² lattice of its size term. The runner
   * samples each size once (the training data's model, coupling, sampler, interval and count,
   * seed derive(S, 100 + size)), writes it as `training-data-<size>.rsrg` and passes its path.
   */
  readonly ensembles?: Readonly<Record<string, number>>;
}

/** A study's trainings as a list: none, its one `training`, or its several. */
export function studyTrainings(study: Study): readonly StudyTraining[] {
  const t = study.training;
  if (t === undefined) return [];
  return isTrainingList(t) ? t : [t];
}

/**
 * The options a training is run with at a scale: its `options`, then its `scales[scaleId]`,
 * then, for a study with one training, the scale's `training`.
 */
export function studyTrainingOptions(study: Study, training: StudyTraining, scaleId: string): PluginOptions {
  const scale = Object.hasOwn(study.scales, scaleId) ? study.scales[scaleId] : undefined;
  const own =
    training.scales && Object.hasOwn(training.scales, scaleId) ? training.scales[scaleId] : undefined;
  return { ...training.options, ...own, ...scale?.training };
}

function isTrainingList(t: StudyTraining | readonly StudyTraining[]): t is readonly StudyTraining[] {
  return Array.isArray(t);
}

/**
 * A reproducible study: a published comparison expressed as data (model, sizes, which
 * projectors, how a trainable one is trained, the published numbers). `rsrg reproduce <id>`
 * runs any registered study; the numbers to compare against travel with the declaration, so no
 * runner needs model-, projector- or paper-specific code.
 */
export interface Study {
  /** Registry id, e.g. 'chung-kao-2019'. */
  readonly id: string;
  /** One line on what the study measures, for `rsrg list`. */
  readonly description: string;
  /** The publication the reference numbers come from. */
  readonly citation: string;
  /** Id of the model simulated, e.g. 'ising2d'. */
  readonly model: string;
  /**
   * The model's options, e.g. `{ q: 4 }` for potts2d (absent: the model's defaults). Every
   * stage samples, trains on and measures the model at these options.
   */
  readonly modelOptions?: PluginOptions;
  /** Linear size L of the measured lattice. */
  readonly size: number;
  /** Default: the model's critical coupling. */
  readonly coupling?: number;
  /** Id of the sampler (default: the model's default sampler). */
  readonly sampler?: string;
  /** Sampler moves between measured configurations (default: the model's). */
  readonly interval?: number;
  /**
   * A larger lattice every projector is measured on again after the main measurement, on fresh
   * configurations (e.g. 64³ beside 32³): what the main lattice shows, confirmed on held-out data
   * where the corrections to scaling are smaller. Its number of measurements is the scale's.
   */
  readonly confirmation?: {
    /** Linear size of the confirmation lattice. */
    readonly size: number;
    /** Sampler moves between its measured configurations (default: the study's `interval`). */
    readonly interval?: number;
  };
  /**
   * Projectors compared on the same configurations: registry ids, and the labels of the
   * trained ones (a trained projector appears under its training's label, by default its id).
   */
  readonly projectors: readonly string[];
  /** The scales it can run at, by id (e.g. 'paper', 'quick'). */
  readonly scales: Readonly<Record<string, StudyScale>>;
  /** The scale run when none is asked for: a key of `scales`. */
  readonly defaultScale: string;
  /** Published estimates, labelled by projector id. */
  readonly reference: readonly ReferenceEstimate[];
  /**
   * The projector the study trains before it measures, or several (each on the same training
   * configurations, in order); absent: the projectors are measured as they are. The first
   * training's record is the one the report's figures show.
   */
  readonly training?: StudyTraining | readonly StudyTraining[];
}
