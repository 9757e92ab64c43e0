import { CompiledCouplings, type Coupling, type Estimate, jackknife, UsageError } from '@rsrg/core';
import { binSamples, projectingStream, resolveLevels } from '@rsrg/mcrg';
import type { StochasticMajorityParameters } from '@rsrg/projectors';
import { EigenvalueDecomposition, inverse, Matrix } from 'ml-matrix';
import { BlockScore, type LinearFieldRule, stochasticMajorityField } from './linear-field.js';
import { checkBinRange, firstConfiguration, type StoredConfigurations } from './reblocking.js';

/** Options of `exponentGradient`. */
export interface ExponentGradientOptions {
  /** The couplings of the sector, in N_c order; the first `nc` are used. */
  readonly couplings: readonly Coupling[];
  /** Truncation N_c. */
  readonly nc: number;
  /** The RG step N_r of the exponent (T maps level N_r − 1 to level N_r). */
  readonly nr: number;
  /** Block size b (default 2). */
  readonly blockSize?: number;
  /** Seed of the common random numbers: bin k draws from `projectingStream(seed, k)`, as `Reblocking`. */
  readonly seed: number;
  /** Jackknife bins (default 32). */
  readonly bins?: number;
}

/** Options of `ExponentGradients`: those of `exponentGradient` with every N_r up to `levels`. */
export interface ExponentGradientsOptions extends Omit<ExponentGradientOptions, 'nr'> {
  /** RG steps: the exponents at N_r = 1..levels (default: `resolveLevels`, coarsest side ≥ 4). */
  readonly levels?: number;
}

/** y at (N_r, N_c) and its derivatives in θ = (w, w₁), with jackknife errors. */
export interface ExponentGradient {
  /** y = ln λ / ln b. */
  readonly y: Estimate;
  /** ∂y/∂w and ∂y/∂w₁. */
  readonly gradient: readonly [Estimate, Estimate];
}

/** y at one N_r and its derivative in every parameter of a linear-field rule, with jackknife errors. */
export interface ExponentWithGradient {
  /** RG step N_r. */
  readonly nr: number;
  /** y = ln λ / ln b. */
  readonly y: Estimate;
  /** ∂y/∂θ_j, in the rule's parameter order. */
  readonly gradient: readonly Estimate[];
  /**
   * [y, ∂y/∂θ_0, …] on all bins (entry 0) and leaving bin k out (entry k + 1): the jackknife
   * replicas, for the errors of functions of several exponents (the loss gradient).
   */
  readonly replicas: readonly (readonly number[])[];
}

/** The largest real eigenvalue of T with its right and left eigenvectors. */
function leading(T: Matrix): { lambda: number; v: number[]; u: number[] } {
  const pick = (M: Matrix) => {
    const e = new EigenvalueDecomposition(M);
    const re = e.realEigenvalues;
    const im = e.imaginaryEigenvalues;
    let best = -1;
    for (let i = 0; i < re.length; i++)
      if (Math.abs(im[i]) <= 1e-9 * Math.abs(re[i]) && (best < 0 || re[i] > re[best])) best = i;
    if (best < 0) return { lambda: Number.NaN, vector: [] as number[] };
    return { lambda: re[best], vector: e.eigenvectorMatrix.getColumn(best) };
  };
  const right = pick(T);
  const left = pick(T.transpose());
  return { lambda: right.lambda, v: right.vector, u: left.vector };
}

/**
 * The derivative of MCRG exponents in the parameters θ of a block rule whose field is linear in
 * them (`LinearFieldRule`: the stochastic majority rule, the RBM filter), by the score
 * function: every average X of the blocked configurations up to level N_r has
 * ∂⟨X⟩/∂θ = ⟨(X − ⟨X⟩) G⟩, G = Σ_{levels ≤ N_r} Σ_B (μ_B − tanh h_B) ∂h_B/∂θ (the blockings
 * multiply, so their scores add). That gives dA and dB of T = A⁻¹B, then
 * dT = A⁻¹(dB − dA T), dλ = uᵀ dT v / (uᵀ v) with u, v the left and right eigenvectors of the
 * leading eigenvalue, and dy = dλ / (λ ln b). One pass over the stored configurations gives
 * every N_r up to `levels`; the draws are those of `Reblocking` with the same seed and bins,
 * so finite differences of its exponents are the natural check. The level-0 coupling sums do
 * not depend on θ: they are evaluated on the first measurement and copied after that.
 */
export class ExponentGradients {
  /** The stored configurations. */
  readonly data: StoredConfigurations;
  /** RG steps measured: N_r = 1..levels. */
  readonly levels: number;
  /** Jackknife bins. */
  readonly bins: number;
  /** Block size b. */
  readonly blockSize: number;
  /** Truncation N_c. */
  readonly nc: number;
  private readonly couplings: readonly Coupling[];
  private readonly seed: number;
  /** Level-0 sums of every configuration (nc values each), made on the first measurement. */
  private level0?: Float64Array;
  /** Whether bin k's level-0 sums are in `level0` (1) or still to be evaluated (0). */
  private readonly cached: Uint8Array;

