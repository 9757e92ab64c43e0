import { describe, expect, it } from 'vitest';
import { binMeans, integratedAutocorrelation, jackknife, meanError, Rng } from '../src/index.js';

/** Standard normal draws (Box–Muller). */
function normals(n: number, seed: number): Float64Array {
  const rng = Rng.stream(seed, 0);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.nextFloat()));
    const phi = 2 * Math.PI * rng.nextFloat();
    out[i] = r * Math.cos(phi);
    if (i + 1 < n) out[i + 1] = r * Math.sin(phi);
  }
  return out;
}

/** A stationary AR(1) series x_t = ρ x_{t−1} + √(1−ρ²) ε_t: unit variance, ρ(t) = ρ^t. */
function ar1(rho: number, n: number, seed: number): Float64Array {
  const eps = normals(n, seed);
  const x = new Float64Array(n);
  x[0] = eps[0];
  const s = Math.sqrt(1 - rho * rho);
  for (let t = 1; t < n; t++) x[t] = rho * x[t - 1] + s * eps[t];
  return x;
}

/** τ_int = ½ + Σ_{t≥1} ρ^t = (1 + ρ)/(2(1 − ρ)). */
const exactTau = (rho: number) => (1 + rho) / (2 * (1 - rho));

describe('integratedAutocorrelation on AR(1) series', () => {
  // With n = 10^6 the Madras–Sokal error is 0.002 (ρ = 0), 0.014 (ρ = 0.5) and 0.05 (ρ = 0.8),
  // so τ = 1 + Σρ instead of ½ + Σρ is off by 250, 35 and 10 errors. The window's truncation
  // bias, ρ^{W+1}/(1 − ρ) with W ≥ 6τ, is below 0.01 error at every ρ here.
  it.each([0, 0.5, 0.8])('ρ = %s: τ_int within 4 of its own standard errors of (1 + ρ)/(2(1 − ρ))', (rho) => {
    const n = 1_000_000;
    const { tau, error, window } = integratedAutocorrelation(ar1(rho, n, 11 + 10 * rho));
    const exact = exactTau(rho);
    const report = `τ = ${tau} ± ${error} (W = ${window}) vs ${exact}`;
    expect(error, report).toBeGreaterThan(0);
    expect(error, report).toBeLessThan(0.02 * exact); // a test with teeth: the error is small
    expect(Math.abs(tau - exact), report).toBeLessThan(4 * error);
    expect(window, report).toBeGreaterThanOrEqual(6 * tau - 1);
  });

  it('the stated error matches the spread of τ_int over independent series (within a factor 1.6)', () => {
    const rho = 0.6;
    const n = 50_000;
    const runs = Array.from({ length: 24 }, (_, k) => integratedAutocorrelation(ar1(rho, n, 1000 + k)));
    const { value, error } = meanError(runs.map((r) => r.tau));
    const spread = error * Math.sqrt(runs.length);
    const stated = runs.reduce((s, r) => s + r.error, 0) / runs.length;
    expect(stated / spread).toBeGreaterThan(1 / 1.6);
    expect(stated / spread).toBeLessThan(1.6);
    // The mean over 24 series: 4 of its standard errors, plus the O(τ/n)-small bias.
    expect(Math.abs(value - exactTau(rho))).toBeLessThan(4 * error + 0.01);
  });
});

describe('jackknife', () => {
  // For the mean, θ_i − θ̄ = −(x_i − x̄)/(n − 1), so (n − 1)/n · Σ(θ_i − θ̄)² = Σ(x_i − x̄)²/(n(n − 1)):
  // the jackknife error of a mean is the plain standard error exactly. A factor n/(n − 1) or 1
  // instead of (n − 1)/n is off by 11% or 5% at n = 10.
  it.each([2, 3, 10, 37, 500])(
    'the error of a mean of %i iid normals is its standard error, exactly',
    (n) => {
      const xs = normals(n, n);
      const sum = xs.reduce((s, x) => s + x, 0);
      const [jk] = jackknife(n, (skip) => [skip < 0 ? sum / n : (sum - xs[skip]) / (n - 1)]);
      const plain = meanError(xs);
      expect(jk.value).toBe(plain.value);
      expect(Math.abs(jk.error / plain.error - 1)).toBeLessThan(1e-12);
    },
  );

  it('over bins of a correlated series, the error of the mean is the standard error of the bin means', () => {
    const series = ar1(0.7, 64_000, 5);
    const bins = binMeans(series, 2000);
    const nb = bins.length;
    const total = bins.reduce((s, b) => s + b, 0);
    const [jk, square] = jackknife(nb, (skip) => {
      const m = skip < 0 ? total / nb : (total - bins[skip]) / (nb - 1);
      return [m, m * m];
    });
    expect(Math.abs(jk.error / meanError(bins).error - 1)).toBeLessThan(1e-12);
    // The delta method is exact to first order: error of m² is 2|m|·error of m, up to O(error²).
    expect(square.error).toBeCloseTo(2 * Math.abs(jk.value) * jk.error, 3);
  });

  it('n = 2: the error is half the difference, as the standard error of two numbers', () => {
    const [e] = jackknife(2, (skip) => [skip < 0 ? 2 : skip === 0 ? 3 : 1]);
    expect(e).toEqual({ value: 2, error: 1 });
  });
});
