import type { EstimateKey } from './estimate.js';

/**
 * A reproducible study: a published comparison expressed as data (model, sizes, which
 * projectors, how the learned one is trained, the published numbers). `rsrg reproduce <id>`
 * runs any registered study; the numbers to compare against travel with the declaration, so no
 * runner needs model- or paper-specific code.
 */
export interface StudyScale {
  readonly description: string;
  /** Configurations sampled for training the learned projector. */
  readonly trainingConfigurations: number;
  /**
   * Linear size of the training and evaluation configurations (default: the study's size). The
   * filter is translation invariant and blocks every level of the measurement anyway, so it can
   * be learned on a smaller lattice, where an update costs less.
   */
  readonly trainingSize?: number;
  /** MCRG measurements (fresh configurations, independent of the training set). */
  readonly measurementSamples: number;
  /** Fresh configurations on which y_t is evaluated during training (Figure 2); 0 = skip. */
  readonly evaluationSamples: number;
  /** Training steps (minibatch updates) between two y_t evaluations. */
  readonly evaluateEvery: number;
  /** Sampler moves per chain before the first kept configuration. */
  readonly thermalize: number;
  /** Overrides of the training preset (e.g. fewer epochs for a quick run). */
  readonly training?: Readonly<Record<string, number | string | boolean>>;
}

/** One published number: y for a projector, sector, N_r and N_c, with its error. */
export interface ReferenceEstimate extends EstimateKey {
  readonly y: number;
  readonly error: number;
}

export interface Study {
  readonly id: string;
  readonly description: string;
  readonly citation: string;
  readonly model: string;
  readonly size: number;
  /** Default: the model's critical coupling. */
  readonly coupling?: number;
  readonly sampler?: string;
  readonly interval?: number;
  /** The learned projector and its training preset. */
  readonly training: { readonly projector: string; readonly preset: string };
  /** Projectors compared on the same configurations; the learned one appears under its id. */
  readonly projectors: readonly string[];
  readonly scales: Readonly<Record<string, StudyScale>>;
  readonly defaultScale: string;
  /** Published estimates, labelled by projector id. */
  readonly reference: readonly ReferenceEstimate[];
  /** Epochs whose filters the report shows (Figure 1 of Chung & Kao: 1, 3, 5, last). */
  readonly filterEpochs?: readonly number[];
}