  /** @param data the stored configurations @param options the sector's couplings, N_c, b, levels, bins and seed */
  constructor(data: StoredConfigurations, options: ExponentGradientsOptions) {
    const b = options.blockSize ?? 2;
    const bins = options.bins ?? 32;
    const { nc } = options;
    if (!Number.isInteger(nc) || nc < 1 || nc > options.couplings.length)
      throw new UsageError(`N_c must be in 1..${options.couplings.length}, got ${nc}`);
    if (!Number.isSafeInteger(bins) || bins < 2)
      throw new UsageError(`bins must be an integer ≥ 2, got ${bins}`);
    if (data.count < bins) throw new UsageError(`${data.count} configurations are too few for ${bins} bins`);
    this.data = data;
    this.blockSize = b;
    this.bins = bins;
    this.nc = nc;
    this.levels = resolveLevels(data.lattice, b, options.levels);
    this.couplings = options.couplings.slice(0, nc);
    this.seed = options.seed;
    this.cached = new Uint8Array(bins);
  }

  /** y and ∂y/∂θ at every N_r = 1..levels for `rule` at its θ. */
  measure(rule: LinearFieldRule): ExponentWithGradient[] {
    return this.estimates(this.sumBins(rule, 0, this.bins), rule.theta.length);
  }

  /**
   * The per-bin sums behind `measure` of bins `first`..`end` − 1 only, one array per N_r with
   * the bins' rows back to back: each bin summed whole, as `measure` sums it, so the rows of
   * consecutive ranges, concatenated in bin order, are `measure`'s bit for bit. A worker
   * thread's share; the level-0 sums of a bin are cached where the bin is measured.
   */
  sumBins(rule: LinearFieldRule, first: number, end: number): Float64Array[] {
    const { data, levels, bins, nc: m } = this;
    const b = this.blockSize;
    if (rule.blockSize !== b) throw new UsageError(`the rule has block size ${rule.blockSize}, not ${b}`);
    checkBinRange(first, end, bins);
    const P = rule.theta.length;
    const lattices = [data.lattice];
    for (let n = 0; n < levels; n++) lattices.push(lattices[n].coarsen(b));
    const kernels = lattices.slice(0, levels).map((l) => rule.projector.create(l));
    const scores = lattices.slice(0, levels).map((l) => new BlockScore(rule, l));
    const compiled = lattices.map((l) => new CompiledCouplings(this.couplings, l));
    const blocked = lattices.slice(1).map((l) => new Int8Array(l.volume));
    // Per bin and N_r: count, G (P), S (m), S' (m), S'S' (m²), S'S (m²), and each of S, S', S'S', S'S times G (P each).
    const width = 1 + P + 2 * m + 2 * m * m;
    const stride = width + P * (2 * m + 2 * m * m);
    const sums = Array.from({ length: levels }, () => new Float64Array((end - first) * stride));
    // S^{(n)} of every level, and G after n blockings (cumulative), of one configuration.
    const S = lattices.map(() => new Float64Array(m));
    const G = new Float64Array(P);
    const Gn = Array.from({ length: levels }, () => new Float64Array(P));
    const x = new Float64Array(width);
    const V = data.lattice.volume;
    this.level0 ??= new Float64Array(data.count * m);
    const { level0 } = this;
    let i = firstConfiguration(data.count, bins, first);
    for (let k = first; k < end; k++) {
      const rng = projectingStream(this.seed, k);
      const count = binSamples(data.count, bins, k);
      const cached = this.cached[k] === 1;
      for (let j = 0; j < count; j++, i++) {
        let current = data.configurations.subarray(i * V, (i + 1) * V);
        const row0 = level0.subarray(i * m, (i + 1) * m);
        if (cached) S[0].set(row0);
        else {
          compiled[0].evaluate(current, S[0], 0);
          row0.set(S[0]);
        }
        G.fill(0);
        for (let n = 0; n < levels; n++) {
          const next = blocked[n];
          kernels[n].apply(current, next, rng);
          scores[n].add(current, next, G);
          Gn[n].set(G);
          current = next;
          compiled[n + 1].evaluate(current, S[n + 1], 0);
        }
        for (let n = 0; n < levels; n++) {
          const s = S[n];
          const sp = S[n + 1];
          const g = Gn[n];
          let c = 0;
          x[c++] = 1;
          for (let p = 0; p < P; p++) x[c++] = g[p];
          for (let a = 0; a < m; a++) x[c++] = s[a];
          for (let a = 0; a < m; a++) x[c++] = sp[a];
          for (let e = 0; e < m; e++) for (let a = 0; a < m; a++) x[c++] = sp[e] * sp[a];
          for (let e = 0; e < m; e++) for (let a = 0; a < m; a++) x[c++] = sp[e] * s[a];
          const t = sums[n];
          const row = (k - first) * stride;
          for (let q = 0; q < width; q++) t[row + q] += x[q];
          // X·G for X = S, S', S'S', S'S (the entries from 1 + P on), every component.
          let o = row + width;
          for (let q = 1 + P; q < width; q++) for (let p = 0; p < P; p++) t[o++] += x[q] * g[p];
        }
      }
      this.cached[k] = 1;
    }
    return sums;
  }

