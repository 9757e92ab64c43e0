import { CompiledCouplings, type Coupling, type Estimate, jackknife, UsageError } from '@rsrg/core';
import { binSamples, projectingStream, resolveLevels } from '@rsrg/mcrg';
import {
  fieldSites,
  localField,
  type StochasticMajorityParameters,
  stochasticMajorityProjector,
} from '@rsrg/projectors';
import { EigenvalueDecomposition, inverse, Matrix } from 'ml-matrix';
import type { StoredConfigurations } from './reblocking.js';

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

/** y at (N_r, N_c) and its derivatives in θ = (w, w₁), with jackknife errors. */
export interface ExponentGradient {
  /** y = ln λ / ln b. */
  readonly y: Estimate;
  /** ∂y/∂w and ∂y/∂w₁. */
  readonly gradient: readonly [Estimate, Estimate];
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
 * The derivative of an MCRG exponent in the parameters of the stochastic majority rule, by the
 * score function: every average X of the blocked configurations up to level N_r has
 * ∂⟨X⟩/∂θ = ⟨(X − ⟨X⟩) G⟩, G = Σ_{levels ≤ N_r} Σ_B (μ_B − tanh h_B) ∂h_B/∂θ (the blockings
 * multiply, so their scores add). That gives dA and dB of T = A⁻¹B, then
 * dT = A⁻¹(dB − dA T), dλ = uᵀ dT v / (uᵀ v) with u, v the left and right eigenvectors of the
 * leading eigenvalue, and dy = dλ / (λ ln b). The draws are those of `Reblocking` with the
 * same seed and bins, so finite differences of its exponents are the natural check.
 */
export function exponentGradient(
  data: StoredConfigurations,
  theta: StochasticMajorityParameters,
  options: ExponentGradientOptions,
): ExponentGradient {
  const b = options.blockSize ?? 2;
  const bins = options.bins ?? 32;
  const { nr, nc } = options;
  if (!Number.isFinite(theta.w)) throw new UsageError('the gradient in w needs a finite w');
  if (!Number.isInteger(nc) || nc < 1 || nc > options.couplings.length)
    throw new UsageError(`N_c must be in 1..${options.couplings.length}, got ${nc}`);
  const levels = resolveLevels(data.lattice, b, nr);
  if (data.count < bins) throw new UsageError(`${data.count} configurations are too few for ${bins} bins`);
  const couplings = options.couplings.slice(0, nc);
  const projector = stochasticMajorityProjector(theta, b);
  const lattices = [data.lattice];
  for (let n = 0; n < levels; n++) lattices.push(lattices[n].coarsen(b));
  const kernels = lattices.slice(0, levels).map((l) => projector.create(l));
  const fields = lattices.slice(0, levels).map((l) => fieldSites(l, b, true));
  const compiled = [lattices[levels - 1], lattices[levels]].map((l) => new CompiledCouplings(couplings, l));
  const blocked = lattices.slice(1).map((l) => new Int8Array(l.volume));
  const tanh = fields.map(({ v, u }) => {
    const t = new Float64Array((v + 1) * (u + 1));
    for (let i = 0; i <= v; i++)
      for (let j = 0; j <= u; j++)
        t[i * (u + 1) + j] = Math.tanh(localField(theta.w, theta.w1, 2 * i - v, 2 * j - u));
    return t;
  });
  const m = nc;
  // Per bin: count, G (2), S (m), S' (m), S'S' (m²), S'S (m²), and each of S, S', S'S', S'S times G (2 each).
  const width = 1 + 2 + 2 * m + 2 * m * m;
  const stride = width + 2 * (2 * m + 2 * m * m);
  const sums = new Float64Array(bins * stride);
  const S = new Float64Array(m);
  const Sp = new Float64Array(m);
  const x = new Float64Array(width);
  const V = data.lattice.volume;
  let i = 0;
  for (let k = 0; k < bins; k++) {
    const rng = projectingStream(options.seed, k);
    const count = binSamples(data.count, bins, k);
    for (let j = 0; j < count; j++, i++) {
      let current = data.configurations.subarray(i * V, (i + 1) * V);
      let gw = 0;
      let gw1 = 0;
      for (let n = 0; n < levels; n++) {
        if (n === levels - 1) compiled[0].evaluate(current, S, 0);
        const next = blocked[n];
        kernels[n].apply(current, next, rng);
        const { table, v, u } = fields[n];
        const th = tanh[n];
        for (let J = 0; J < next.length; J++) {
          const base = J * (v + u);
          let s = 0;
          let t = 0;
          for (let q = 0; q < v; q++) s += current[table[base + q]];
          for (let q = v; q < v + u; q++) t += current[table[base + q]];
          const residual = next[J] - th[((s + v) >> 1) * (u + 1) + ((t + u) >> 1)];
          gw += residual * s;
          gw1 += residual * t;
        }
        current = next;
      }
      compiled[1].evaluate(current, Sp, 0);
      let c = 0;
      x[c++] = 1;
      x[c++] = gw;
      x[c++] = gw1;
      for (let a = 0; a < m; a++) x[c++] = S[a];
      for (let a = 0; a < m; a++) x[c++] = Sp[a];
      for (let g = 0; g < m; g++) for (let a = 0; a < m; a++) x[c++] = Sp[g] * Sp[a];
      for (let g = 0; g < m; g++) for (let a = 0; a < m; a++) x[c++] = Sp[g] * S[a];
      const row = k * stride;
      for (let q = 0; q < width; q++) sums[row + q] += x[q];
      // X·G for X = S, S', S'S', S'S (the entries from 3 on), both components.
      let o = row + width;
      for (let q = 3; q < width; q++) {
        sums[o++] += x[q] * gw;
        sums[o++] += x[q] * gw1;
      }
    }
  }
  const lnb = Math.log(b);
  const estimator = (skip: number): number[] => {
    const t = new Float64Array(stride);
    for (let k = 0; k < bins; k++)
      if (k !== skip) for (let q = 0; q < stride; q++) t[q] += sums[k * stride + q];
    const N = t[0];
    const mean = (q: number) => t[q] / N;
    const G = [mean(1), mean(2)];
    // d⟨X⟩/dθ_p = ⟨X G_p⟩ − ⟨X⟩⟨G_p⟩ for entry q ≥ 3 of x.
    const d = (q: number, p: number) => t[width + 2 * (q - 3) + p] / N - mean(q) * G[p];
    const iS = 3;
    const iSp = 3 + m;
    const iSpSp = 3 + 2 * m;
    const iSpS = 3 + 2 * m + m * m;
    const A = new Matrix(m, m);
    const B = new Matrix(m, m);
    for (let g = 0; g < m; g++)
      for (let a = 0; a < m; a++) {
        A.set(g, a, mean(iSpSp + g * m + a) - mean(iSp + g) * mean(iSp + a));
        B.set(g, a, mean(iSpS + g * m + a) - mean(iSp + g) * mean(iS + a));
      }
    const Ainv = inverse(A);
    const T = Ainv.mmul(B);
    const { lambda, u, v } = leading(T);
    const out = [Math.log(lambda) / lnb];
    for (let p = 0; p < 2; p++) {
      const dA = new Matrix(m, m);
      const dB = new Matrix(m, m);
      for (let g = 0; g < m; g++)
        for (let a = 0; a < m; a++) {
          dA.set(
            g,
            a,
            d(iSpSp + g * m + a, p) - d(iSp + g, p) * mean(iSp + a) - mean(iSp + g) * d(iSp + a, p),
          );
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
  };
  const [y, dw, dw1] = jackknife(bins, estimator);
  return { y, gradient: [dw, dw1] };
}
