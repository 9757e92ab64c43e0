import {
  type EstimateKey,
  type Exponent,
  jackknife,
  type Sector,
  type SectorNames,
  UsageError,
} from '@rsrg/core';
import { EigenvalueDecomposition, LuDecomposition, Matrix } from 'ml-matrix';
import type { Accumulator } from './accumulator.js';

export type { Sector } from '@rsrg/core';

/** One exponent estimate of the MCRG table: sector, N_r and N_c as in core's `EstimateKey`. */
export interface Estimate extends Omit<EstimateKey, 'projector'> {
  /** Label of the projector behind it, when the analysis was given one. */
  readonly projector?: string;
  /** The exponent of the sector: 'y_t' (the first, `nEven` couplings) or 'y_h'. */
  readonly exponent: Exponent;
  /** y = ln λ / ln b; NaN when T is undefined (see `reason`). */
  readonly y: number;
  /** Jackknife standard error of y. */
  readonly error: number;
  /** Largest real eigenvalue of T = A⁻¹B. */
  readonly lambda: number;
  /** Jackknife standard error of λ. */
  readonly lambdaError: number;
  /** Why y or its error is NaN, when it is. */
  readonly reason?: string;
}

/** An estimate that names its projector, as every estimate of a run does. */
export type ProjectorEstimate = Estimate & EstimateKey;

/** Averages over a set of bins (see `Accumulator` for the layouts). */
export interface Moments {
  /** Measurements behind the averages. */
  readonly count: number;
  /** ⟨S^{(n)}_α⟩ at n·m + α. */
  readonly mean: Float64Array;
  /** ⟨S^{(n)}_γ S^{(n)}_α⟩ at (n·m + γ)·m + α. */
  readonly second: Float64Array;
  /** ⟨S^{(n+1)}_γ S^{(n)}_β⟩ at (n·m + γ)·m + β. */
  readonly cross: Float64Array;
}

/** A and B of one RG step, over every coupling of both sectors (m × m, row-major lists). */
export interface RgMatrices {
  /** A_{γα} = ⟨S'_γ S'_α⟩ − ⟨S'_γ⟩⟨S'_α⟩, S' at level nr. */
  readonly A: number[][];
  /** B_{γβ} = ⟨S'_γ S_β⟩ − ⟨S'_γ⟩⟨S_β⟩, S at level nr − 1. */
  readonly B: number[][];
}

/** Options of `analyze`. */
export interface AnalyzeOptions {
  /** Largest truncation N_c to report in each sector (default: the sector's size). */
  readonly maxNc?: number;
  /** Projector label to put on every estimate. */
  readonly projector?: string;
  /** The model's names of the y_t and y_h sectors (default 'even' and 'odd'). */
  readonly sectors?: SectorNames;
}

/** Smallest eigenvalue of A's correlation matrix below which A counts as singular. */
const SINGULAR_CORRELATION = 1e-10;
/** Eigenvalues with |imag| ≤ this · |real| count as real. */
const REAL_TOLERANCE = 1e-9;

interface Totals {
  readonly count: number;
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
  readonly sumCross: Float64Array;
}

function sumBins(data: Float64Array, bins: number, skip: number): Float64Array {
  const width = data.length / bins;
  const out = new Float64Array(width);
  for (let k = 0; k < bins; k++) {
    if (k === skip) continue;
    const base = k * width;
    for (let i = 0; i < width; i++) out[i] += data[base + i];
  }
  return out;
}

function totals(acc: Accumulator): Totals {
  let count = 0;
  for (let k = 0; k < acc.bins; k++) count += acc.count[k];
  return {
    count,
    sum: sumBins(acc.sum, acc.bins, -1),
    sumSq: sumBins(acc.sumSq, acc.bins, -1),
    sumCross: sumBins(acc.sumCross, acc.bins, -1),
  };
}

/** (total − bin skip) / count: the leave-one-bin-out averages, or all bins when skip = −1. */
function momentsFrom(acc: Accumulator, t: Totals, skip: number): Moments {
  const count = skip < 0 ? t.count : t.count - acc.count[skip];
  const average = (total: Float64Array, data: Float64Array) => {
    const out = new Float64Array(total.length);
    const base = skip * total.length;
    for (let i = 0; i < total.length; i++) out[i] = (skip < 0 ? total[i] : total[i] - data[base + i]) / count;
    return out;
  };
  return {
    count,
    mean: average(t.sum, acc.sum),
    second: average(t.sumSq, acc.sumSq),
    cross: average(t.sumCross, acc.sumCross),
  };
}