  /**
   * y and ∂y/∂θ at every N_r = 1..levels from the per-bin sums of all bins (`sumBins` of
   * 0..bins − 1, or of consecutive ranges concatenated in bin order) for a rule of `P` parameters.
   */
  estimates(sums: readonly Float64Array[], P: number): ExponentWithGradient[] {
    const { bins, nc: m } = this;
    const b = this.blockSize;
    const width = 1 + P + 2 * m + 2 * m * m;
    const stride = width + P * (2 * m + 2 * m * m);
    if (sums.length !== this.levels || sums.some((t) => t.length !== bins * stride))
      throw new UsageError(
        `the sums are not those of ${bins} bins at ${this.levels} levels and ${P} parameters`,
      );
    return sums.map((t, n) => {
      const replicas: number[][] = [];
      const [y, ...gradient] = jackknife(bins, (skip) => {
        const r = estimate(t, skip, bins, stride, width, m, P, b);
        replicas[skip + 1] = r;
        return r;
      });
      return { nr: n + 1, y, gradient, replicas };
    });
  }
}

/** [y, ∂y/∂θ_0, …] from the per-bin sums of one N_r, leaving bin `skip` out. */
function estimate(
  sums: Float64Array,
  skip: number,
  bins: number,
  stride: number,
  width: number,
  m: number,
  P: number,
  b: number,
): number[] {
  const t = new Float64Array(stride);
  for (let k = 0; k < bins; k++)
    if (k !== skip) for (let q = 0; q < stride; q++) t[q] += sums[k * stride + q];
  const N = t[0];
  const mean = (q: number) => t[q] / N;
  const G: number[] = [];
  for (let p = 0; p < P; p++) G.push(mean(1 + p));
  // d⟨X⟩/dθ_p = ⟨X G_p⟩ − ⟨X⟩⟨G_p⟩ for entry q ≥ 1 + P of x.
  const d = (q: number, p: number) => t[width + P * (q - 1 - P) + p] / N - mean(q) * G[p];
  const iS = 1 + P;
  const iSp = iS + m;
  const iSpSp = iS + 2 * m;
  const iSpS = iS + 2 * m + m * m;
  const A = new Matrix(m, m);
  const B = new Matrix(m, m);
  for (let g = 0; g < m; g++)
    for (let a = 0; a < m; a++) {
      A.set(g, a, mean(iSpSp + g * m + a) - mean(iSp + g) * mean(iSp + a));
      B.set(g, a, mean(iSpS + g * m + a) - mean(iSp + g) * mean(iS + a));
    }
  const lnb = Math.log(b);
  const Ainv = inverse(A);
  const T = Ainv.mmul(B);
  const { lambda, u, v } = leading(T);
  const out = [Math.log(lambda) / lnb];
  for (let p = 0; p < P; p++) {
    const dA = new Matrix(m, m);
    const dB = new Matrix(m, m);
    for (let g = 0; g < m; g++)
      for (let a = 0; a < m; a++) {
        dA.set(g, a, d(iSpSp + g * m + a, p) - d(iSp + g, p) * mean(iSp + a) - mean(iSp + g) * d(iSp + a, p));
        dB.set(g, a, d(iSpS + g * m + a, p) - d(iSp + g, p) * mean(iS + a) - mean(iSp + g) * d(iS + a, p));
      }
    const dT = Ainv.mmul(dB.sub(dA.mmul(T)));
    let num = 0;
    let den = 0;
    for (let g = 0; g < m; g++) {
      den += u[g] * v[g];
      for (let a = 0; a < m; a++) num += u[g] * dT.get(g, a) * v[a];
    }
    out.push(num / den / (lambda * lnb));
  }
  return out;
}

/**
 * ∂y/∂θ at one (N_r, N_c) for the stochastic majority rule (θ = (w, w₁)) or any other
 * linear-field rule (then `gradient` has one entry per parameter): `ExponentGradients` with
 * `levels` = N_r, read at N_r.
 */
export function exponentGradient(
  data: StoredConfigurations,
  theta: StochasticMajorityParameters,
  options: ExponentGradientOptions,
): ExponentGradient;
export function exponentGradient(
  data: StoredConfigurations,
  rule: LinearFieldRule,
  options: ExponentGradientOptions,
): ExponentWithGradient;
export function exponentGradient(
  data: StoredConfigurations,
  theta: StochasticMajorityParameters | LinearFieldRule,
  options: ExponentGradientOptions,
): ExponentGradient | ExponentWithGradient {
  const b = options.blockSize ?? 2;
  const rule = 'projector' in theta ? theta : stochasticMajorityField(theta, b);
  const { nr, ...rest } = options;
  const levels = resolveLevels(data.lattice, b, nr);
  const all = new ExponentGradients(data, { ...rest, levels }).measure(rule);
  const at = all[levels - 1];
  if ('projector' in theta) return at;
  return { y: at.y, gradient: [at.gradient[0], at.gradient[1]] };
}
