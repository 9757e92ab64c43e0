import { type Lattice, UsageError } from '@rsrg/core';
import { dot, strides } from './grid.js';
import { WindowReader } from './reader.js';

/** Where the windows of a `WindowLayout` sit, in sites of the lattice they read. */
export interface WindowPlacement {
  /** Spacing of the windows along every axis: the block side b (1: one window per site). */
  readonly stride: number;
  /** Window side w: each window holds w^d sites. */
  readonly side: number;
  /**
   * Offset of a window's corner from its block's corner, on every axis: 0 (the default) starts
   * the window at the block, −s puts a shell of s sites around a block of side w − 2s.
   */
  readonly origin?: number;
}

/**
 * One window of side w per block of side b (stride b) of a periodic lattice, at offset
 * `origin` from the block's corner: window J holds the sites b·X_J + origin + k,
 * k ∈ {0..w−1}^d, wrapped. They are read from a padded periodic copy of the configuration
 * (`reader.source`), large enough that no window wraps: `anchors[J]` is the padded index of
 * window J's corner and `reader.offsets` the padded offsets of its bytes.
 */
export class WindowLayout {
  /** The lattice of blocks (`lattice.coarsen(stride)`): window J belongs to block J. */
  readonly blocks: Lattice;
  /** Spacing of the windows: the block side b. */
  readonly stride: number;
  /** Window side w. */
  readonly side: number;
  /** Offset of a window's corner from its block's corner, on every axis. */
  readonly origin: number;
  /** Sizes of the padded copy; its coordinate p is the lattice coordinate p − max(0, −origin). */
  readonly paddedSizes: readonly number[];
  /** Reads the windows a byte at a time over the padded copy. */
  readonly reader: WindowReader;
  /** Block J → padded index of its window's corner. */
  readonly anchors: Int32Array;

  constructor(
    /** The lattice the windows read (the fine lattice of a projector). */
    readonly lattice: Lattice,
    placement: WindowPlacement,
  ) {
    const { stride: b, side: w } = placement;
    const origin = placement.origin ?? 0;
    if (!Number.isInteger(b) || b < 1 || !Number.isInteger(w) || w < 1 || !Number.isInteger(origin)) {
      throw new UsageError(
        `a window layout needs integers stride ≥ 1, side ≥ 1 and origin, got ${b}, ${w}, ${origin}`,
      );
    }
    this.blocks = lattice.coarsen(b);
    this.stride = b;
    this.side = w;
    this.origin = origin;
    const shift = Math.max(0, -origin);
    // The last window ends at padded coordinate L − b + origin + shift + w − 1.
    this.paddedSizes = lattice.sizes.map((L) => Math.max(L, L - b + origin + shift + w));
    this.reader = new WindowReader(lattice, this.paddedSizes, shift, w);
    const padded = strides(this.paddedSizes);
    this.anchors = new Int32Array(this.blocks.volume);
    for (let J = 0; J < this.anchors.length; J++) {
      this.anchors[J] = dot(
        this.blocks.coords(J).map((X) => b * X + origin + shift),
        padded,
      );
    }
  }
}
