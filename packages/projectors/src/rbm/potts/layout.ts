import type { Lattice } from '@rsrg/core';
import { UnsupportedError } from '@rsrg/core';
import { dot, strides, unflat, WindowLayout } from '../../window/index.js';
import type { RbmFilter } from '../filter.js';
import { layoutUnsupported } from '../layout.js';

/**
 * Index tables of the q-state RBM for one fine lattice and one filter geometry (the same
 * windows as the Ising RBM: side w, stride b, at the block's corner, periodic). The q-state
 * kernels compare states instead of multiplying signs, so they read sites rather than bytes of
 * spins: `windows` lists each hidden unit's window (from `WindowLayout` of `window/`), and the
 * transposed table lists, for each fine site i, every (J, k) with b·X_J + k ≡ i. A window wider
 * than the lattice visits a site more than once; each visit is an entry, so the weights add.
 */
export class PottsRbmLayout {
  /** The visible (fine) lattice σ lives on. */
  readonly fine: Lattice;
  /** The hidden (coarse) lattice μ lives on: `fine` coarsened by b. */
  readonly coarse: Lattice;
  /** The spatial dimension d. */
  readonly dimension: number;
  /** The filter side w. */
  readonly width: number;
  /** The stride and scale factor b. */
  readonly blockSize: number;
  /** Number of hidden units (coarse sites). */
  readonly hidden: number;
  /** Number of visible units (fine sites). */
  readonly visible: number;
  /** Weights per filter, w^d. */
  readonly windowSize: number;
  /** `windows[J·w^d + k]` is the fine site b·X_J + k (wrapped), k row-major in {0..w−1}^d. */
  readonly windows: Int32Array;
  /** The entries of fine site i are `visibleStart[i] .. visibleStart[i + 1]` (visible + 1 numbers). */
  readonly visibleStart: Int32Array;
  /** Per entry: the hidden unit J whose window holds the site. */
  readonly visibleUnit: Int32Array;
  /** Per entry: the filter index k at which J's window holds the site. */
  readonly visibleWeight: Int32Array;

  constructor(fine: Lattice, geometry: Pick<RbmFilter, 'dimension' | 'width' | 'blockSize'>) {
    const reason = layoutUnsupported(fine, geometry);
    if (reason) throw new UnsupportedError(reason);
    const { dimension: d, width: w, blockSize: b } = geometry;
    this.fine = fine;
    this.dimension = d;
    this.width = w;
    this.blockSize = b;
    const placement = new WindowLayout(fine, { stride: b, side: w });
    this.coarse = placement.blocks;
    this.hidden = this.coarse.volume;
    this.visible = fine.volume;
    const wd = w ** d;
    this.windowSize = wd;
    const padded = strides(placement.paddedSizes);
    const offsets = Array.from({ length: wd }, (_, k) => dot(unflat(k, w, d), padded));
    const source = placement.reader.source;
    this.windows = new Int32Array(this.hidden * wd);
    for (let J = 0; J < this.hidden; J++) {
      const a = placement.anchors[J];
      for (let k = 0; k < wd; k++) this.windows[J * wd + k] = source[a + offsets[k]];
    }
    const start = new Int32Array(this.visible + 1);
    for (let e = 0; e < this.windows.length; e++) start[this.windows[e] + 1]++;
    for (let i = 0; i < this.visible; i++) start[i + 1] += start[i];
    this.visibleStart = start;
    this.visibleUnit = new Int32Array(this.windows.length);
    this.visibleWeight = new Int32Array(this.windows.length);
    const fill = Int32Array.from(start.subarray(0, this.visible));
    for (let e = 0; e < this.windows.length; e++) {
      const i = this.windows[e];
      this.visibleUnit[fill[i]] = Math.floor(e / wd);
      this.visibleWeight[fill[i]] = e % wd;
      fill[i]++;
    }
  }
}
