import { WindowTable, windowFields, windowPatterns } from '../window/index.js';
import { logTwoCosh } from './kernel/shared.js';
import type { RbmLayout } from './layout.js';

/**
 * Evaluates the pseudo-log-likelihood of the RBM marginal q(σ) = Y(σ)/ΣY,
 * PLL(σ) = (1/N) Σ_i log q(σ_i | σ_{−i}) = −(1/N) Σ_i softplus(log Y(σ^i) − log Y(σ)),
 * σ^i = σ with spin i flipped. Exact (no sampling): flipping spin i changes only the hidden
 * units whose windows hold i, by −2 W_k σ_i for each such (J, k). A training diagnostic: it
 * rises as q fits the data, and it does not need ΣY.
 */
export class PseudoLikelihood {
  private readonly start: Int32Array;
  private readonly unit: Int32Array;
  private readonly weight: Int32Array;
  private readonly table: WindowTable;
  private readonly pat: Uint8Array;
  private readonly h: Float64Array;
  private readonly e: Float64Array;
  private readonly flipped: Float64Array;
  private readonly logCosh: Float64Array;
  private readonly seen: Uint8Array;

  constructor(readonly layout: RbmLayout) {
    const { visible, hidden, width: w, blockSize: b, dimension: d } = layout;
    const wd = w ** d;
    const window = layout.fine.window(b, w);
    const count = new Int32Array(visible + 1);
    for (let q = 0; q < window.length; q++) count[window[q] + 1]++;
    for (let i = 0; i < visible; i++) count[i + 1] += count[i];
    this.start = count;
    const fill = Int32Array.from(count.subarray(0, visible));
    this.unit = new Int32Array(window.length);
    this.weight = new Int32Array(window.length);
    for (let q = 0; q < window.length; q++) {
      const i = window[q];
      this.unit[fill[i]] = Math.floor(q / wd);
      this.weight[fill[i]] = q % wd;
      fill[i]++;
    }
    this.table = new WindowTable(layout.hiddenWeightIndex, layout.fineReader.offsets.length);
    this.pat = new Uint8Array(layout.fineReader.patternLength);
    this.h = new Float64Array(hidden);
    this.e = new Float64Array(hidden);
    this.flipped = new Float64Array(hidden);
    this.logCosh = new Float64Array(hidden);
    this.seen = new Uint8Array(hidden);
  }

  /** Mean over the configurations at `offsets` of PLL per site (see the class comment). */
  mean(W: Float64Array, configs: Int8Array, offsets: ArrayLike<number>): number {
    const l = this.layout;
    const { start, unit, weight, h, flipped, logCosh, seen, table } = this;
    table.update(W);
    let total = 0;
    for (let n = 0; n < offsets.length; n++) {
      const offset = offsets[n];
      windowPatterns(l.fineReader, configs, offset, this.pat);
      const offs = l.fineReader.offsets;
      windowFields(table.table, table.products, this.pat, l.hiddenAnchors, l.hiddenGroups, offs, h, this.e);
      flipped.set(h);
      for (let J = 0; J < h.length; J++) logCosh[J] = logTwoCosh(h[J]);
      for (let i = 0; i < l.visible; i++) {
        const s = configs[offset + i];
        const end = start[i + 1];
        for (let q = start[i]; q < end; q++) flipped[unit[q]] -= 2 * W[weight[q]] * s;
        // log Y(σ^i) − log Y(σ), each touched unit once (a unit may see site i more than once when w > L).
        let delta = 0;
        for (let q = start[i]; q < end; q++) {
          const J = unit[q];
          if (seen[J]) continue;
          seen[J] = 1;
          delta += logTwoCosh(flipped[J]) - logCosh[J];
        }
        for (let q = start[i]; q < end; q++) {
          const J = unit[q];
          seen[J] = 0;
          flipped[J] = h[J];
        }
        total -= delta > 0 ? delta + Math.log1p(Math.exp(-delta)) : Math.log1p(Math.exp(delta));
      }
    }
    return total / (offsets.length * l.visible);
  }
}
