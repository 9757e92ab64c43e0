import { lbfgs } from './lbfgs.js';
import type { BlockEnvironmentPairs } from './pairs.js';

/**
 * The classifier q_φ(v|e) of RSMI's exact route: a log-linear (softmax) model over the 2^n
 * block states,
 *
 *   q(v|e) ∝ exp(Σ_i s_i(v) Σ_j A_ij e_j + c(v)),     c(v) = c(−v),
 *
 * with s_i(v) = ±1 the block spins. Z2 symmetry is built in: the first term is even under
 * (v, e) → (−v, −e) and c is even, so q(v|e) = q(−v|−e) exactly. Any v-only term (the block's
 * internal couplings) is allowed; the environment enters through the fields u_i = Σ_j A_ij e_j
 * on the block spins, the form of the exact conditional when E borders V. The fit is convex.
 */
export interface EnvironmentClassifier {
  /** n, the block spins. */
  readonly blockSites: number;
  /** m, the environment spins. */
  readonly environmentSites: number;
  /** A, n × m row-major: the field on block spin i from environment spin j. */
  readonly coupling: Float64Array;
  /** c over the 2^(n−1) Z2 classes, indexed by the class member below 2^(n−1). */
  readonly bias: Float64Array;
}

/** What a fit gives: the classifier and how it ended. */
export interface ClassifierFit {
  /** The fitted classifier. */
  readonly classifier: EnvironmentClassifier;
  /** Mean cross-entropy −⟨ln q(v|e)⟩ on the pairs it was fitted to (nats). */
  readonly crossEntropy: number;
  /** L-BFGS iterations. */
  readonly iterations: number;
  /** Whether L-BFGS met its tolerance. */
  readonly converged: boolean;
}

/** s_i(v) = ±1 of every block state, row-major [v][i]. */
export function blockSpins(n: number): Int8Array {
  const S = 1 << n;
  const s = new Int8Array(S * n);
  for (let v = 0; v < S; v++) for (let i = 0; i < n; i++) s[v * n + i] = (v >> i) & 1 ? 1 : -1;
  return s;
}

/** The Z2 class of each state: the member of {v, −v} below 2^(n−1). */
function classes(n: number): Int32Array {
  const S = 1 << n;
  const half = S >> 1;
  const mask = S - 1;
  const r = new Int32Array(S);
  for (let v = 0; v < S; v++) r[v] = v < half ? v : v ^ mask;
  return r;
}

/** The index of the lowest set bit of each state (0 for state 0, unused). */
function lowestBits(n: number): Int32Array {
  const S = 1 << n;
  const low = new Int32Array(S);
  for (let v = 1; v < S; v++) low[v] = 31 - Math.clz32(v & -v);
  return low;
}

/**
 * ln q(·|e) of one environment into `out` (2^n entries) given the fields `u` (n entries, written
 * here): Σ_i s_i u_i by adding 2u_k for each set bit, one addition per state.
 */
function logProbabilities(
  A: Float64Array,
  c: Float64Array,
  cls: Int32Array,
  low: Int32Array,
  n: number,
  m: number,
  env: Int8Array,
  offset: number,
  u: Float64Array,
  out: Float64Array,
): void {
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * m;
    for (let j = 0; j < m; j++) s += A[row + j] * env[offset + j];
    u[i] = s;
    total += s;
  }
  const S = 1 << n;
  out[0] = -total;
  for (let v = 1; v < S; v++) out[v] = out[v & (v - 1)] + 2 * u[low[v]];
  let max = Number.NEGATIVE_INFINITY;
  for (let v = 0; v < S; v++) {
    out[v] += c[cls[v]];
    if (out[v] > max) max = out[v];
  }
  let Z = 0;
  for (let v = 0; v < S; v++) Z += Math.exp(out[v] - max);
  const lnZ = max + Math.log(Z);
  for (let v = 0; v < S; v++) out[v] -= lnZ;
}

