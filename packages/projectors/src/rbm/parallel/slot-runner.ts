import { Rng } from '@rsrg/core';
import type { ContrastiveDivergence } from '../contrastive-divergence.js';
import { Control, type SharedStep } from './shared-step.js';

/**
 * Runs minibatch slots on one thread (a slot worker's or the trainer's): claims slots of the
 * current minibatch from the shared counter until none is left, and runs each one exactly as
 * `trainRbm` runs that slot, with the slot's RNG state and, for PCD, its persistent chain, both
 * taken from shared memory and written back. The slot's gradient buckets and `differ` go to
 * shared memory for the trainer to sum in slot order.
 */
export class SlotRunner {
  private readonly chains: Int8Array[] | undefined;
  /** Takes each claimed slot's state in turn. */
  private readonly rng = new Rng([1, 0, 0, 0]);
  private readonly local: Float64Array;
  private readonly W: Float64Array;

  constructor(
    private readonly cd: ContrastiveDivergence,
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

  /** Runs slots of the current minibatch while there are unclaimed ones. */
  runClaimed(): void {
    const { control, offsets, differ, buckets, rngStates, weights } = this.step;
    const { cd, configs, chains, rng, local } = this;
    const B = local.length;
    const batch = control[Control.batch];
    let s = Atomics.add(control, Control.next, 1);
    if (s >= batch) return;
    this.W.set(weights);
    cd.setWeights(this.W);
    for (; s < batch; s = Atomics.add(control, Control.next, 1)) {
      rng.s.set(rngStates.subarray(4 * s, 4 * s + 4));
      // Accumulated in local memory, then copied: the same values as trainRbm's per-slot buffer.
      local.fill(0);
      differ[s] = cd.accumulate(configs, offsets[s], chains?.[s], rng, local);
      rngStates.set(rng.s, 4 * s);
      buckets.set(local, s * B);
    }
  }
}
