import { type Lattice, UnsupportedError } from '@rsrg/core';
import type { RbmFilter } from './filter.js';

/** Bits per lookup-table segment: one byte of spins. */
export const SEGMENT = 8;

/**
 * How the kernels read windows of side `side` over one padded periodic array, a byte of spins
 * at a time. The byte at padded position p holds the spins at p, p+1, … along the last axis;
 * when a window line has at most 4 spins, `linesPerByte` consecutive lines (along axis d−2)
 * share one byte, `lineBits` bits each, so that a window costs fewer lookups.
 */
export class WindowReader {
  /** Padded index → site of the unpadded lattice. */
  readonly source: Int32Array;
  /** Length of a pattern array (padded volume plus a zero tail that packing may read). */
  readonly patternLength: number;
  readonly linesPerByte: number;
  readonly lineBits: number;
  /** Padded distance between packed lines (the stride of axis d−2). */
  readonly lineStride: number;
  /** Padded offset, from a window's corner, of each of its bytes. */
  readonly offsets: Int32Array;
  /** Window offset (flat, row-major in {0..side−1}^d) of bit c of byte s at [s·8 + c]; −1 for none. */
  readonly bitWindow: Int32Array;

  constructor(
    lattice: Lattice,
    paddedSizes: readonly number[],
    /** Padded coordinate p is lattice coordinate p − shift. */
    shift: number,
    readonly side: number,
  ) {
    const d = paddedSizes.length;
    const stride = strides(paddedSizes);
    this.source = periodicSource(lattice, paddedSizes, shift);
    const packed = d >= 2 && side <= SEGMENT / 2;
    this.linesPerByte = packed ? Math.floor(SEGMENT / side) : 1;
    this.lineBits = packed ? side : SEGMENT;
    this.lineStride = d >= 2 ? stride[d - 2] : 0;
    this.patternLength = this.source.length + (this.linesPerByte - 1) * this.lineStride + SEGMENT;
    const offsets: number[] = [];
    const bits: number[] = [];
    if (packed) {
      const k = this.linesPerByte;
      const outer = side ** (d - 2);
      for (let o = 0; o < outer; o++) {
        const head = unflat(o, side, d - 2);
        for (let chunk = 0; chunk * k < side; chunk++) {
          offsets.push(dot([...head, chunk * k], stride));
          for (let c = 0; c < SEGMENT; c++) {
            const line = chunk * k + Math.floor(c / side);
            bits.push(c < k * side && line < side ? flat([...head, line, c % side], side) : -1);
          }
        }
      }
    } else {
      const segments = Math.ceil(side / SEGMENT);
      const lines = side ** (d - 1);
      for (let r = 0; r < lines; r++) {
        const line = unflat(r, side, d - 1);
        for (let s = 0; s < segments; s++) {
          offsets.push(dot(line, stride) + s * SEGMENT);
          for (let c = 0; c < SEGMENT; c++) {
            const col = s * SEGMENT + c;
            bits.push(col < side ? flat([...line, col], side) : -1);
          }
        }
      }
    }
    this.offsets = Int32Array.from(offsets);
    this.bitWindow = Int32Array.from(bits);
  }
}

/**
 * Index tables for one fine lattice and one filter geometry, for the lookup kernels in
 * `kernels.ts`. Both directions are window sums over a padded periodic copy of the input:
 *
 * - σ → h (hidden fields): the fine configuration padded to side L + w − b per axis; hidden
 *   unit J reads the window of side w at b·X_J.
 * - μ → g (visible fields, the transposed convolution): fine site i = b·m + q (q ∈ {0..b−1}^d)
 *   sees the hidden units m − j, j ∈ {0..n−1}^d (n = ⌈w/b⌉), through the weights W_{q + b j}
 *   (zero where q + b j leaves the filter). With the coarse configuration padded by n − 1 on
 *   the low side, that is a window of side n at padded m, with its own table per residue q.
 *
 * `*WeightIndex[(group·bytes + s)·8 + c]` names the filter weight of bit c of window byte s
 * (−1: none); the kernels build their tables from it after every change of W.
 */
export class RbmLayout {
  readonly fine: Lattice;
  readonly coarse: Lattice;
  readonly dimension: number;
  readonly width: number;
  readonly blockSize: number;
  /** Number of hidden units (coarse sites). */
  readonly hidden: number;
  /** Number of visible units (fine sites). */
  readonly visible: number;

