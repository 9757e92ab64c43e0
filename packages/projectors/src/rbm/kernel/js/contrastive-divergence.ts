import type { Rng } from '@rsrg/core';
import { WindowTable, windowFactors, windowFields, windowPatterns } from '../../../window/index.js';
import type { RbmLayout } from '../../layout.js';
import { addToBuckets, checkCdSteps, resolveBuckets } from '../shared.js';
import type { GradientEstimator } from '../types.js';
import { sampleSpins, tanhFields } from './kernels.js';

/**
 * Scratch space and the CD-k update for one lattice and filter geometry. The log-likelihood
 * of the RBM marginal Y(σ)/ΣY has gradient ∂/∂W_k = ⟨G_k⟩_data − ⟨G_k⟩_model with
 * G_k(σ) = Σ_J σ_{bX_J+k} tanh h_J; the model term is taken at the end of a Gibbs chain
 * σ → μ → σ → … (k visible updates, P(μ_J = +1|σ) = sigmoid(2h_J), P(σ_i = +1|μ) =
 * sigmoid(2 Σ_{J,k: bX_J+k=i} W_k μ_J)) started at the data point (CD-k) or at a persistent
 * chain state (PCD). Gradients are accumulated as byte buckets (see ../shared.ts) and turned
 * into a w^d vector by `resolve`. Call `setWeights` after every change of W. Allocation
 * happens only in the constructor. This is the `js` RBM kernel's estimator.
 */
export class ContrastiveDivergence implements GradientEstimator {
  /** Bucket array size for `accumulate` (segments × 256). */
  readonly bucketSize: number;
  private readonly forward: WindowTable;
  private readonly transposed: WindowTable;
  private readonly finePat: Uint8Array;
  private readonly coarsePat: Uint8Array;
  private readonly h: Float64Array;
  private readonly e: Float64Array;
  private readonly t: Float64Array;
  private readonly mu: Int8Array;
  private readonly eg: Float64Array;
  private readonly sigma: Int8Array;

  constructor(
    readonly layout: RbmLayout,
    readonly cdSteps: number,
  ) {
    checkCdSteps(cdSteps);
    this.forward = new WindowTable(layout.hiddenWeightIndex, layout.fineReader.offsets.length);
    this.transposed = new WindowTable(layout.visibleWeightIndex, layout.coarseReader.offsets.length);
    this.bucketSize = layout.fineReader.offsets.length * 256;
    this.finePat = new Uint8Array(layout.fineReader.patternLength);
    this.coarsePat = new Uint8Array(layout.coarseReader.patternLength);
    this.h = new Float64Array(layout.hidden);
    this.e = new Float64Array(layout.hidden);
    this.t = new Float64Array(layout.hidden);
    this.mu = new Int8Array(layout.hidden);
    this.eg = new Float64Array(layout.visible);
    this.sigma = new Int8Array(layout.visible);
  }

  /** Rebuilds the lookup tables for the weights W (w^d, row-major). */
  setWeights(W: Float64Array): void {
    this.forward.update(W);
    this.transposed.update(W);
  }

  /**
   * Adds one configuration's gradient estimate G(data) − G(negative sample) to `buckets`
   * (`bucketSize` entries). The data point is `configs[offset .. offset + volume)`. With
   * `chain` (a configuration, e.g. a copy of a data point) the Gibbs chain continues from it
   * and it is overwritten with the new state (PCD); without, the chain starts at the data
   * (CD-k). RNG use: the hidden units, then for each of the k steps the visible units and (but
   * for the last) the hidden units, each in site order. Returns the number of sites where the
   * negative sample differs from the data point.
   */
  accumulate(
    configs: Int8Array,
    offset: number,
    chain: Int8Array | undefined,
    rng: Rng,
    buckets: Float64Array,
  ): number {
    const l = this.layout;
    const { transposed, finePat, coarsePat, h, e, t, mu, eg, sigma } = this;
    windowPatterns(l.fineReader, configs, offset, finePat);
    this.hiddenFields(finePat);
    tanhFields(h, e, t);
    addToBuckets(finePat, l.hiddenAnchors, l.fineReader.offsets, t, 1, buckets);
    if (chain) {
      windowPatterns(l.fineReader, chain, 0, finePat);
      this.hiddenFields(finePat);
    }
    sampleSpins(e, mu, rng);
    for (let s = 1; s <= this.cdSteps; s++) {
      windowPatterns(l.coarseReader, mu, 0, coarsePat);
      const v = l.coarseReader.offsets;
      windowFactors(
        transposed.table,
        transposed.products,
        coarsePat,
        l.visibleAnchors,
        l.visibleGroups,
        v,
        eg,
      );
      sampleSpins(eg, sigma, rng);
      windowPatterns(l.fineReader, sigma, 0, finePat);
      if (s < this.cdSteps) {
        // Mid-chain only the Boltzmann factors are needed.
        const f = this.forward;
        windowFactors(f.table, f.products, finePat, l.hiddenAnchors, l.hiddenGroups, l.fineReader.offsets, e);
        sampleSpins(e, mu, rng);
      } else {
        this.hiddenFields(finePat);
      }
    }
    tanhFields(h, e, t);
    addToBuckets(finePat, l.hiddenAnchors, l.fineReader.offsets, t, -1, buckets);
    if (chain) chain.set(sigma);
    let differ = 0;
    for (let i = 0; i < sigma.length; i++) differ += (1 - sigma[i] * configs[offset + i]) >> 1;
    return differ;
  }

  /** h and e = e^{−2h} of the configuration whose patterns are `pat`. */
  private hiddenFields(pat: Uint8Array): void {
    const l = this.layout;
    const f = this.forward;
    windowFields(
      f.table,
      f.products,
      pat,
      l.hiddenAnchors,
      l.hiddenGroups,
      l.fineReader.offsets,
      this.h,
      this.e,
    );
  }

  /** grad[k] += the gradient held in `buckets` (w^d entries). */
  resolve(buckets: Float64Array, grad: Float64Array): void {
    resolveBuckets(buckets, this.layout.hiddenWeightIndex, grad);
  }
}
