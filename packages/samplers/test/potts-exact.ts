import { type ChainState, chiSquare, type Lattice, Rng, type SamplerKernel } from '@rsrg/core';

/**
 * Exact oracles of the nearest-neighbour Potts model on small tori, written from the
 * definition (not from the kernels' bond tables): S(σ) = Σ_x Σ_a δ(σ_x, σ_{x+e_a}), weight
 * exp(K S), docs/potts.md.
 */

/** Bonds of S: for every site x and axis a of size > 1, the pair (x, x + e_a). */
function bondPairs(lattice: Lattice): [Int32Array, Int32Array] {
  const from: number[] = [];
  const to: number[] = [];
  for (let a = 0; a < lattice.dimension; a++) {
    if (lattice.sizes[a] === 1) continue;
    const e = new Array<number>(lattice.dimension).fill(0);
    e[a] = 1;
    const plus = lattice.shift(e);
    for (let x = 0; x < lattice.volume; x++) {
      from.push(x);
      to.push(plus[x]);
    }
  }
  return [Int32Array.from(from), Int32Array.from(to)];
}

/** S(σ) of a configuration of states 0…q−1 (stored as bytes). */
export function pottsBondSum(lattice: Lattice, spins: Int8Array): number {
  const [from, to] = bondPairs(lattice);
  let s = 0;
  for (let b = 0; b < from.length; b++) if (spins[from[b]] === spins[to[b]]) s++;
  return s;
}

/** A function returning S(σ), with the bond list built once. */
export function bondSumOf(lattice: Lattice): (spins: Int8Array) => number {
  const [from, to] = bondPairs(lattice);
  return (spins) => {
    let s = 0;
    for (let b = 0; b < from.length; b++) if (spins[from[b]] === spins[to[b]]) s++;
    return s;
  };
}

/** The index Σ_i σ_i q^i of a configuration: the cell of the state histograms. */
export function stateIndex(spins: Int8Array, q: number): number {
  let c = 0;
  for (let i = spins.length - 1; i >= 0; i--) c = c * q + (spins[i] & 255);
  return c;
}

/** S(σ) of every configuration, indexed as `stateIndex` (q^N of them). */
export function bondSumTable(lattice: Lattice, q: number): Int32Array {
  const N = lattice.volume;
  const n = q ** N;
  const S = bondSumOf(lattice);
  const out = new Int32Array(n);
  const spins = new Int8Array(N);
  for (let c = 0; c < n; c++) {
    for (let i = 0, r = c; i < N; i++, r = Math.floor(r / q)) spins[i] = r % q;
    out[c] = S(spins);
  }
  return out;
}

/** Boltzmann probabilities exp(K S)/Z of every configuration, from `bondSumTable`. */
export function boltzmannProbabilities(table: Int32Array, K: number): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const s of table) max = Math.max(max, K * s);
  const p = Float64Array.from(table, (s) => Math.exp(K * s - max));
  let z = 0;
  for (const w of p) z += w;
  for (let c = 0; c < p.length; c++) p[c] /= z;
  return p;
}

/** ⟨S⟩ by enumeration, from `bondSumTable`. */
export function enumeratedBondMean(table: Int32Array, K: number): number {
  const p = boltzmannProbabilities(table, K);
  let s = 0;
  for (let c = 0; c < p.length; c++) s += p[c] * table[c];
  return s;
}

/**
 * ⟨S⟩ on the L×L torus by the row transfer matrix, for lattices too big to enumerate:
 * T_ab = exp(K (h_a/2 + h_b/2 + v_ab)) over row states a, b (h: equal horizontal pairs of a
 * row, v: equal vertical pairs between two rows), Z = Tr T^L and ⟨S⟩ = d ln Z/dK =
 * L Tr(T' T^{L−1})/Tr T^L with T' = dT/dK. Needs L ≥ 3 (no doubled bonds).
 */
