import type { Rng } from '@rsrg/core';
import type { RbmLayout } from '../../layout.js';
import { checkCdSteps, resolveBuckets } from '../shared.js';
import type { GradientEstimator } from '../types.js';
import { RbmMemory } from './memory.js';

/**
 * `ContrastiveDivergence` in WebAssembly (the `wasm` RBM kernel): the same chain, buckets and
 * RNG state. Each `accumulate` copies the data point, the chain, the RNG state and the
 * buckets in and back out (a few kB: the kernel itself is ~10⁵ table lookups), so the caller's
 * arrays stay the only state.
 */
export class WasmContrastiveDivergence implements GradientEstimator {
  readonly bucketSize: number;
  private readonly memory: RbmMemory;

  constructor(
    readonly layout: RbmLayout,
    readonly cdSteps: number,
  ) {
    checkCdSteps(cdSteps);
    this.memory = new RbmMemory(layout, true);
    this.bucketSize = this.memory.buckets.length;
  }

  setWeights(W: Float64Array): void {
    this.memory.setWeights(W);
  }

  accumulate(
    configs: Int8Array,
    offset: number,
    chain: Int8Array | undefined,
    rng: Rng,
    buckets: Float64Array,
  ): number {
    const m = this.memory;
    m.data.set(configs.subarray(offset, offset + m.data.length));
    if (chain) m.chain.set(chain);
    m.rng.set(rng.s);
    m.buckets.set(buckets);
    const differ = m.exports.accumulate(this.cdSteps, chain ? 1 : 0);
    buckets.set(m.buckets);
    rng.s.set(m.rng);
    if (chain) chain.set(m.sigma);
    return differ;
  }

  resolve(buckets: Float64Array, grad: Float64Array): void {
    resolveBuckets(buckets, this.layout.hiddenWeightIndex, grad);
  }
}