/**
 * Fits q_φ to the pairs by maximum likelihood with a ridge penalty (l2/2)·|φ|² (which also
 * fixes c's free constant), by L-BFGS from φ = 0.
 */
export function fitClassifier(
  pairs: BlockEnvironmentPairs,
  options: { l2: number; iterations: number },
): ClassifierFit {
  const n = pairs.blockSites;
  const m = pairs.environmentSites;
  const S = 1 << n;
  const nA = n * m;
  const nc = S >> 1;
  const cls = classes(n);
  const low = lowestBits(n);
  const spins = blockSpins(n);
  const u = new Float64Array(n);
  const lq = new Float64Array(S);
  const du = new Float64Array(n);
  const N = pairs.count;
  const { blocks, environments } = pairs;
  const objective = (x: Float64Array, grad: Float64Array): number => {
    const A = x.subarray(0, nA);
    const c = x.subarray(nA);
    grad.fill(0);
    const gA = grad.subarray(0, nA);
    const gc = grad.subarray(nA);
    let loss = 0;
    for (let k = 0; k < N; k++) {
      const off = k * m;
      logProbabilities(A, c, cls, low, n, m, environments, off, u, lq);
      const t = blocks[k];
      loss -= lq[t];
      du.fill(0);
      for (let v = 0; v < S; v++) {
        const q = Math.exp(lq[v]);
        gc[cls[v]] += q;
        const sv = v * n;
        for (let i = 0; i < n; i++) du[i] += q * spins[sv + i];
      }
      gc[cls[t]] -= 1;
      for (let i = 0; i < n; i++) {
        const d = du[i] - spins[t * n + i];
        if (d === 0) continue;
        const row = i * m;
        for (let j = 0; j < m; j++) gA[row + j] += d * environments[off + j];
      }
    }
    let penalty = 0;
    for (let p = 0; p < x.length; p++) {
      grad[p] = grad[p] / N + options.l2 * x[p];
      penalty += x[p] * x[p];
    }
    return loss / N + 0.5 * options.l2 * penalty;
  };
  const result = lbfgs(objective, new Float64Array(nA + nc), {
    iterations: options.iterations,
    tolerance: 1e-6,
  });
  const classifier: EnvironmentClassifier = {
    blockSites: n,
    environmentSites: m,
    coupling: Float64Array.from(result.x.subarray(0, nA)),
    bias: Float64Array.from(result.x.subarray(nA)),
  };
  return {
    classifier,
    crossEntropy: crossEntropy(conditionalTable(classifier, pairs), pairs),
    iterations: result.iterations,
    converged: result.converged,
  };
}

/** q(v|e_k) of every pair k and state v, row-major [k][v]. */
export function conditionalTable(
  classifier: EnvironmentClassifier,
  pairs: BlockEnvironmentPairs,
): Float64Array {
  const n = classifier.blockSites;
  const m = classifier.environmentSites;
  if (pairs.blockSites !== n || pairs.environmentSites !== m)
    throw new RangeError(
      `the classifier is for ${n} + ${m} sites, the pairs have ${pairs.blockSites} + ${pairs.environmentSites}`,
    );
  const S = 1 << n;
  const cls = classes(n);
  const low = lowestBits(n);
  const u = new Float64Array(n);
  const lq = new Float64Array(S);
  const table = new Float64Array(pairs.count * S);
  for (let k = 0; k < pairs.count; k++) {
    logProbabilities(classifier.coupling, classifier.bias, cls, low, n, m, pairs.environments, k * m, u, lq);
    for (let v = 0; v < S; v++) table[k * S + v] = Math.exp(lq[v]);
  }
  return table;
}

/** −⟨ln q(v_k|e_k)⟩ over the pairs, from their conditional table (nats). */
export function crossEntropy(table: Float64Array, pairs: BlockEnvironmentPairs): number {
  const S = 1 << pairs.blockSites;
  let s = 0;
  for (let k = 0; k < pairs.count; k++) s -= Math.log(table[k * S + pairs.blocks[k]]);
  return s / pairs.count;
}