export function transferBondMean(L: number, q: number, K: number): number {
  const n = q ** L;
  const rows = Array.from({ length: n }, (_, c) => {
    const r: number[] = [];
    for (let i = 0, x = c; i < L; i++, x = Math.floor(x / q)) r.push(x % q);
    return r;
  });
  const h = rows.map((r) => r.filter((s, i) => s === r[(i + 1) % L]).length);
  const E = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      let v = 0;
      for (let i = 0; i < L; i++) if (rows[a][i] === rows[b][i]) v++;
      E[a * n + b] = h[a] / 2 + h[b] / 2 + v;
    }
  // Scale T by exp(−K · max E) so powers stay finite; the ratio does not change.
  let emax = 0;
  for (const e of E) emax = Math.max(emax, e);
  const T = Float64Array.from(E, (e) => Math.exp(K * (e - emax)));
  const dT = Float64Array.from(E, (e, k) => e * T[k]);
  const mul = (A: Float64Array, B: Float64Array) => {
    const C = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < n; k++) {
        const a = A[i * n + k];
        if (a === 0) continue;
        for (let j = 0; j < n; j++) C[i * n + j] += a * B[k * n + j];
      }
    return C;
  };
  let P = T; // T^{L−1}
  for (let k = 2; k < L; k++) P = mul(P, T);
  const trace = (A: Float64Array, B: Float64Array) => {
    let t = 0;
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) t += A[i * n + k] * B[k * n + i];
    return t;
  };
  return (L * trace(dT, P)) / trace(T, P);
}

/**
 * Chi-square of a state histogram against exact probabilities, cells with an expected count
 * below 5 pooled (core's `chiSquare`). The Wilson–Hilferty z is standard normal under the
 * null: z > 3.09 is a p-value below 10⁻³.
 */
export function histogramTest(
  counts: Float64Array,
  p: Float64Array,
): { chi2: number; dof: number; z: number } {
  return chiSquare(counts, p, 5);
}

/** z > Z_REJECT ⇔ p-value < 10⁻³ (one-sided normal). */
export const Z_REJECT = 3.09;

/**
 * Mean and batch-means standard error of a series: `batches` consecutive batches, error =
 * sd(batch means)/√batches (batches much longer than the autocorrelation time).
 */
export function batchMeans(xs: Float64Array, batches: number): { value: number; error: number } {
  const size = Math.floor(xs.length / batches);
  const means = new Float64Array(batches);
  for (let b = 0; b < batches; b++) {
    let s = 0;
    for (let i = b * size; i < (b + 1) * size; i++) s += xs[i];
    means[b] = s / size;
  }
  let m = 0;
  for (const x of means) m += x;
  m /= batches;
  let v = 0;
  for (const x of means) v += (x - m) ** 2;
  return { value: m, error: Math.sqrt(v / (batches - 1) / batches) };
}

/** Builds a kernel of the Potts contract: (lattice, q, K) → SamplerKernel. */
export type PottsKernelFactory = (lattice: Lattice, q: number, K: number) => SamplerKernel;

/** A chain of `kernel` from the all-0 configuration on stream 0 of `seed`. */
export function pottsChain(lattice: Lattice, seed: number): ChainState {
  return { spins: new Int8Array(lattice.volume), rng: Rng.stream(seed, 0), moves: 0 };
}

/**
 * Histogram over the q^N states of `samples` configurations taken every `thin` steps after
 * `thermalize` steps (thinning well past the state autocorrelation time, so that the counts
 * are close to multinomial and the chi-square null holds).
 */
export function stateHistogram(
  kernel: SamplerKernel,
  state: ChainState,
  q: number,
  samples: number,
  thin: number,
  thermalize: number,
): Float64Array {
  const counts = new Float64Array(q ** state.spins.length);
  for (let i = 0; i < thermalize; i++) kernel.step(state);
  for (let i = 0; i < samples; i++) {
    for (let j = 0; j < thin; j++) kernel.step(state);
    counts[stateIndex(state.spins, q)]++;
  }
  return counts;
}

/** S(σ) after each of `steps` steps, after `thermalize` steps. */
export function bondSumSeries(
  lattice: Lattice,
  kernel: SamplerKernel,
  state: ChainState,
  steps: number,
  thermalize: number,
): Float64Array {
  const S = bondSumOf(lattice);
  for (let i = 0; i < thermalize; i++) kernel.step(state);
  const xs = new Float64Array(steps);
  for (let i = 0; i < steps; i++) {
    kernel.step(state);
    xs[i] = S(state.spins);
  }
  return xs;
}
