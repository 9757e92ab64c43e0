import { blockSpins, crossEntropy } from './classifier.js';
import { lbfgs } from './lbfgs.js';
import type { BlockEnvironmentPairs } from './pairs.js';

/**
 * The exact route of RSMI for one block, given q(v|e) of every pair (a table from
 * `conditionalTable`): the filter p_λ(H = +1|v) = σ(2 Σ_i λ_i v_i) (the RBM projector's
 * e^{h}/(2 cosh h) with h = Σ_i λ_i v_i), and
 *
 *   I(H:E) = H_b(⟨p_λ⟩) − ⟨H_b(m_λ(e))⟩_e,     m_λ(e) = Σ_v p_λ(v) q(v|e),
 *
 * with H_b the binary entropy (nats). The ensemble is Z2 symmetric and each pair is counted
 * with its flip (q(−v|−e) = q(v|e) and p_λ(−v) = 1 − p_λ(v), so m(−e) = 1 − m(e) and
 * H_b(m) is the same): ⟨p_λ⟩ = 1/2 and H(H) = ln 2 exactly.
 */

/** p_λ(H = +1|v) = σ(2 Σ_i λ_i s_i(v)) for every block state v. */
export function filterProbabilities(lambda: ArrayLike<number>): Float64Array {
  const n = lambda.length;
  const S = 1 << n;
  const spins = blockSpins(n);
  const p = new Float64Array(S);
  for (let v = 0; v < S; v++) {
    let h = 0;
    for (let i = 0; i < n; i++) h += lambda[i] * spins[v * n + i];
    p[v] = 1 / (1 + Math.exp(-2 * h));
  }
  return p;
}

function binaryEntropy(m: number): number {
  if (m <= 0 || m >= 1) return 0;
  return -m * Math.log(m) - (1 - m) * Math.log1p(-m);
}

/**
 * I(H:E) at λ from the conditional table of `count` pairs (nats); with `gradient` (n entries)
 * also ∂I/∂λ_i = −⟨H_b′(m) ∂m/∂λ_i⟩, H_b′(m) = ln((1 − m)/m), ∂p_λ(v)/∂λ_i = 2 s_i(v) p(1 − p).
 */
export function informationHE(
  table: Float64Array,
  count: number,
  lambda: ArrayLike<number>,
  gradient?: Float64Array,
): number {
  const n = lambda.length;
  const S = 1 << n;
  if (table.length !== count * S)
    throw new RangeError(`a table of ${count} pairs over ${S} states has ${count * S} entries`);
  const p = filterProbabilities(lambda);
  const spins = blockSpins(n);
  const D = new Float64Array(S * n);
  for (let v = 0; v < S; v++) {
    const w = 2 * p[v] * (1 - p[v]);
    for (let i = 0; i < n; i++) D[v * n + i] = w * spins[v * n + i];
  }
  const dm = new Float64Array(n);
  if (gradient) gradient.fill(0);
  let h = 0;
  for (let k = 0; k < count; k++) {
    const row = k * S;
    let m = 0;
    for (let v = 0; v < S; v++) m += p[v] * table[row + v];
    h += binaryEntropy(m);
    if (!gradient || m <= 0 || m >= 1) continue;
    dm.fill(0);
    for (let v = 0; v < S; v++) {
      const q = table[row + v];
      for (let i = 0; i < n; i++) dm[i] += q * D[v * n + i];
    }
    const slope = Math.log1p(-m) - Math.log(m);
    for (let i = 0; i < n; i++) gradient[i] -= slope * dm[i];
  }
  if (gradient) for (let i = 0; i < n; i++) gradient[i] /= count;
  return Math.LN2 - h / count;
}

/**
 * H(V), the entropy of the block states (nats): the plug-in estimate over the Z2 classes
 * (a state and its flip are equally likely in a Z2-symmetric ensemble) with the Miller–Madow
 * correction (occupied classes − 1)/(2N).
 */
export function blockEntropy(pairs: BlockEnvironmentPairs): number {
  const n = pairs.blockSites;
  const S = 1 << n;
  const half = S >> 1;
  const counts = new Float64Array(half);
  for (let k = 0; k < pairs.count; k++) {
    const v = pairs.blocks[k];
    counts[v < half ? v : v ^ (S - 1)]++;
  }
  const N = pairs.count;
  let H = 0;
  let occupied = 0;
  for (let c = 0; c < half; c++) {
    if (counts[c] === 0) continue;
    occupied++;
    const f = counts[c] / N;
    H -= f * Math.log(f);
  }
  // Each class holds two equally likely states.
  return H + Math.LN2 + (occupied - 1) / (2 * N);
}

/** I(V:E) ≥ H(V) − ⟨−ln q(v|e)⟩: the variational bound with the classifier's table (nats). */
export function informationVE(table: Float64Array, pairs: BlockEnvironmentPairs): number {
  return blockEntropy(pairs) - crossEntropy(table, pairs);
}

/**
 * The filter of norm |λ| = `norm` that maximizes I(H:E): L-BFGS over the direction, λ = norm·x/|x|
 * (∂I/∂x = (norm/|x|)(g − (g·x̂)x̂)). The norm is fixed because I(H:E) grows with |λ| along
 * the best direction (a deterministic H carries the most information), so only the direction
 * is RSMI's to choose. Starts from the asymmetric x_i = 1 + i/n (so that a symmetric answer
 * is found, not assumed); returns λ with Σλ ≥ 0 (H and −H carry the same information).
 */
export function maximizeInformation(
  table: Float64Array,
  count: number,
  n: number,
  options: { norm: number; iterations: number; start?: ArrayLike<number> },
): {
  /** The maximizing λ, |λ|₂ = norm, Σλ ≥ 0. */
  lambda: Float64Array;
  /** I(H:E) there, on the table's pairs (nats). */
  information: number;
  /** L-BFGS iterations. */
  iterations: number;
} {
  const { norm } = options;
  const lambda = new Float64Array(n);
  const g = new Float64Array(n);
  const f = (x: Float64Array, grad: Float64Array): number => {
    let r = 0;
    for (let i = 0; i < n; i++) r += x[i] * x[i];
    r = Math.sqrt(r);
    for (let i = 0; i < n; i++) lambda[i] = (norm * x[i]) / r;
    const I = informationHE(table, count, lambda, g);
    let gx = 0;
    for (let i = 0; i < n; i++) gx += (g[i] * x[i]) / r;
    for (let i = 0; i < n; i++) grad[i] = -(norm / r) * (g[i] - (gx * x[i]) / r);
    return -I;
  };
  const start = options.start ?? Array.from({ length: n }, (_, i) => 1 + i / n);
  const result = lbfgs(f, start, { iterations: options.iterations, tolerance: 1e-9 });
  let r = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) r += result.x[i] * result.x[i];
  r = Math.sqrt(r);
  for (let i = 0; i < n; i++) {
    lambda[i] = (norm * result.x[i]) / r;
    sum += lambda[i];
  }
  if (sum < 0) for (let i = 0; i < n; i++) lambda[i] = -lambda[i];
  return { lambda, information: informationHE(table, count, lambda), iterations: result.iterations };
}
