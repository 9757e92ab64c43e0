import type { Rng } from '@rsrg/core';
import type { PottsRbmLayout } from '../../layout.js';
import { checkStates } from '../shared.js';
import type { PottsRbmUnits } from '../types.js';
import { addLogYGradient, hiddenFields, sampleCategorical, visibleFields } from './categorical.js';

/** `PottsRbmUnits` on the TypeScript kernels (the `js` q-state RBM kernel). */
export class JsPottsRbmUnits implements PottsRbmUnits {
  readonly hiddenField: Float64Array;
  readonly hiddenLogNorm: Float64Array;
  readonly visibleField: Float64Array;
  private readonly W: Float64Array;
  private readonly prob: Float64Array;
  private readonly scratch: Float64Array;

  constructor(
    readonly layout: PottsRbmLayout,
    readonly q: number,
    W: Float64Array,
  ) {
    checkStates(q);
    if (W.length !== layout.windowSize) {
      throw new RangeError(
        `a ${layout.width}^${layout.dimension} filter has ${layout.windowSize} weights, got ${W.length}`,
      );
    }
    this.W = Float64Array.from(W);
    this.hiddenField = new Float64Array(layout.hidden * q);
    this.hiddenLogNorm = new Float64Array(layout.hidden);
    this.visibleField = new Float64Array(layout.visible * q);
    this.prob = new Float64Array(layout.hidden * q);
    this.scratch = new Float64Array(q);
  }

  setWeights(W: Float64Array): void {
    this.W.set(W);
  }

  hiddenFields(sigma: Int8Array, offset: number): void {
    hiddenFields(this.W, this.layout.windows, this.q, sigma, offset, this.hiddenField, this.hiddenLogNorm);
  }

  sampleHidden(sigma: Int8Array, offset: number, mu: Int8Array, rng: Rng): void {
    this.hiddenFields(sigma, offset);
    sampleCategorical(this.hiddenField, this.q, mu, this.scratch, rng);
  }

  /** Draws μ from the fields of the last `hiddenFields` call. */
  drawHidden(mu: Int8Array, rng: Rng): void {
    sampleCategorical(this.hiddenField, this.q, mu, this.scratch, rng);
  }

  visibleFields(mu: Int8Array): void {
    const l = this.layout;
    visibleFields(this.W, l.visibleStart, l.visibleUnit, l.visibleWeight, this.q, mu, this.visibleField);
  }

  sampleVisible(mu: Int8Array, sigma: Int8Array, rng: Rng): void {
    this.visibleFields(mu);
    sampleCategorical(this.visibleField, this.q, sigma, this.scratch, rng);
  }

  logY(sigma: Int8Array, offset: number, grad?: Float64Array, scale = 1): number {
    this.hiddenFields(sigma, offset);
    const z = this.hiddenLogNorm;
    let s = 0;
    for (let J = 0; J < z.length; J++) s += z[J];
    if (grad) {
      addLogYGradient(
        this.hiddenField,
        z,
        this.layout.windows,
        this.q,
        sigma,
        offset,
        scale,
        this.prob,
        grad,
      );
    }
    return s;
  }
}
