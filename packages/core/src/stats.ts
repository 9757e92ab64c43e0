/** Statistics shared by every estimator: means, binning, jackknife, autocorrelation. */

/** A measured quantity and its one-standard-deviation statistical error. */
export interface Estimate {
  /** The central value. */
  readonly value: number;
  /** The standard error of `value`; NaN where it cannot be estimated. */
  readonly error: number;
}

/** The arithmetic mean of `xs` (NaN when empty). */
export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Mean and its naive standard error (independent samples). */
export function meanError(xs: ArrayLike<number>): Estimate {
  const n = xs.length;
  const m = mean(xs);
  let v = 0;
  for (let i = 0; i < n; i++) v += (xs[i] - m) ** 2;
  return { value: m, error: Math.sqrt(v / (n - 1) / n) };
}

/** Averages of consecutive blocks of `binSize` (a trailing partial block is dropped). */
export function binMeans(xs: ArrayLike<number>, binSize: number): Float64Array {
  const nb = Math.floor(xs.length / binSize);
  const out = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    let s = 0;
    for (let i = b * binSize; i < (b + 1) * binSize; i++) s += xs[i];
    out[b] = s / binSize;
  }
  return out;
}

/**
 * Jackknife over bins. `estimator(skip)` returns the estimates with bin `skip` left out,
 * or with no bin left out when skip = −1. Returns the full-sample estimates with errors
 * sqrt((n−1)/n · Σ (θ_i − θ̄)²). Non-finite leave-one-out values make the error NaN.
 */
export function jackknife(nBins: number, estimator: (skip: number) => ArrayLike<number>): Estimate[] {
  if (nBins < 2) throw new RangeError('jackknife needs at least 2 bins');
  const full = Array.from(estimator(-1));
  const k = full.length;
  const loo: number[][] = [];
  for (let i = 0; i < nBins; i++) loo.push(Array.from(estimator(i)));
  return full
    .map((value, j) => {
      let m = 0;
      for (let i = 0; i < nBins; i++) m += loo[i][j];
      m /= nBins;
      let v = 0;
      for (let i = 0; i < nBins; i++) v += (loo[i][j] - m) ** 2;
      return { value, error: Math.sqrt(((nBins - 1) / nBins) * v) };
    })
    .slice(0, k);
}

/** How correlated successive samples of a Markov-chain time series are: `integratedAutocorrelation`'s result. */
export interface Autocorrelation {
  /** Integrated autocorrelation time τ_int = ½ + Σ_{t≥1} ρ(t), in units of the series' steps. */
  readonly tau: number;
  /** The Madras–Sokal statistical error of `tau`. */
  readonly error: number;
  /** The summation window chosen by Sokal's rule W ≥ c·τ_int(W). */
  readonly window: number;
}

/**
 * Integrated autocorrelation time with Sokal's automatic window (c = 6); the error is
 * Madras–Sokal's sqrt(2(2W+1)/n)·τ. The variance of the mean of n correlated samples is
 * 2τ_int·σ²/n.
 */
export function integratedAutocorrelation(xs: ArrayLike<number>, c = 6): Autocorrelation {
  const n = xs.length;
  const m = mean(xs);
  let c0 = 0;
  for (let i = 0; i < n; i++) c0 += (xs[i] - m) ** 2;
  c0 /= n;
  if (c0 === 0 || n < 4) return { tau: 0.5, error: 0, window: 0 };
  let tau = 0.5;
  let W = 0;
  for (let t = 1; t < n / 2; t++) {
    let ct = 0;
    for (let i = 0; i + t < n; i++) ct += (xs[i] - m) * (xs[i + t] - m);
    tau += ct / (n - t) / c0;
    W = t;
    if (t >= c * tau) break;
  }
  return { tau, error: tau * Math.sqrt((2 * (2 * W + 1)) / n), window: W };
}

/** Standard error of a mean of correlated samples, corrected by τ_int. */
export function correlatedMeanError(xs: ArrayLike<number>): Estimate & {
  /** The integrated autocorrelation time τ_int the error was corrected by. */
  tau: number;
} {
  const { value, error } = meanError(xs);
  const { tau } = integratedAutocorrelation(xs);
  return { value, error: error * Math.sqrt(Math.max(1, 2 * tau)), tau };
}

/**
 * Chi-square statistic of observed counts against expected probabilities, pooling cells whose
 * expected count is below `minExpected` into one. Returns the statistic, degrees of freedom
 * and the Wilson–Hilferty z-score (approximately standard normal under the null).
 */
export function chiSquare(
  counts: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  minExpected = 5,
): {
  /** The chi-square statistic Σ (O − E)²/E over the (pooled) cells. */
  chi2: number;
  /** Degrees of freedom: the number of cells less one. */
  dof: number;
  /** The Wilson–Hilferty normal score of chi2/dof: above ~4 rejects the expected probabilities. */
  z: number;
} {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  let chi2 = 0;
  let cells = 0;
  let poolO = 0;
  let poolE = 0;
  for (let i = 0; i < counts.length; i++) {
    const e = probabilities[i] * total;
    if (e < minExpected) {
      poolO += counts[i];
      poolE += e;
      continue;
    }
    chi2 += (counts[i] - e) ** 2 / e;
    cells++;
  }
  if (poolE > 0) {
    chi2 += (poolO - poolE) ** 2 / poolE;
    cells++;
  }
  const dof = cells - 1;
  const z = ((chi2 / dof) ** (1 / 3) - (1 - 2 / (9 * dof))) / Math.sqrt(2 / (9 * dof));
  return { chi2, dof, z };
}
