import type { PlainError } from '@rsrg/core';
import type { RbmKernelId } from '../kernel/types.js';

/**
 * The shared memory through which the trainer's thread and its slot workers run one minibatch
 * after another. The trainer writes the filter and each slot's data offset, bumps the
 * generation and wakes the workers; all of them, the trainer's thread included, claim slots one
 * at a time from a shared counter, compute each claimed slot's gradient buckets into its row
 * of `buckets` and stamp the slot done, so that the trainer can add it to the sum (in slot
 * order) while later slots still run; when none is left, each worker stamps the generation as
 * finished. A slot's RNG state and PCD chain live here too, so any thread can run any slot and
 * the result does not depend on which one did. Atomics order the plain
 * reads and writes of the arrays around them, so no message is sent per minibatch. Every wait
 * re-checks the value it waits on, so an early or missed wakeup costs time, never correctness.
 */

/** Indices into `control`. */
export const Control = {
  /** Minibatch generation: bumped by the trainer to start a minibatch (or to stop). */
  generation: 0,
  /** What the new generation asks: `Command.step` or `Command.stop`. */
  command: 1,
  /** Slots used by this minibatch (the last one of an epoch may be short). */
  batch: 2,
  /** Bumped by a worker after each slot and when it finishes a generation; the trainer waits on it. */
  progress: 3,
  /** 1 + index of a worker that failed; 0 while none has. */
  failed: 4,
  /** The next unclaimed slot of this minibatch. */
  next: 5,
} as const;

export const Command = { step: 1, stop: 2 } as const;

const CONTROL_WORDS = 8;

/** The sizes that fix the layout of a `SharedStep`. */
export interface SharedStepShape {
  /** Minibatch slots (the batch size, or fewer configurations). */
  readonly slots: number;
  /** Filter weights (w^d). */
  readonly size: number;
  /** Gradient buckets per slot (`ContrastiveDivergence.bucketSize`). */
  readonly bucketSize: number;
  /** Slot worker threads (beside the trainer's). */
  readonly workers: number;
  /** Sites of a configuration; with PCD, each slot keeps a chain of this many spins. */
  readonly volume: number;
  readonly persistent: boolean;
}

/** Typed views on one SharedArrayBuffer; built once by the trainer and again, on the same buffer, by each worker. */
export class SharedStep {
  readonly buffer: SharedArrayBuffer;
  readonly control: Int32Array;
  /** Slot s → offset of its data point in the configurations. */
  readonly offsets: Int32Array;
  /** Slot s → sites where its negative sample differs from its data point. */
  readonly differ: Int32Array;
  /** Worker i → the last generation it finished. */
  readonly finished: Int32Array;
  /** Slot s → the last generation whose slot s is done (buckets, differ, RNG state, chain). */
  readonly slotDone: Int32Array;
  /** The filter W the minibatch runs with. */
  readonly weights: Float64Array;
  /** Slot s's gradient buckets at [s·bucketSize, (s + 1)·bucketSize). */
  readonly buckets: Float64Array;
  /** Slot s's xoshiro128** state (stream 1 + s) at [4s, 4s + 4). */
  readonly rngStates: Uint32Array;
  /** With PCD, slot s's persistent chain at [s·volume, (s + 1)·volume); else empty. */
  readonly chains: Int8Array;

  constructor(
    readonly shape: SharedStepShape,
    buffer?: SharedArrayBuffer,
  ) {
    const { slots, size, bucketSize } = shape;
    const ints = CONTROL_WORDS + 7 * slots + shape.workers;
    // Float64 views need an 8-byte aligned start.
    const floatsAt = Math.ceil((4 * ints) / 8) * 8;
    const chainsAt = floatsAt + 8 * (size + slots * bucketSize);
    const bytes = chainsAt + (shape.persistent ? slots * shape.volume : 0);
    if (buffer && buffer.byteLength !== bytes) {
      throw new RangeError(`shared step buffer has ${buffer.byteLength} bytes, its shape needs ${bytes}`);
    }
    this.buffer = buffer ?? new SharedArrayBuffer(bytes);
    this.control = new Int32Array(this.buffer, 0, CONTROL_WORDS);
    this.offsets = new Int32Array(this.buffer, 4 * CONTROL_WORDS, slots);
    this.differ = new Int32Array(this.buffer, 4 * (CONTROL_WORDS + slots), slots);
    this.rngStates = new Uint32Array(this.buffer, 4 * (CONTROL_WORDS + 2 * slots), 4 * slots);
    this.slotDone = new Int32Array(this.buffer, 4 * (CONTROL_WORDS + 6 * slots), slots);
    this.finished = new Int32Array(this.buffer, 4 * (CONTROL_WORDS + 7 * slots), shape.workers);
    this.weights = new Float64Array(this.buffer, floatsAt, size);
    this.buckets = new Float64Array(this.buffer, floatsAt + 8 * size, slots * bucketSize);
    this.chains = new Int8Array(this.buffer, chainsAt, bytes - chainsAt);
  }
}

/** What a slot worker is started with (`workerData`). */
export interface SlotWorkerSetup {
  /** This worker's index (its `finished` entry; error reports). */
  readonly index: number;
  readonly sizes: readonly number[];
  readonly width: number;
  readonly blockSize: number;
  readonly cdSteps: number;
  /** The RBM kernel that runs the slots (the trainer's). */
  readonly kernel: RbmKernelId;
  /** The training configurations (n × volume Int8 entries of ±1). */
  readonly configs: SharedArrayBuffer;
  readonly shape: SharedStepShape;
  readonly step: SharedArrayBuffer;
}

/** Messages from a slot worker; the minibatches themselves go through the `SharedStep`. */
export type SlotWorkerMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'error'; readonly error: PlainError };
