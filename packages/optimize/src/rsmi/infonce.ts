import { type Estimate, meanError, Rng } from '@rsrg/core';
import { blockSpins } from './classifier.js';
import { filterProbabilities } from './mutual-information.js';
import type { BlockEnvironmentPairs } from './pairs.js';

/**
 * InfoNCE, the cross-check of RSMI's exact route (Koch-Janusz & Ringel 2018; RSMI-NE): a lower
 * bound on I(H:E) from a separable critic f(e, h) = g(e)·k(h), with g and k one-hidden-layer
 * tanh networks, over batches of B pairs:
 *
 *   I_NCE = ⟨f(e_i, h_i) − ln((1/B) Σ_j e^{f(e_i, h_j)})⟩_i ≤ I(H:E),   I_NCE ≤ ln B.
 *
 * H is relaxed for training, H = σ((a + ℓ)/τ) with a = 2 λ·v and ℓ logistic noise (as τ → 0,
 * H → 1[a + ℓ > 0], which is +1 with probability σ(a) = p_λ(H = +1|v)); τ is annealed
 * geometrically from `tauStart` to `tauEnd`. Critic and (unless fixed) λ are trained together
 * by Adam. Backpropagation is written out on Float64Arrays: the networks are a few hundred
 * weights.
 */

/** Settings of an InfoNCE training. */
export interface InfoNceOptions {
  /** Hidden units of g and of k. */
  readonly hidden: number;
  /** Dimension of the embeddings g(e), k(h). */
  readonly embedding: number;
  /** B, pairs per batch (the bound is at most ln B). */
  readonly batch: number;
  /** Adam steps. */
  readonly steps: number;
  /** Adam's learning rate. */
  readonly learningRate: number;
  /** τ at the first step. */
  readonly tauStart: number;
  /** τ at the last step. */
  readonly tauEnd: number;
  /** Seed of the initial weights, the batches and the noise. */
  readonly seed: number;
  /** A fixed filter: only the critic is trained. Otherwise λ is trained too, from `start`. */
  readonly lambda?: ArrayLike<number>;
  /** The initial λ when it is trained (default the asymmetric λ_i = (1 + i/n)/2). */
  readonly start?: ArrayLike<number>;
}

/** The defaults of the recipe: batch 250, τ from 2 to 0.05, Adam with learning rate 5·10⁻³. */
export const INFONCE_DEFAULTS: Omit<InfoNceOptions, 'seed'> = {
  hidden: 16,
  embedding: 8,
  batch: 250,
  steps: 1500,
  learningRate: 5e-3,
  tauStart: 2,
  tauEnd: 0.05,
};

/** A trained separable critic and filter. */
export interface InfoNceModel {
  /** The filter λ (Σλ ≥ 0 unless fixed). */
  readonly lambda: Float64Array;
  /** All critic weights, packed (see `layout`). */
  readonly weights: Float64Array;
  /** m, hidden and embedding sizes the weights are packed for. */
  readonly shape: {
    /** m, the environment spins g reads. */
    readonly environmentSites: number;
    /** Hidden units of g and of k. */
    readonly hidden: number;
    /** Dimension of g(e) and k(h). */
    readonly embedding: number;
  };
  /** I_NCE of each training batch (with the relaxed H), in order. */
  readonly trace: Float64Array;
}

/** Offsets of each weight block in the packed vector. */
function layout(m: number, hid: number, emb: number) {
  const W1 = 0;
  const b1 = W1 + hid * m;
  const W2 = b1 + hid;
  const b2 = W2 + emb * hid;
  const w3 = b2 + emb;
  const b3 = w3 + hid;
  const W4 = b3 + hid;
  const b4 = W4 + emb * hid;
  return { W1, b1, W2, b2, w3, b3, W4, b4, size: b4 + emb };
}

/** Work arrays for one batch. */
class Workspace {
  readonly z1: Float64Array;
  readonly g: Float64Array;
  readonly z3: Float64Array;
  readonly k: Float64Array;
  readonly F: Float64Array;
  readonly dg: Float64Array;
  readonly dk: Float64Array;
  readonly h: Float64Array;
  readonly dh: Float64Array;
  constructor(B: number, hid: number, emb: number) {
    this.z1 = new Float64Array(B * hid);
    this.g = new Float64Array(B * emb);
    this.z3 = new Float64Array(B * hid);
    this.k = new Float64Array(B * emb);
    this.F = new Float64Array(B * B);
    this.dg = new Float64Array(B * emb);
    this.dk = new Float64Array(B * emb);
    this.h = new Float64Array(B);
    this.dh = new Float64Array(B);
  }
}

/**
 * I_NCE of one batch (rows `index`, the H values in ws.h already set), and with `grad` the
 * gradient of −I_NCE in the weights (added) and ∂(−I_NCE)/∂h_j in ws.dh.
 */