/** Averages over every bin except `skip` (default −1: every bin). */
export function moments(acc: Accumulator, skip = -1): Moments {
  return momentsFrom(acc, totals(acc), skip);
}

/** A and B of RG step `nr` (1..levels), from the averages. */
export function rgMatrices(acc: Accumulator, moments: Moments, nr: number): RgMatrices {
  if (!Number.isInteger(nr) || nr < 1 || nr > acc.levels) {
    throw new UsageError(`RG step nr must be an integer in 1..${acc.levels}, got ${nr}`);
  }
  const m = acc.nEven + acc.nOdd;
  const { mean, second, cross } = moments;
  const coarse = nr * m;
  const fine = (nr - 1) * m;
  const A: number[][] = [];
  const B: number[][] = [];
  for (let g = 0; g < m; g++) {
    const a: number[] = new Array(m);
    const b: number[] = new Array(m);
    for (let j = 0; j < m; j++) {
      a[j] = second[(coarse + g) * m + j] - mean[coarse + g] * mean[coarse + j];
      b[j] = cross[(fine + g) * m + j] - mean[coarse + g] * mean[fine + j];
    }
    A.push(a);
    B.push(b);
  }
  return { A, B };
}

/** The leading eigenvalue of T = A⁻¹B, or the reason it is undefined. */
export interface RgEigenvalue {
  /** T = A⁻¹B (undefined when A is singular). */
  readonly T?: number[][];
  /** Largest real eigenvalue of T; NaN when there is none. */
  readonly lambda: number;
  /** Why `lambda` is NaN (A singular, no real eigenvalue); absent when it is a number. */
  readonly reason?: string;
}

/**
 * T = A⁻¹B by an LU solve and its largest real eigenvalue. A is declared singular when a
 * coupling does not fluctuate or its correlation matrix has an eigenvalue below 1e-10
 * (couplings linearly dependent on the lattice); eigenvalues with |imag| > 1e-9·|real| are
 * ignored. Never throws for singular or complex cases: it returns a reason instead.
 */
export function rgEigenvalue(A: number[][], B: number[][]): RgEigenvalue {
  const k = A.length;
  const scale: number[] = new Array(k);
  for (let i = 0; i < k; i++) {
    const d = A[i][i];
    if (!(d > 0) || !Number.isFinite(d))
      return { lambda: Number.NaN, reason: `A is singular: coupling ${i + 1} does not fluctuate` };
    scale[i] = 1 / Math.sqrt(d);
  }
  const correlation = new Matrix(k, k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) correlation.set(i, j, A[i][j] * scale[i] * scale[j]);
  const smallest = Math.min(
    ...new EigenvalueDecomposition(correlation, { assumeSymmetric: true }).realEigenvalues,
  );
  if (!(smallest > SINGULAR_CORRELATION)) {
    return {
      lambda: Number.NaN,
      reason: `A is singular: the couplings are linearly dependent on this lattice (smallest correlation eigenvalue ${smallest.toExponential(1)})`,
    };
  }
  const T = new LuDecomposition(new Matrix(A)).solve(new Matrix(B));
  const eig = new EigenvalueDecomposition(T);
  let lambda = Number.NEGATIVE_INFINITY;
  const re = eig.realEigenvalues;
  const im = eig.imaginaryEigenvalues;
  for (let i = 0; i < re.length; i++) {
    if (Math.abs(im[i]) <= REAL_TOLERANCE * Math.abs(re[i]) && re[i] > lambda) lambda = re[i];
  }
  const Tlist = T.to2DArray();
  if (lambda === Number.NEGATIVE_INFINITY)
    return { T: Tlist, lambda: Number.NaN, reason: 'T has no real eigenvalue' };
  return { T: Tlist, lambda };
}

function block(M: number[][], offset: number, n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) out.push(M[offset + i].slice(offset, offset + n));
  return out;
}

