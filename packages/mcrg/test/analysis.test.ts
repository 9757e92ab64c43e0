import { EigenvalueDecomposition, Matrix, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  type Accumulator,
  analyze,
  createAccumulator,
  mergeAccumulators,
  moments,
  rgMatrices,
} from '../src/index.js';
import { syntheticAccumulator } from './synthetic.js';

/**
 * The accumulator of the measurements S'_α = scale[α]·S_{perm[α]} (at every level), with
 * `nEven` of the new couplings even. `perm` may repeat a coupling.
 */
function transform(acc: Accumulator, scale: number[], perm: number[], nEven = acc.nEven): Accumulator {
  const m = acc.nEven + acc.nOdd;
  const M = perm.length;
  const L1 = acc.levels + 1;
  const out = createAccumulator({ ...acc, nEven, nOdd: M - nEven }, acc.bins);
  out.count.set(acc.count);
  for (let k = 0; k < acc.bins; k++) {
    for (let n = 0; n < L1; n++) {
      for (let g = 0; g < M; g++) {
        const G = perm[g];
        out.sum[(k * L1 + n) * M + g] = scale[g] * acc.sum[(k * L1 + n) * m + G];
        for (let a = 0; a < M; a++) {
          const A = perm[a];
          const f = scale[g] * scale[a];
          out.sumSq[((k * L1 + n) * M + g) * M + a] = f * acc.sumSq[((k * L1 + n) * m + G) * m + A];
          if (n < acc.levels) {
            out.sumCross[((k * acc.levels + n) * M + g) * M + a] =
              f * acc.sumCross[((k * acc.levels + n) * m + G) * m + A];
          }
        }
      }
    }
  }
  return out;
}

function largestRealEigenvalue(M: number[][]): number {
  const e = new EigenvalueDecomposition(new Matrix(M));
  return Math.max(...e.realEigenvalues.filter((_, i) => Math.abs(e.imaginaryEigenvalues[i]) < 1e-12));
}

