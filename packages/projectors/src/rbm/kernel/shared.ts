import { SEGMENT } from '../../window/index.js';

/**
 * What every RBM kernel shares with the others and with its callers, on the host: the check of
 * k and the format of the gradient buckets. A gradient Σ_J t_J σ_{bX_J+k} is accumulated per
 * window byte s as buckets[s·256 + byte] += t_J (bytes as `windowPatterns` makes them), so
 * that a configuration costs one add per byte instead of one per weight; `resolveBuckets`
 * turns the buckets into the w^d vector once per minibatch. The js kernel fills them with
 * `addToBuckets`, asm/rbm.ts with the same operations in the same order.
 */

/** Every gradient estimator's check of k. */
export function checkCdSteps(cdSteps: number): void {
  if (!Number.isInteger(cdSteps) || cdSteps < 1) {
    throw new RangeError(`CD needs at least one Gibbs step, got ${cdSteps}`);
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