function batchBound(
  w: Float64Array,
  L: ReturnType<typeof layout>,
  m: number,
  hid: number,
  emb: number,
  env: Int8Array,
  index: Int32Array,
  ws: Workspace,
  grad?: Float64Array,
): number {
  const B = index.length;
  const { z1, g, z3, k, F, dg, dk, h, dh } = ws;
  for (let r = 0; r < B; r++) {
    const off = index[r] * m;
    for (let u = 0; u < hid; u++) {
      let a = w[L.b1 + u];
      const row = L.W1 + u * m;
      for (let j = 0; j < m; j++) a += w[row + j] * env[off + j];
      z1[r * hid + u] = Math.tanh(a);
      z3[r * hid + u] = Math.tanh(w[L.w3 + u] * h[r] + w[L.b3 + u]);
    }
    for (let c = 0; c < emb; c++) {
      let a = w[L.b2 + c];
      let b = w[L.b4 + c];
      for (let u = 0; u < hid; u++) {
        a += w[L.W2 + c * hid + u] * z1[r * hid + u];
        b += w[L.W4 + c * hid + u] * z3[r * hid + u];
      }
      g[r * emb + c] = a;
      k[r * emb + c] = b;
    }
  }
  let bound = 0;
  for (let i = 0; i < B; i++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < B; j++) {
      let s = 0;
      for (let c = 0; c < emb; c++) s += g[i * emb + c] * k[j * emb + c];
      F[i * B + j] = s;
      if (s > max) max = s;
    }
    let Z = 0;
    for (let j = 0; j < B; j++) Z += Math.exp(F[i * B + j] - max);
    const lse = max + Math.log(Z);
    bound += F[i * B + i] - lse + Math.log(B);
    if (grad)
      for (let j = 0; j < B; j++) F[i * B + j] = (Math.exp(F[i * B + j] - lse) - (i === j ? 1 : 0)) / B;
  }
  if (!grad) return bound / B;
  // F now holds ∂(−I_NCE)/∂f_ij.
  dg.fill(0);
  dk.fill(0);
  for (let i = 0; i < B; i++)
    for (let j = 0; j < B; j++) {
      const d = F[i * B + j];
      for (let c = 0; c < emb; c++) {
        dg[i * emb + c] += d * k[j * emb + c];
        dk[j * emb + c] += d * g[i * emb + c];
      }
    }
  for (let r = 0; r < B; r++) {
    const off = index[r] * m;
    let dhr = 0;
    for (let c = 0; c < emb; c++) {
      grad[L.b2 + c] += dg[r * emb + c];
      grad[L.b4 + c] += dk[r * emb + c];
    }
    for (let u = 0; u < hid; u++) {
      let d1 = 0;
      let d3 = 0;
      const y1 = z1[r * hid + u];
      const y3 = z3[r * hid + u];
      for (let c = 0; c < emb; c++) {
        grad[L.W2 + c * hid + u] += dg[r * emb + c] * y1;
        grad[L.W4 + c * hid + u] += dk[r * emb + c] * y3;
        d1 += w[L.W2 + c * hid + u] * dg[r * emb + c];
        d3 += w[L.W4 + c * hid + u] * dk[r * emb + c];
      }
      d1 *= 1 - y1 * y1;
      d3 *= 1 - y3 * y3;
      grad[L.b1 + u] += d1;
      const row = L.W1 + u * m;
      for (let j = 0; j < m; j++) grad[row + j] += d1 * env[off + j];
      grad[L.w3 + u] += d3 * h[r];
      grad[L.b3 + u] += d3;
      dhr += d3 * w[L.w3 + u];
    }
    dh[r] = dhr;
  }
  return bound / B;
}

/**
 * Trains the critic (and λ unless fixed) on `pairs` by Adam on −I_NCE, one random batch of B
 * distinct pairs per step.
 */
