/**
 * What the main thread and the objective's worker threads (`ObjectiveThreads`,
 * dist/objective-worker.js) say to each other: plain data only.
 */
import type { PlainError } from '@rsrg/core';
import type { Accumulator } from '@rsrg/mcrg';
import type { ObjectiveSector, RgObjectiveOptions } from './objective.js';
import type { BlockRuleData } from './rule-data.js';

/** Stored configurations as they cross to a worker: the lattice by its sizes, the spins shared (SharedArrayBuffer). */
export interface SharedConfigurations {
  /** The lattice's sizes. */
  readonly sizes: readonly number[];
  /** `count` configurations back to back, in a SharedArrayBuffer: read by every worker, copied by none. */
  readonly configurations: Int8Array;
  /** Number of configurations. */
  readonly count: number;
}

/** What a worker is started with: the objective's configurations and options, and the bins it owns. */
export interface ObjectiveWorkerSetup {
  /** The main lattice's configurations. */
  readonly main: SharedConfigurations;
  /** The second lattice's, when there is one. */
  readonly other?: SharedConfigurations;
  /** The objective's options (couplings are plain data). */
  readonly options: RgObjectiveOptions;
  /** The first bin the worker sums. */
  readonly first: number;
  /** One past its last bin. */
  readonly end: number;
}

/** One evaluation: the block rule, and the sector whose exponent gradients are wanted too (a linear-field rule). */
export interface ObjectiveRequest {
  /** Tells the replies of one evaluation from those of another. */
  readonly id: number;
  /** The rule, as plain data. */
  readonly rule: BlockRuleData;
  /** Also the exponent gradients' sums of this sector (`ExponentGradients.sumBins`). */
  readonly gradient?: ObjectiveSector;
}

/** A worker's answer: the sums of its bins on both lattices, or its failure. */
export type ObjectiveReply =
  | {
      /** The sums of the worker's bins. */
      readonly kind: 'sums';
      /** The request's id. */
      readonly id: number;
      /** `Reblocking.accumulateBins` of the worker's bins, main lattice. */
      readonly main: Accumulator;
      /** The same on the second lattice. */
      readonly other?: Accumulator;
      /** `ExponentGradients.sumBins` of the worker's bins, per N_r, when asked for. */
      readonly gradients?: {
        /** Main lattice. */
        readonly main: Float64Array[];
        /** Second lattice. */
        readonly other?: Float64Array[];
      };
    }
  | {
      /** The worker failed. */
      readonly kind: 'error';
      /** The request's id. */
      readonly id: number;
      /** The failure, as plain data (`RsrgError.toPlain`). */
      readonly error: PlainError;
    };
