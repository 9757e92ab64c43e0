import type { Rng } from '@rsrg/core';

/**
 * The RBM's own loops of the js kernel, on typed arrays (the window sums are in `window/`):
 * sampling ±1 units from their Boltzmann factors and tanh of the fields.
 */

const U32_TO_UNIT = 2.3283064365386963e-10;

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