export function trainInfoNce(pairs: BlockEnvironmentPairs, options: InfoNceOptions): InfoNceModel {
  const n = pairs.blockSites;
  const m = pairs.environmentSites;
  const { hidden: hid, embedding: emb, batch: B, steps } = options;
  if (pairs.count < B)
    throw new RangeError(`InfoNCE needs at least a batch of ${B} pairs, got ${pairs.count}`);
  const L = layout(m, hid, emb);
  const rng = Rng.stream(options.seed, 0);
  // Parameters: the critic's weights, then λ.
  const P = L.size + n;
  const x = new Float64Array(P);
  const init = (from: number, count: number, fanIn: number) => {
    const a = Math.sqrt(3 / fanIn);
    for (let p = from; p < from + count; p++) x[p] = (2 * rng.nextFloat() - 1) * a;
  };
  init(L.W1, hid * m, m);
  init(L.W2, emb * hid, hid);
  init(L.w3, hid, 1);
  init(L.W4, emb * hid, hid);
  const trainLambda = options.lambda === undefined;
  const lambda0 = options.lambda ?? options.start ?? Array.from({ length: n }, (_, i) => (1 + i / n) / 2);
  for (let i = 0; i < n; i++) x[L.size + i] = lambda0[i];
  const spins = blockSpins(n);
  const grad = new Float64Array(P);
  const mom = new Float64Array(P);
  const vel = new Float64Array(P);
  const ws = new Workspace(B, hid, emb);
  const index = new Int32Array(B);
  const order = new Int32Array(pairs.count);
  for (let k = 0; k < order.length; k++) order[k] = k;
  const logit = new Float64Array(B);
  const trace = new Float64Array(steps);
  const beta1 = 0.9;
  const beta2 = 0.999;
  for (let t = 0; t < steps; t++) {
    const tau = options.tauStart * (options.tauEnd / options.tauStart) ** (steps > 1 ? t / (steps - 1) : 1);
    // B distinct pairs: partial Fisher–Yates over the pair indices.
    for (let r = 0; r < B; r++) {
      const j = r + rng.nextInt(order.length - r);
      const s = order[r];
      order[r] = order[j];
      order[j] = s;
      index[r] = order[r];
    }
    for (let r = 0; r < B; r++) {
      const v = pairs.blocks[index[r]];
      let a = 0;
      for (let i = 0; i < n; i++) a += x[L.size + i] * spins[v * n + i];
      a *= 2;
      // Logistic noise from u in (0, 1).
      const u = (rng.nextU32() + 0.5) / 4294967296;
      const y = (a + Math.log(u) - Math.log1p(-u)) / tau;
      logit[r] = y;
      ws.h[r] = 1 / (1 + Math.exp(-y));
    }
    grad.fill(0);
    trace[t] = batchBound(x, L, m, hid, emb, pairs.environments, index, ws, grad);
    if (trainLambda) {
      for (let r = 0; r < B; r++) {
        const hr = ws.h[r];
        const dA = (ws.dh[r] * hr * (1 - hr)) / tau;
        const v = pairs.blocks[index[r]];
        for (let i = 0; i < n; i++) grad[L.size + i] += 2 * dA * spins[v * n + i];
      }
    }
    const c1 = 1 - beta1 ** (t + 1);
    const c2 = 1 - beta2 ** (t + 1);
    const top = trainLambda ? P : L.size;
    for (let p = 0; p < top; p++) {
      mom[p] = beta1 * mom[p] + (1 - beta1) * grad[p];
      vel[p] = beta2 * vel[p] + (1 - beta2) * grad[p] * grad[p];
      x[p] -= (options.learningRate * (mom[p] / c1)) / (Math.sqrt(vel[p] / c2) + 1e-8);
    }
  }
  const lambda = Float64Array.from(x.subarray(L.size));
  if (trainLambda && lambda.reduce((s, v) => s + v, 0) < 0)
    for (let i = 0; i < n; i++) lambda[i] = -lambda[i];
  return {
    lambda,
    weights: Float64Array.from(x.subarray(0, L.size)),
    shape: { environmentSites: m, hidden: hid, embedding: emb },
    trace,
  };
}

/**
 * I_NCE of a trained critic on held-out pairs at filter λ, with H drawn from p_λ(H|v) (hard,
 * τ → 0): the pairs in a seeded random order (so that a batch does not gather the blocks of one
 * configuration), cut into batches of B, mean ± standard error over the batches.
 */
export function infoNceBound(
  model: InfoNceModel,
  pairs: BlockEnvironmentPairs,
  lambda: ArrayLike<number>,
  options: { batch: number; seed: number },
): Estimate {
  const { environmentSites: m, hidden: hid, embedding: emb } = model.shape;
  if (pairs.environmentSites !== m) throw new RangeError(`the critic is for ${m} environment spins`);
  const B = options.batch;
  const L = layout(m, hid, emb);
  const p = filterProbabilities(lambda);
  const rng = Rng.stream(options.seed, 1);
  const ws = new Workspace(B, hid, emb);
  const index = new Int32Array(B);
  const order = new Int32Array(pairs.count);
  for (let k = 0; k < order.length; k++) order[k] = k;
  for (let k = order.length - 1; k > 0; k--) {
    const j = rng.nextInt(k + 1);
    const s = order[k];
    order[k] = order[j];
    order[j] = s;
  }
  const values: number[] = [];
  for (let start = 0; start + B <= pairs.count; start += B) {
    for (let r = 0; r < B; r++) {
      index[r] = order[start + r];
      ws.h[r] = rng.nextFloat() < p[pairs.blocks[index[r]]] ? 1 : 0;
    }
    values.push(batchBound(model.weights, L, m, hid, emb, pairs.environments, index, ws));
  }
  if (values.length < 2) throw new RangeError(`error bars need at least 2 batches of ${B} pairs`);
  return meanError(values);
}