describe('analyze', () => {
  it('gives back a known T (λ of each truncation) with zero jackknife error when all bins agree', () => {
    // Exact moments: diagonal A, so the leading N_c block of T = A⁻¹B is the T of truncation N_c.
    const m = 3;
    const T = [
      [1.7, 0.4, -0.2],
      [0, 0.6, 0.3],
      [0, 0, 2.2],
    ];
    const Adiag = [2, 0.5, 3];
    const mu0 = [4, -1, 2];
    const mu1 = [3, 0.5, -2];
    const acc = createAccumulator({ levels: 1, blockSize: 2, nEven: 3, nOdd: 0 }, 4);
    const c = 10;
    for (let k = 0; k < 4; k++) {
      acc.count[k] = c;
      for (let a = 0; a < m; a++) {
        acc.sum[k * 2 * m + a] = c * mu0[a];
        acc.sum[k * 2 * m + m + a] = c * mu1[a];
        for (let b = 0; b < m; b++) {
          acc.sumSq[((k * 2 + 0) * m + a) * m + b] = c * ((a === b ? 5 : 1) + mu0[a] * mu0[b]);
          acc.sumSq[((k * 2 + 1) * m + a) * m + b] = c * ((a === b ? Adiag[a] : 0) + mu1[a] * mu1[b]);
          acc.sumCross[(k * m + a) * m + b] = c * (Adiag[a] * T[a][b] + mu1[a] * mu0[b]);
        }
      }
    }
    const est = analyze(acc);
    expect(est.map((e) => e.nc)).toEqual([1, 2, 3]);
    const expected = [1.7, 1.7, 2.2];
    est.forEach((e, i) => {
      expect(e.lambda).toBeCloseTo(expected[i], 12);
      expect(e.y).toBeCloseTo(Math.log(expected[i]) / Math.log(2), 12);
      expect(e.error).toBeCloseTo(0, 12);
      expect(e.lambdaError).toBeCloseTo(0, 12);
    });
  });

  it('A and B are the covariances of the measurements, T = A⁻¹B matches a direct solve', () => {
    const acc = syntheticAccumulator(3, 3, 1, 4, 50);
    // Direct recomputation from the raw sums of all bins.
    const mom = moments(acc);
    const { A, B } = rgMatrices(acc, mom, 1);
    const m = 3;
    let count = 0;
    const s = new Float64Array(2 * m);
    const ss = new Float64Array(m * m);
    const x = new Float64Array(m * m);
    for (let k = 0; k < acc.bins; k++) {
      count += acc.count[k];
      for (let i = 0; i < 2 * m; i++) s[i] += acc.sum[k * 2 * m + i];
      for (let i = 0; i < m * m; i++) {
        ss[i] += acc.sumSq[(k * 2 + 1) * m * m + i];
        x[i] += acc.sumCross[k * m * m + i];
      }
    }
    for (let g = 0; g < m; g++) {
      for (let a = 0; a < m; a++) {
        expect(A[g][a]).toBeCloseTo(ss[g * m + a] / count - (s[m + g] / count) * (s[m + a] / count), 9);
        expect(B[g][a]).toBeCloseTo(x[g * m + a] / count - (s[m + g] / count) * (s[a] / count), 9);
      }
    }
    const T = solve(new Matrix(A), new Matrix(B)).to2DArray();
    const full = analyze(acc).find((e) => e.nc === 3)!;
    expect(full.lambda).toBeCloseTo(largestRealEigenvalue(T), 10);
  });

  it('the jackknife error is the spread of leave-one-bin-out estimates', () => {
    const acc = syntheticAccumulator(2, 2, 1, 8, 40, 3);
    const est = analyze(acc).find((e) => e.nc === 2)!;
    // Leave-one-out λ from separately built accumulators (bins dropped by merging the rest).
    const bins = Array.from({ length: 8 }, (_, k) => {
      const one = createAccumulator(acc, 1);
      one.count[0] = acc.count[k];
      const w = (arr: Float64Array) => arr.length / acc.bins;
      one.sum.set(acc.sum.subarray(k * w(acc.sum), (k + 1) * w(acc.sum)));
      one.sumSq.set(acc.sumSq.subarray(k * w(acc.sumSq), (k + 1) * w(acc.sumSq)));
      one.sumCross.set(acc.sumCross.subarray(k * w(acc.sumCross), (k + 1) * w(acc.sumCross)));
      return one;
    });
    const loo = bins.map((_, skip) => {
      const rest = mergeAccumulators(bins.filter((__, k) => k !== skip));
      const { A, B } = rgMatrices(rest, moments(rest), 1);
      return largestRealEigenvalue(solve(new Matrix(A), new Matrix(B)).to2DArray());
    });
    const meanLoo = loo.reduce((s, v) => s + v, 0) / 8;
    const err = Math.sqrt((7 / 8) * loo.reduce((s, v) => s + (v - meanLoo) ** 2, 0));
    expect(est.lambdaError).toBeGreaterThan(0);
    expect(est.lambdaError).toBeCloseTo(err, 10);
  });

  it('rescaling a coupling leaves every eigenvalue and error unchanged', () => {
    const acc = syntheticAccumulator(4, 2, 2, 6, 30, 5);
    const scaled = transform(acc, [1, -3.5, 0.25, 7], [0, 1, 2, 3]);
    const a = analyze(acc);
    const b = analyze(scaled);
    expect(b.length).toBe(a.length);
    a.forEach((e, i) => {
      expect(b[i].lambda).toBeCloseTo(e.lambda, 9);
      expect(b[i].lambdaError).toBeCloseTo(e.lambdaError, 9);
      expect(b[i].y).toBeCloseTo(e.y, 9);
    });
  });

  it('permuting couplings within N_c leaves the eigenvalue of that truncation unchanged', () => {
    const acc = syntheticAccumulator(4, 4, 1, 6, 30, 7);
    const permuted = transform(acc, [1, 1, 1, 1], [2, 0, 1, 3]);
    const a = analyze(acc);
    const b = analyze(permuted);
    for (const nc of [3, 4]) {
      const x = a.find((e) => e.nc === nc)!;
      const y = b.find((e) => e.nc === nc)!;
      expect(y.lambda).toBeCloseTo(x.lambda, 9);
      expect(y.lambdaError).toBeCloseTo(x.lambdaError, 9);
    }
    // N_c = 1 keeps a different coupling, so it differs: the test compares something real.
    expect(b.find((e) => e.nc === 1)!.lambda).not.toBeCloseTo(a.find((e) => e.nc === 1)!.lambda, 3);
  });

  it('reports NaN with a reason for a singular A and for λ ≤ 0 instead of throwing', () => {
    // Coupling 2 duplicates coupling 1: A is singular from N_c = 2 on.
    const base = syntheticAccumulator(2, 2, 1, 4, 30, 9);
    const est = analyze(transform(base, [1, 2, 1], [0, 0, 1], 3));
    expect(Number.isFinite(est[0].y)).toBe(true);
    expect(Number.isNaN(est[1].y)).toBe(true);
    expect(est[1].reason).toMatch(/A is singular/);
    // Anti-correlated blocking: λ < 0.
    const neg = createAccumulator({ levels: 1, blockSize: 2, nEven: 0, nOdd: 1 }, 2);
    for (let k = 0; k < 2; k++) {
      neg.count[k] = 2;
      neg.sum.set([0, 0], 2 * k);
      neg.sumSq.set([2, 2], 2 * k); // S0 = ±1, S1 = −S0
      neg.sumCross.set([-2], k);
    }
    const [odd] = analyze(neg);
    expect(odd.sector).toBe('odd');
    expect(odd.lambda).toBeCloseTo(-1, 12);
    expect(Number.isNaN(odd.y)).toBe(true);
    expect(odd.reason).toMatch(/not positive/);
  });
});