  /** Reads windows of side w over the padded fine configuration. */
  readonly fineReader: WindowReader;
  /** Hidden unit J → padded fine index of its window corner b·X_J. */
  readonly hiddenAnchors: Int32Array;
  /** Table group of each hidden unit (all 0: one filter). */
  readonly hiddenGroups: Int32Array;
  readonly hiddenWeightIndex: Int32Array;

  /** n = ⌈w/b⌉: hidden units per axis that see one fine site. */
  readonly span: number;
  /** Reads windows of side n over the padded coarse configuration. */
  readonly coarseReader: WindowReader;
  /** Fine site i = b·m + q → padded coarse index of m. */
  readonly visibleAnchors: Int32Array;
  /** Fine site → its residue class q (row-major in {0..b−1}^d): its table group. */
  readonly visibleGroups: Int32Array;
  readonly visibleWeightIndex: Int32Array;

  constructor(fine: Lattice, geometry: Pick<RbmFilter, 'dimension' | 'width' | 'blockSize'>) {
    const reason = layoutUnsupported(fine, geometry);
    if (reason) throw new UnsupportedError(reason);
    const { dimension: d, width: w, blockSize: b } = geometry;
    this.fine = fine;
    this.coarse = fine.coarsen(b);
    this.dimension = d;
    this.width = w;
    this.blockSize = b;
    this.hidden = this.coarse.volume;
    this.visible = fine.volume;
    const n = Math.ceil(w / b);
    this.span = n;

    const fineSizes = fine.sizes.map((L) => L + Math.max(0, w - b));
    const fineStrides = strides(fineSizes);
    this.fineReader = new WindowReader(fine, fineSizes, 0, w);
    this.hiddenAnchors = new Int32Array(this.hidden);
    for (let J = 0; J < this.hidden; J++) {
      this.hiddenAnchors[J] = dot(
        this.coarse.coords(J).map((X) => b * X),
        fineStrides,
      );
    }
    this.hiddenGroups = new Int32Array(this.hidden);
    this.hiddenWeightIndex = Int32Array.from(this.fineReader.bitWindow);

    const coarseSizes = this.coarse.sizes.map((C) => C + n - 1);
    const coarseStrides = strides(coarseSizes);
    this.coarseReader = new WindowReader(this.coarse, coarseSizes, n - 1, n);
    this.visibleAnchors = new Int32Array(this.visible);
    this.visibleGroups = new Int32Array(this.visible);
    for (let i = 0; i < this.visible; i++) {
      const x = fine.coords(i);
      this.visibleAnchors[i] = dot(
        x.map((v) => Math.floor(v / b)),
        coarseStrides,
      );
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

function strides(sizes: readonly number[]): number[] {
  const s = new Array<number>(sizes.length);
  let v = 1;
  for (let a = sizes.length - 1; a >= 0; a--) {
    s[a] = v;
    v *= sizes[a];
  }
  return s;
}

function dot(u: readonly number[], v: readonly number[]): number {
  let s = 0;
  for (let a = 0; a < u.length; a++) s += u[a] * v[a];
  return s;
}

function flat(k: readonly number[], side: number): number {
  let i = 0;
  for (const v of k) i = i * side + v;
  return i;
}

function unflat(i: number, side: number, d: number): number[] {
  const k = new Array<number>(d);
  for (let a = d - 1; a >= 0; a--) {
    k[a] = i % side;
    i = Math.floor(i / side);
  }
  return k;
}

/** Padded index → site of `lattice` at padded coordinates minus `shift`, wrapped. */
function periodicSource(lattice: Lattice, paddedSizes: readonly number[], shift: number): Int32Array {
  const d = paddedSizes.length;
  const volume = paddedSizes.reduce((a, v) => a * v, 1);
  const out = new Int32Array(volume);
  const c = new Array<number>(d);
  for (let p = 0; p < volume; p++) {
    let rem = p;
    for (let a = d - 1; a >= 0; a--) {
      c[a] = (rem % paddedSizes[a]) - shift;
      rem = Math.floor(rem / paddedSizes[a]);
    }
    out[p] = lattice.index(c);
  }
  return out;
}
