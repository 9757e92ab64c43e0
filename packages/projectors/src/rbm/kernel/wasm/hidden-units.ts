import type { Rng } from '@rsrg/core';
import type { RbmLayout } from '../../layout.js';
import type { HiddenUnits } from '../types.js';
import { RbmMemory } from './memory.js';

/** `HiddenUnits` in WebAssembly (the `wasm` RBM kernel); h and e are views of its memory. */
export class WasmHiddenUnits implements HiddenUnits {
  readonly h: Float64Array;
  readonly e: Float64Array;
  private readonly memory: RbmMemory;

  constructor(
    /** The lattice and filter geometry of the hidden units. */
    readonly layout: RbmLayout,
    W: Float64Array,
  ) {
    this.memory = new RbmMemory(layout, false);
    this.memory.setWeights(W);
    this.h = this.memory.h;
    this.e = this.memory.e;
  }

  fields(sigma: Int8Array): void {
    this.memory.data.set(sigma);
    this.memory.exports.fields();
  }

  project(sigma: Int8Array, mu: Int8Array, rng: Rng): void {
    const m = this.memory;
    m.data.set(sigma);
    m.rng.set(rng.s);
    m.exports.project();
    mu.set(m.mu);
    rng.s.set(m.rng);
  }
}