/**
 * Swendsen's MCRG analysis: for every sector, RG step N_r = 1..levels and truncation
 * N_c = 1..(sector size), T = A⁻¹B on the leading N_c couplings, its largest real
 * eigenvalue λ and y = ln λ / ln b, with jackknife errors over all bins (each
 * leave-one-bin-out set recomputes the averages from totals − bin and redoes T, λ, y).
 * Undefined cases (singular A, λ ≤ 0) give NaN with a reason instead of throwing.
 * Order: even (y_t) then odd (y_h); within a sector by nr, then nc. Each estimate carries its
 * sector under the model's name (`sectors`) and its exponent.
 *
 * @example
 * const { accumulators } = await sampleMcrg(registry, config); // the bins, before analysis
 * const estimates = analyze(accumulators[0], { maxNc: 4, projector: 'majority' });
 * // y_t at each RG step, with the four leading even couplings:
 * estimates.filter((e) => e.sector === 'even' && e.nc === 4).map((e) => [e.nr, e.y, e.error]);
 */
export function analyze(
  acc: Accumulator,
  options: AnalyzeOptions & { readonly projector: string },
): ProjectorEstimate[];
export function analyze(acc: Accumulator, options?: AnalyzeOptions): Estimate[];
export function analyze(acc: Accumulator, options: AnalyzeOptions = {}): Estimate[] {
  if (acc.bins < 2) throw new UsageError(`the jackknife needs at least 2 bins, got ${acc.bins}`);
  const t = totals(acc);
  if (t.count === 0) throw new UsageError('the accumulator holds no measurements');
  const combos: { sector: Sector; exponent: Exponent; nr: number; nc: number; offset: number }[] = [];
  const names = options.sectors ?? { even: 'even', odd: 'odd' };
  for (const slot of ['even', 'odd'] as const) {
    const size = slot === 'even' ? acc.nEven : acc.nOdd;
    const offset = slot === 'even' ? 0 : acc.nEven;
    const sector = names[slot];
    const exponent = slot === 'even' ? 'y_t' : 'y_h';
    const maxNc = Math.min(size, options.maxNc ?? size);
    for (let nr = 1; nr <= acc.levels; nr++)
      for (let nc = 1; nc <= maxNc; nc++) combos.push({ sector, exponent, nr, nc, offset });
  }
  const lnb = Math.log(acc.blockSize);
  const reasons: (string | undefined)[] = new Array(combos.length);
  const looFailed: boolean[] = new Array(combos.length).fill(false);
  // One vector per bin set: [λ, y] for every combination.
  const estimator = (skip: number): Float64Array => {
    const mom = momentsFrom(acc, t, skip);
    const matrices: RgMatrices[] = [];
    for (let nr = 1; nr <= acc.levels; nr++) matrices.push(rgMatrices(acc, mom, nr));
    const out = new Float64Array(2 * combos.length);
    combos.forEach((c, i) => {
      const { A, B } = matrices[c.nr - 1];
      const r = rgEigenvalue(block(A, c.offset, c.nc), block(B, c.offset, c.nc));
      let reason = r.reason;
      if (reason === undefined && !(r.lambda > 0))
        reason = `largest real eigenvalue λ = ${r.lambda.toPrecision(3)} is not positive`;
      out[2 * i] = r.lambda;
      out[2 * i + 1] = reason === undefined ? Math.log(r.lambda) / lnb : Number.NaN;
      if (skip < 0) reasons[i] = reason;
      else if (reason !== undefined) looFailed[i] = true;
    });
    return out;
  };
  const jk = jackknife(acc.bins, estimator);
  return combos.map((c, i) => {
    const lambda = jk[2 * i];
    const y = jk[2 * i + 1];
    const reason =
      reasons[i] ??
      (looFailed[i]
        ? 'T is undefined for some leave-one-bin-out set, so the jackknife error is undefined'
        : undefined);
    return {
      ...(options.projector === undefined ? {} : { projector: options.projector }),
      sector: c.sector,
      exponent: c.exponent,
      nr: c.nr,
      nc: c.nc,
      y: y.value,
      error: y.error,
      lambda: lambda.value,
      lambdaError: lambda.error,
      ...(reason === undefined ? {} : { reason }),
    };
  });
}
