import type { Rng } from '@rsrg/core';

/** The q-state RBM's own loops of the js kernel, on typed arrays. */

const U32_TO_UNIT = 2.3283064365386963e-10;

/**
 * One categorical draw per unit u = 0..out.length−1 from the fields f[u·q + c]:
 * P(out[u] = c) = e^{f_c} / Σ_c' e^{f_c'}. One uniform x = nextU32·2^-32 per unit, in unit
 * order; the state is the first a with x·Σ_c p_c < Σ_{c ≤ a} p_c, p_c = e^{f_c − max f}. The
 * xoshiro128** step is inlined and bit-identical to rng.nextU32(). `p` is scratch of q entries.
 */
export function sampleCategorical(
  f: Float64Array,
  q: number,
  out: Int8Array,
  p: Float64Array,
  rng: Rng,
): void {
  const st = rng.s;
  let s0 = st[0];
  let s1 = st[1];
  let s2 = st[2];
  let s3 = st[3];
  const n = out.length;
  for (let u = 0; u < n; u++) {
    const base = u * q;
    let max = f[base];
    for (let c = 1; c < q; c++) if (f[base + c] > max) max = f[base + c];
    let total = 0;
    for (let c = 0; c < q; c++) {
      const e = Math.exp(f[base + c] - max);
      p[c] = e;
      total += e;
    }
    const m = Math.imul(s1, 5);
    const x = (Math.imul((m << 7) | (m >>> 25), 9) >>> 0) * U32_TO_UNIT * total;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s1 ^= n2;
    s0 ^= n3;
    s2 = n2 ^ t;
    s3 = (n3 << 11) | (n3 >>> 21);
    let a = 0;
    let acc = p[0];
    while (a < q - 1 && x >= acc) acc += p[++a];
    out[u] = a;
  }
  st[0] = s0;
  st[1] = s1;
  st[2] = s2;
  st[3] = s3;
}

/**
 * φ_{J,a} = Σ_k W_k δ(σ_{window(J,k)}, a) at phi[J·q + a] and logNorm[J] = log Σ_a e^{φ_{J,a}},
 * for σ = sigma[offset ..] (states as unsigned bytes).
 */
export function hiddenFields(
  W: Float64Array,
  windows: Int32Array,
  q: number,
  sigma: Int8Array,
  offset: number,
  phi: Float64Array,
  logNorm: Float64Array,
): void {
  const wd = W.length;
  const hidden = logNorm.length;
  for (let J = 0; J < hidden; J++) {
    const base = J * q;
    for (let c = 0; c < q; c++) phi[base + c] = 0;
    const wb = J * wd;
    for (let k = 0; k < wd; k++) phi[base + (sigma[offset + windows[wb + k]] & 255)] += W[k];
    let max = phi[base];
    for (let c = 1; c < q; c++) if (phi[base + c] > max) max = phi[base + c];
    let total = 0;
    for (let c = 0; c < q; c++) total += Math.exp(phi[base + c] - max);
    logNorm[J] = max + Math.log(total);
  }
}

/** ψ_{i,c} = Σ_{(J,k) ∋ i} W_k δ(c, μ_J) at psi[i·q + c], from the transposed table. */
export function visibleFields(
  W: Float64Array,
  start: Int32Array,
  unit: Int32Array,
  weight: Int32Array,
  q: number,
  mu: Int8Array,
  psi: Float64Array,
): void {
  const visible = start.length - 1;
  psi.fill(0);
  for (let i = 0; i < visible; i++) {
    const base = i * q;
    const end = start[i + 1];
    for (let e = start[i]; e < end; e++) psi[base + (mu[unit[e]] & 255)] += W[weight[e]];
  }
}

/**
 * grad[k] += scale·Σ_J P(μ_J = σ_{window(J,k)} | σ), the gradient of log Y, from the fields
 * of σ = sigma[offset ..]; `prob` is scratch of hidden·q entries.
 */
export function addLogYGradient(
  phi: Float64Array,
  logNorm: Float64Array,
  windows: Int32Array,
  q: number,
  sigma: Int8Array,
  offset: number,
  scale: number,
  prob: Float64Array,
  grad: Float64Array,
): void {
  const hidden = logNorm.length;
  const wd = grad.length;
  for (let J = 0; J < hidden; J++) {
    const base = J * q;
    const z = logNorm[J];
    for (let c = 0; c < q; c++) prob[base + c] = scale * Math.exp(phi[base + c] - z);
  }
  for (let J = 0; J < hidden; J++) {
    const base = J * q;
    const wb = J * wd;
    for (let k = 0; k < wd; k++) grad[k] += prob[base + (sigma[offset + windows[wb + k]] & 255)];
  }
}
