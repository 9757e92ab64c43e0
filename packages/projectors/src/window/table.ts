import { SEGMENT } from './reader.js';

/**
 * Window sums by table lookup. A sum Σ_k W_k s_k over the ±1 spins of a window is read a byte
 * at a time (see `windowPatterns`): a table holds, for each window segment and each of the 256
 * bytes, T = Σ_c w_c s_c and E = e^{−2T}. A field h is then a sum of T's and its Boltzmann
 * factor e^{−2h} a product of E's, so sampling a ±1 unit with P(+1) = sigmoid(2h) needs no
 * exp. Tables are rebuilt (a few thousand operations) whenever W changes. Several tables
 * (groups) may share one array, one per kind of unit (e.g. per residue of a transposed
 * convolution); each unit names its group.
 */

/** Largest Σ|w| over one unit's window for which products of E cannot over- or underflow. */
const PRODUCT_BOUND = 300;

/**
 * Fills `table` (2·256 doubles per segment: T then E for each byte) from the weights W and
 * `weightIndex` (8 entries per segment, −1 for no weight). Returns whether products of E are
 * safe: every group's Σ|w| ≤ PRODUCT_BOUND, so |2h| ≤ 600 and no partial product leaves the
 * double range. `segmentsPerGroup` delimits groups for that check.
 */
export function buildWindowTable(
  W: Float64Array,
  weightIndex: Int32Array,
  segmentsPerGroup: number,
  table: Float64Array,
  scratch: Float64Array,
): boolean {
  const segments = weightIndex.length / SEGMENT;
  let safe = true;
  let groupSum = 0;
  for (let q = 0; q < segments; q++) {
    if (q % segmentsPerGroup === 0) groupSum = 0;
    let t0 = 0;
    for (let c = 0; c < SEGMENT; c++) {
      const k = weightIndex[q * SEGMENT + c];
      const w = k >= 0 ? W[k] : 0;
      scratch[c] = 2 * w;
      scratch[SEGMENT + c] = Math.exp(-4 * w);
      t0 -= w;
      groupSum += Math.abs(w);
    }
    if (groupSum > PRODUCT_BOUND) safe = false;
    const base = q << 9;
    table[base] = t0;
    table[base + 1] = Math.exp(-2 * t0);
    for (let p = 1; p < 256; p++) {
      const low = p & -p;
      const c = 31 - Math.clz32(low);
      const from = base + ((p ^ low) << 1);
      table[base + (p << 1)] = table[from] + scratch[c];
      table[base + (p << 1) + 1] = table[from + 1] * scratch[SEGMENT + c];
    }
  }
  return safe;
}

/**
 * For every unit u: h[u] = Σ_s T[group_u, s][pat[anchor_u + offset_s]] and e[u] = e^{−2h[u]}
 * (the product of the E's when `products`, else exp).
 */
export function windowFields(
  table: Float64Array,
  products: boolean,
  pat: Uint8Array,
  anchors: Int32Array,
  groups: Int32Array,
  offsets: Int32Array,
  h: Float64Array,
  e: Float64Array,
): void {
  const R = offsets.length;
  for (let u = 0; u < anchors.length; u++) {
    const a = anchors[u];
    const g = groups[u] * R;
    let s = 0;
    let f = 1;
    for (let q = 0; q < R; q++) {
      const i = ((g + q) << 9) | (pat[a + offsets[q]] << 1);
      s += table[i];
      f *= table[i + 1];
    }
    h[u] = s;
    e[u] = products ? f : Math.exp(-2 * s);
  }
}

/** `windowFields` without h: only e[u] = e^{−2h[u]}, all that sampling the units needs. */
export function windowFactors(
  table: Float64Array,
  products: boolean,
  pat: Uint8Array,
  anchors: Int32Array,
  groups: Int32Array,
  offsets: Int32Array,
  e: Float64Array,
): void {
  const R = offsets.length;
  for (let u = 0; u < anchors.length; u++) {
    const a = anchors[u];
    const g = groups[u] * R;
    if (products) {
      let f = 1;
      for (let q = 0; q < R; q++) f *= table[(((g + q) << 9) | (pat[a + offsets[q]] << 1)) + 1];
      e[u] = f;
    } else {
      let s = 0;
      for (let q = 0; q < R; q++) s += table[((g + q) << 9) | (pat[a + offsets[q]] << 1)];
      e[u] = Math.exp(-2 * s);
    }
  }
}

/**
 * The lookup tables of one set of windows for one W: `table` plus whether E products are safe.
 * `update(W)` rebuilds them in place.
 */
export class WindowTable {
  /** T then E = e^{−2T} for each of the 256 bytes of each segment: 512 doubles per segment. */
  readonly table: Float64Array;
  /** Whether fields may be summed as products of E (no overflow possible); else exp is taken. */
  products = true;
  private readonly scratch = new Float64Array(2 * SEGMENT);

  constructor(
    /** Weight of each bit of each segment (`WindowReader.bitWindow` for one window of W), −1: none. */
    readonly weightIndex: Int32Array,
    /** Segments per group: one group per kind of unit, delimiting the overflow check. */
    readonly segmentsPerGroup: number,
  ) {
    this.table = new Float64Array((weightIndex.length / SEGMENT) * 512);
  }

  /** Rebuilds the table for the weights W; call it after every change of W. */
  update(W: Float64Array): void {
    this.products = buildWindowTable(W, this.weightIndex, this.segmentsPerGroup, this.table, this.scratch);
  }
}
