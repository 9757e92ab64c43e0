import type { RsrgError } from '@rsrg/core';
import type { RbmFilter } from '../filter.js';
import type { TrainOptions } from '../options.js';
import type { EpochInfo, TrainResult } from '../training.js';

/** What the training thread of trainer `rbm` is started with (structured-cloned). */
export interface RbmTrainingTask {
  readonly sizes: readonly number[];
  /** `count` configurations, one after the other. */
  readonly configs: Int8Array;
  readonly description: string;
  readonly options: TrainOptions;
  /** Threads that run the CD chains of a minibatch, the training thread included. */
  readonly workers: number;
  /** A snapshot every `every` steps and after the last one (`total`); absent: none. */
  readonly snapshots?: { readonly every: number; readonly total: number };
  /** Checkpoints: the request word (`CheckpointRequests.buffer`), and the state to resume from. */
  readonly checkpoints?: {
    readonly requests: SharedArrayBuffer;
    /** An `rbmTrainingStateCodec` file. */
    readonly resumeFrom?: Uint8Array;
  };
}

/** Messages from the training thread. */
export type RbmTrainingMessage =
  | { readonly kind: 'epoch'; readonly info: EpochInfo }
  | { readonly kind: 'snapshot'; readonly step: number; readonly filter: RbmFilter }
  | { readonly kind: 'checkpoint'; readonly step: number; readonly state: Uint8Array }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'done'; readonly result: TrainResult }
  | { readonly kind: 'error'; readonly error: ReturnType<typeof RsrgError.toPlain> };
