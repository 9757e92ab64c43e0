import type { Rng } from '@rsrg/core';
import { checkCdSteps } from '../../../kernel/shared.js';
import type { PottsRbmLayout } from '../../layout.js';
import type { PottsGradientEstimator } from '../types.js';
import { JsPottsRbmUnits } from './units.js';

/**
 * The CD-k update of the q-state RBM for one lattice, filter geometry and q. The
 * log-likelihood of Y(σ)/ΣY has gradient ∂/∂W_k = ⟨G_k⟩_data − ⟨G_k⟩_Y with
 * G_k(σ) = Σ_J P(μ_J = σ_{b·X_J+k} | σ); the model term is taken at the end of a Gibbs chain of
 * categorical draws σ → μ → σ → … (k visible updates) started at the data point (CD-k) or at a
 * persistent chain state (PCD). Allocation happens only in the constructor. This is the `js`
 * kernel's estimator.
 */
export class PottsContrastiveDivergence implements PottsGradientEstimator {
  private readonly units: JsPottsRbmUnits;
  private readonly mu: Int8Array;
  private readonly sigma: Int8Array;

  constructor(
    readonly layout: PottsRbmLayout,
    readonly q: number,
    readonly cdSteps: number,
  ) {
    checkCdSteps(cdSteps);
    this.units = new JsPottsRbmUnits(layout, q, new Float64Array(layout.windowSize));
    this.mu = new Int8Array(layout.hidden);
    this.sigma = new Int8Array(layout.visible);
  }

  setWeights(W: Float64Array): void {
    this.units.setWeights(W);
  }

  /**
   * Adds G(data) − G(negative sample) to `grad`. The data point is `configs[offset .. offset +
   * volume)`. With `chain` the Gibbs chain continues from it and it is overwritten with the new
   * state (PCD); without, the chain starts at the data (CD-k). RNG use: the hidden units, then
   * for each of the k steps the visible units and (but for the last) the hidden units, each in
   * site order. Returns the number of sites where the negative sample differs from the data.
   */
  accumulate(
    configs: Int8Array,
    offset: number,
    chain: Int8Array | undefined,
    rng: Rng,
    grad: Float64Array,
  ): number {
    const { units, mu, sigma } = this;
    units.logY(configs, offset, grad, 1);
    if (chain) units.hiddenFields(chain, 0);
    units.drawHidden(mu, rng);
    for (let s = 1; s <= this.cdSteps; s++) {
      units.sampleVisible(mu, sigma, rng);
      if (s < this.cdSteps) units.sampleHidden(sigma, 0, mu, rng);
    }
    units.logY(sigma, 0, grad, -1);
    if (chain) chain.set(sigma);
    let differ = 0;
    for (let i = 0; i < sigma.length; i++) differ += +(sigma[i] !== configs[offset + i]);
    return differ;
  }
}
