import { Rng } from '@rsrg/core';
import type { GradientEstimator } from '../kernel/types.js';
import { Control, type SharedStep } from './shared-step.js';

/**
 * Runs minibatch slots on one thread (a slot worker's or the trainer's), each exactly as
 * `trainRbm` runs that slot: with the slot's RNG state and, for PCD, its persistent chain, both
 * taken from shared memory and written back. The slot's gradient buckets and `differ` go to
 * shared memory, and the slot is stamped done, for the trainer to sum in slot order.
 */
export class SlotRunner {
  private readonly chains: Int8Array[] | undefined;
  /** Takes each slot's state in turn. */
  private readonly rng = new Rng([1, 0, 0, 0]);
  private readonly local: Float64Array;
  private readonly W: Float64Array;

  constructor(
    private readonly cd: GradientEstimator,
    private readonly step: SharedStep,
    /** The training configurations. */
    private readonly configs: Int8Array,
  ) {
    const { bucketSize, volume, persistent, slots, size } = step.shape;
    if (bucketSize !== cd.bucketSize || volume !== cd.layout.visible) {
      throw new RangeError(
        `the trainer's layout (${bucketSize} buckets, ${volume} sites) does not match this one (${cd.bucketSize}, ${cd.layout.visible})`,
      );
    }
    this.chains = persistent
      ? Array.from({ length: slots }, (_, s) => step.chains.subarray(s * volume, (s + 1) * volume))
      : undefined;
    this.local = new Float64Array(bucketSize);
    this.W = new Float64Array(size);
  }

  /** The next unclaimed slot of the current minibatch; ≥ its batch size when none is left. */
  claim(): number {
    return Atomics.add(this.step.control, Control.next, 1);
  }

  /** Takes the current minibatch's filter: call before the first `run` of each minibatch. */
  load(): void {
    this.W.set(this.step.weights);
    this.cd.setWeights(this.W);
  }

  /** Runs slot s of minibatch `generation` and stamps it done. */
  run(s: number, generation: number): void {
    const { offsets, differ, buckets, rngStates, slotDone } = this.step;
    const { rng, local } = this;
    rng.s.set(rngStates.subarray(4 * s, 4 * s + 4));
    // Accumulated in local memory, then copied: the same values as trainRbm's per-slot buffer.
    local.fill(0);
    differ[s] = this.cd.accumulate(this.configs, offsets[s], this.chains?.[s], rng, local);
    rngStates.set(rng.s, 4 * s);
    buckets.set(local, s * local.length);
    Atomics.store(slotDone, s, generation);
  }
}
