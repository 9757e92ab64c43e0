import type { Rng } from '@rsrg/core';
import { SEGMENT, type WindowReader } from './layout.js';

/**
 * Lookup kernels of the RBM (the hot loops). A window sum Σ_k W_k s_k over ±1 spins is read a
 * byte at a time: `patterns` turns a configuration into, at every padded position, the byte of
 * the 8 spins that start there (bit c ⇔ spin +1 at position + c), and a table holds, for each
 * window segment and each of the 256 bytes, T = Σ_c w_c s_c and E = e^{−2T}. A field is then a
 * sum of T's and its Boltzmann factor e^{−2h} a product of E's, so sampling needs no exp.
 * Tables are rebuilt (a few thousand operations) whenever W changes.
 */

const U32_TO_UNIT = 2.3283064365386963e-10;

/** Largest Σ|w| over one unit's window for which products of E cannot over- or underflow. */
const PRODUCT_BOUND = 300;

/**
 * pat[p] = byte of the spins at padded positions p..p+7 (bit c set ⇔ spins[offset +
 * source[p + c]] = +1; positions past the end read as −1, where tables have zero weight).
 */
export function patterns(spins: Int8Array, offset: number, source: Int32Array, pat: Uint8Array): void {
  let byte = 0;
  for (let p = source.length - 1; p >= 0; p--) {
    byte = ((byte << 1) | ((spins[offset + source[p]] + 1) >> 1)) & 255;
    pat[p] = byte;
  }
}

/** In place: byte p takes the low `bits` bits of bytes p, p + stride, … (`lines` of them). */
export function packLines(
  pat: Uint8Array,
  length: number,
  stride: number,
  bits: number,
  lines: number,
): void {
  const mask = (1 << bits) - 1;
  for (let p = 0; p < length; p++) {
    let v = pat[p] & mask;
    for (let l = 1; l < lines; l++) v |= (pat[p + l * stride] & mask) << (l * bits);
    pat[p] = v;
  }
}

/** The window bytes of a configuration as `reader` lays them out (`patterns`, packed if needed). */
export function windowPatterns(
  reader: WindowReader,
  spins: Int8Array,
  offset: number,
  pat: Uint8Array,
): void {
  patterns(spins, offset, reader.source, pat);
  if (reader.linesPerByte > 1) {
    packLines(pat, reader.source.length, reader.lineStride, reader.lineBits, reader.linesPerByte);
  }
}

/**
 * Fills `table` (2·256 doubles per segment: T then E for each byte) from the weights W and
 * `weightIndex` (8 entries per segment, −1 for no weight). Returns whether products of E are
 * safe: every group's Σ|w| ≤ PRODUCT_BOUND, so |2h| ≤ 600 and no partial product leaves the
 * double range. `segmentsPerGroup` delimits groups for that check.
 */
export function buildTable(
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
export function unitFields(
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

/** `unitFields` without h: only e[u] = e^{−2h[u]}, all the visible units' sampling needs. */
export function unitFactors(
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
 * out[u] = +1 with probability sigmoid(2h) = 1/(1 + e[u]), else −1, in unit order, one u =
 * nextU32·2^-32 per unit (+1 iff u·(1 + e) < 1). The xoshiro128** step is inlined and
 * bit-identical to calling rng.nextU32().
 */
export function sampleSpins(e: Float64Array, out: Int8Array, rng: Rng): void {
  const st = rng.s;
  let s0 = st[0];
  let s1 = st[1];
  let s2 = st[2];
  let s3 = st[3];
  for (let i = 0; i < e.length; i++) {
    const m = Math.imul(s1, 5);
    const u = (Math.imul((m << 7) | (m >>> 25), 9) >>> 0) * U32_TO_UNIT;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s1 ^= n2;
    s0 ^= n3;
    s2 = n2 ^ t;
    s3 = (n3 << 11) | (n3 >>> 21);
    // Branch-free: the draws are unpredictable, and a mispredicted branch costs more than the rest.
    out[i] = 1 - 2 * +(u * (1 + e[i]) >= 1);
  }
  st[0] = s0;
  st[1] = s1;
  st[2] = s2;
  st[3] = s3;
}

/** t[J] = tanh h[J] from e = e^{−2h} (saturated where e would over- or underflow). */
export function tanhFields(h: Float64Array, e: Float64Array, t: Float64Array): void {
  for (let J = 0; J < h.length; J++) {
    const x = h[J];
    t[J] = x > 20 ? 1 : x < -20 ? -1 : (1 - e[J]) / (1 + e[J]);
  }
}

/** buckets[s·256 + pat[anchor_J + offset_s]] += weight·t[J]: the gradient, grouped by spin byte. */
export function addToBuckets(
  pat: Uint8Array,
  anchors: Int32Array,
  offsets: Int32Array,
  t: Float64Array,
  weight: number,
  buckets: Float64Array,
): void {
  const R = offsets.length;
  for (let J = 0; J < anchors.length; J++) {
    const a = anchors[J];
    const v = weight * t[J];
    for (let q = 0; q < R; q++) buckets[(q << 8) | pat[a + offsets[q]]] += v;
  }
}

/** grad[W index of bit c of segment s] += Σ_byte buckets[s][byte]·(±1 of bit c). */
export function resolveBuckets(buckets: Float64Array, weightIndex: Int32Array, grad: Float64Array): void {
  const segments = weightIndex.length / SEGMENT;
  for (let q = 0; q < segments; q++) {
    const base = q << 8;
    let total = 0;
    for (let p = 0; p < 256; p++) total += buckets[base + p];
    for (let c = 0; c < SEGMENT; c++) {
      const k = weightIndex[q * SEGMENT + c];
      if (k < 0) continue;
      let plus = 0;
      for (let p = 1 << c; p < 256; p = (p + 1) | (1 << c)) plus += buckets[base + p];
      grad[k] += 2 * plus - total;
    }
  }
}

/** log(2 cosh h) without overflow. */
export function logTwoCosh(h: number): number {
  const a = Math.abs(h);
  return a + Math.log1p(Math.exp(-2 * a));
}

/**
 * The lookup tables of one direction for one W: `table` plus whether E products are safe.
 * `update(W)` rebuilds them in place.
 */
export class FieldTable {
  readonly table: Float64Array;
  products = true;
  private readonly scratch = new Float64Array(2 * SEGMENT);

  constructor(
    readonly weightIndex: Int32Array,
    readonly segmentsPerGroup: number,
  ) {
    this.table = new Float64Array((weightIndex.length / SEGMENT) * 512);
  }

  update(W: Float64Array): void {
    this.products = buildTable(W, this.weightIndex, this.segmentsPerGroup, this.table, this.scratch);
  }
}
