import type { Lattice } from '@rsrg/core';
import { dot, flat, strides, unflat } from './grid.js';

/** Bits per lookup-table segment: one byte of spins. */
export const SEGMENT = 8;

/**
 * Padded index → site of `lattice`, for a periodic copy of side `paddedSizes` whose padded
 * coordinate p is the lattice coordinate p − `shift` (wrapped), so that every window lies in
 * one piece.
 */
export function periodicSource(lattice: Lattice, paddedSizes: readonly number[], shift: number): Int32Array {
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
  /** Window lines (along the last axis) packed into one byte: ⌊8/side⌋ when d ≥ 2 and side ≤ 4, else 1. */
  readonly linesPerByte: number;
  /** Bits per packed line: `side` when lines are packed, else 8. */
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
    /** Window side w. */
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
