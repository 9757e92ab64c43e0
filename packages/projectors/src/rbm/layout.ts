import { type Lattice, UnsupportedError } from '@rsrg/core';
import { flat, unflat, WindowLayout, type WindowReader } from '../window/index.js';
import type { RbmFilter } from './filter.js';

/**
 * Index tables for one fine lattice and one filter geometry, for the window lookups
 * (`window/`) of the RBM kernels. Both directions are window sums over a padded periodic copy
 * of the input:
 *
 * - σ → h (hidden fields): hidden unit J reads the window of side w at b·X_J (`fineWindows`).
 * - μ → g (visible fields, the transposed convolution): fine site i = b·m + q (q ∈ {0..b−1}^d)
 *   sees the hidden units m − j, j ∈ {0..n−1}^d (n = ⌈w/b⌉), through the weights W_{q + b j}
 *   (zero where q + b j leaves the filter): a window of side n ending at coarse site m
 *   (`coarseWindows`), with its own table per residue q.
 *
 * `*WeightIndex[(group·bytes + s)·8 + c]` names the filter weight of bit c of window byte s
 * (−1: none); the kernels build their tables from it after every change of W.
 */
export class RbmLayout {
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

  /** The hidden units' windows: side w, stride b, at the block's corner. */
  readonly fineWindows: WindowLayout;
  /** Reads windows of side w over the padded fine configuration. */
  readonly fineReader: WindowReader;
  /** Hidden unit J → padded fine index of its window corner b·X_J. */
  readonly hiddenAnchors: Int32Array;
  /** Table group of each hidden unit (all 0: one filter). */
  readonly hiddenGroups: Int32Array;
  /** The filter weight of each bit of a hidden unit's window bytes (−1: none), for σ → h. */
  readonly hiddenWeightIndex: Int32Array;

  /** n = ⌈w/b⌉: hidden units per axis that see one fine site. */
  readonly span: number;
  /** The visible units' windows on the coarse lattice: side n, one per coarse site m, ending at m. */
  readonly coarseWindows: WindowLayout;
  /** Reads windows of side n over the padded coarse configuration. */
  readonly coarseReader: WindowReader;
  /** Fine site i = b·m + q → padded coarse index of the window of m. */
  readonly visibleAnchors: Int32Array;
  /** Fine site → its residue class q (row-major in {0..b−1}^d): its table group. */
  readonly visibleGroups: Int32Array;
  /** The filter weight of each bit of a visible unit's window bytes, per residue group (−1: none), for μ → g. */
  readonly visibleWeightIndex: Int32Array;

  constructor(fine: Lattice, geometry: Pick<RbmFilter, 'dimension' | 'width' | 'blockSize'>) {
    const reason = layoutUnsupported(fine, geometry);
    if (reason) throw new UnsupportedError(reason);
    const { dimension: d, width: w, blockSize: b } = geometry;
    this.fine = fine;
    this.dimension = d;
    this.width = w;
    this.blockSize = b;
    const n = Math.ceil(w / b);
    this.span = n;

    this.fineWindows = new WindowLayout(fine, { stride: b, side: w });
    this.coarse = this.fineWindows.blocks;
    this.hidden = this.coarse.volume;
    this.visible = fine.volume;
    this.fineReader = this.fineWindows.reader;
    this.hiddenAnchors = this.fineWindows.anchors;
    this.hiddenGroups = new Int32Array(this.hidden);
    this.hiddenWeightIndex = Int32Array.from(this.fineReader.bitWindow);

    this.coarseWindows = new WindowLayout(this.coarse, { stride: 1, side: n, origin: 1 - n });
    this.coarseReader = this.coarseWindows.reader;
    this.visibleAnchors = new Int32Array(this.visible);
    this.visibleGroups = new Int32Array(this.visible);
    for (let i = 0; i < this.visible; i++) {
      const x = fine.coords(i);
      const m = this.coarse.index(x.map((v) => Math.floor(v / b)));
      this.visibleAnchors[i] = this.coarseWindows.anchors[m];
      this.visibleGroups[i] = flat(
        x.map((v) => v % b),
        b,
      );
    }
    const bits = this.coarseReader.bitWindow;
    const groups = b ** d;
    this.visibleWeightIndex = new Int32Array(groups * bits.length).fill(-1);
    for (let g = 0; g < groups; g++) {
      const q = unflat(g, b, d);
      for (let bit = 0; bit < bits.length; bit++) {
        if (bits[bit] < 0) continue;
        const k = unflat(bits[bit], n, d).map((v, a) => q[a] + b * (n - 1 - v));
        if (k.every((v) => v < w)) this.visibleWeightIndex[g * bits.length + bit] = flat(k, w);
      }
    }
  }
}

/** Undefined when a filter of this geometry can block `lattice`, else the reason it cannot. */
export function layoutUnsupported(
  lattice: Lattice,
  geometry: Pick<RbmFilter, 'dimension' | 'width' | 'blockSize'>,
): string | undefined {
  if (lattice.dimension !== geometry.dimension) {
    return `the RBM filter is ${geometry.dimension}-dimensional, lattice ${lattice.label} is ${lattice.dimension}-dimensional`;
  }
  if (!lattice.divisibleBy(geometry.blockSize)) {
    return `lattice ${lattice.label} is not divisible into blocks of side ${geometry.blockSize}`;
  }
  return undefined;
}
