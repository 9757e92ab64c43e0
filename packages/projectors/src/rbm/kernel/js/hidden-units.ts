import type { Rng } from '@rsrg/core';
import { WindowTable, windowFields, windowPatterns } from '../../../window/index.js';
import type { RbmLayout } from '../../layout.js';
import type { HiddenUnits } from '../types.js';
import { sampleSpins } from './kernels.js';

/** `HiddenUnits` on the TypeScript kernels (the `js` RBM kernel). */
export class JsHiddenUnits implements HiddenUnits {
  readonly h: Float64Array;
  readonly e: Float64Array;
  private readonly pat: Uint8Array;
  private readonly table: WindowTable;

  constructor(
    /** The lattice and filter geometry of the hidden units. */
    readonly layout: RbmLayout,
    W: Float64Array,
  ) {
    this.pat = new Uint8Array(layout.fineReader.patternLength);
    this.h = new Float64Array(layout.hidden);
    this.e = new Float64Array(layout.hidden);
    this.table = new WindowTable(layout.hiddenWeightIndex, layout.fineReader.offsets.length);
    this.table.update(W);
  }

  fields(sigma: Int8Array): void {
    const { layout: l, table } = this;
    windowPatterns(l.fineReader, sigma, 0, this.pat);
    windowFields(
      table.table,
      table.products,
      this.pat,
      l.hiddenAnchors,
      l.hiddenGroups,
      l.fineReader.offsets,
      this.h,
      this.e,
    );
  }

  project(sigma: Int8Array, mu: Int8Array, rng: Rng): void {
    this.fields(sigma);
    sampleSpins(this.e, mu, rng);
  }
}
