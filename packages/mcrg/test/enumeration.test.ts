import {
  boltzmannDistribution,
  couplingFromOrbit,
  couplingSet,
  hamiltonian,
  interactionTable,
  jackknife,
  Lattice,
  type Model,
  type Registry,
  spinsFromIndex,
} from '@rsrg/core';
import { EigenvalueDecomposition, Matrix, solve } from 'ml-matrix';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Accumulator, analyze, moments, rgMatrices, sampleMcrg } from '../src/index.js';
import { sourceRegistry } from './registry.js';

// On the 2×2 coarse lattice of a 4×4 lattice most of the standard couplings coincide; this set
// is linearly independent there (nn, diagonal and plaquette are distinct characters of 4 spins).
const nn = couplingFromOrbit('nearest neighbour', [
  [0, 0],
  [0, 1],
]);
const diagonal = couplingFromOrbit('diagonal', [
  [0, 0],
  [1, 1],
]);
const plaquette = couplingFromOrbit('plaquette', [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const magnetization = couplingFromOrbit('magnetization', [[0, 0]]);
const corner = couplingFromOrbit('3-spin corner', [
  [0, 0],
  [0, 1],
  [1, 0],
]);
const even = [nn, diagonal, plaquette];
const odd = [magnetization, corner];

/** A square Ising model measured with the small coupling sets above. */
const smallIsing: Model = {
  id: 'test.small-ising',
  description: 'square Ising with couplings that stay independent on 2×2',
  dimension: 2,
  criticalCoupling: 0.44,
  lattice: (L) => Lattice.cubic(2, L),
  hamiltonian: (K) => hamiltonian([nn], [K]),
  couplingSets: { even: 'test.small.even', odd: 'test.small.odd' },
  defaults: { sampler: 'wolff', projector: 'majority', interval: 1 },
};

function registry(): Registry {
  return sourceRegistry().use((r) => {
    r.models.add(smallIsing);
    r.couplingSets.add(couplingSet('test.small.even', 'nn, diagonal, plaquette', even));
    r.couplingSets.add(couplingSet('test.small.odd', 'magnetization, 3-spin corner', odd));
  });
}

/**
 * Exact A and B of one majority-rule step 4×4 → 2×2 by enumeration:
 * E[f(μ) g(σ)] = Σ_σ p(σ) Σ_μ P(μ|σ) f(μ) g(σ).
 */
async function exactMatrices(reg: Registry, K: number): Promise<{ A: number[][]; B: number[][] }> {
  const fine = Lattice.cubic(2, 4);
  const coarse = Lattice.cubic(2, 2);
  const projector = await reg.projectors.get('majority').create({});
  const couplings = [...even, ...odd];
  const m = couplings.length;
  const p = boltzmannDistribution(fine, hamiltonian([nn], [K]));
  const S0 = interactionTable(fine, couplings);
  const S1 = interactionTable(coarse, couplings);
  const m0 = new Float64Array(m);
  const m1 = new Float64Array(m);
  const s11 = new Float64Array(m * m);
  const s10 = new Float64Array(m * m);
  const sigma = new Int8Array(16);
  const mu = new Int8Array(4);
  const muGivenSigma = new Float64Array(16);
  for (let c = 0; c < 2 ** 16; c++) {
    spinsFromIndex(c, 16, sigma);
    for (let g = 0; g < m; g++) m0[g] += p[c] * S0[c * m + g];
    for (let j = 0; j < 16; j++)
      muGivenSigma[j] = projector.probability!(fine, sigma, spinsFromIndex(j, 4, mu));
    for (let j = 0; j < 16; j++) {
      const w = p[c] * muGivenSigma[j];
      if (w === 0) continue;
      for (let g = 0; g < m; g++) {
        const f = S1[j * m + g];
        m1[g] += w * f;
        for (let a = 0; a < m; a++) {
          s11[g * m + a] += w * f * S1[j * m + a];
          s10[g * m + a] += w * f * S0[c * m + a];
        }
      }
    }
  }
  const A: number[][] = [];
  const B: number[][] = [];
  for (let g = 0; g < m; g++) {
    A.push(Array.from({ length: m }, (_, a) => s11[g * m + a] - m1[g] * m1[a]));
    B.push(Array.from({ length: m }, (_, a) => s10[g * m + a] - m1[g] * m0[a]));
  }
  return { A, B };
}

function leadingEigenvalue(A: number[][], B: number[][], offset: number, nc: number): number {
  const sub = (M: number[][]) => M.slice(offset, offset + nc).map((r) => r.slice(offset, offset + nc));
  const e = new EigenvalueDecomposition(solve(new Matrix(sub(A)), new Matrix(sub(B))));
  return Math.max(...e.realEigenvalues.filter((_, i) => Math.abs(e.imaginaryEigenvalues[i]) < 1e-9));
}

describe('majority rule 4×4 → 2×2 against exact enumeration', () => {
  const K = 0.4;
  let exact: { A: number[][]; B: number[][] };
  let acc: Accumulator;

  beforeAll(async () => {
    const reg = registry();
    exact = await exactMatrices(reg, K);
    const sample = await sampleMcrg(reg, {
      model: 'test.small-ising',
      size: 4,
      coupling: K,
      levels: 1,
      samples: 400_000,
      thermalize: 100,
      seed: 44,
      workers: 1,
    });
    [acc] = sample.accumulators;
  });

  it('the exact matrices are non-degenerate and the odd–even blocks vanish by symmetry', () => {
    for (let g = 0; g < 5; g++) {
      for (let a = 0; a < 5; a++) {
        if (g < 3 !== a < 3) {
          expect(Math.abs(exact.A[g][a])).toBeLessThan(1e-9);
          expect(Math.abs(exact.B[g][a])).toBeLessThan(1e-9);
        }
      }
    }
    // Every truncation has a well-defined positive leading eigenvalue.
    for (const [offset, size] of [
      [0, 3],
      [3, 2],
    ]) {
      for (let nc = 1; nc <= size; nc++)
        expect(leadingEigenvalue(exact.A, exact.B, offset, nc)).toBeGreaterThan(0.1);
    }
  });

  it('Monte Carlo A and B entries agree with the exact ones within 4 jackknife errors', () => {
    const entries = jackknife(acc.bins, (skip) => {
      const { A, B } = rgMatrices(acc, moments(acc, skip), 1);
      return [...A.flat(), ...B.flat()];
    });
    const exactEntries = [...exact.A.flat(), ...exact.B.flat()];
    let compared = 0;
    entries.forEach((e, i) => {
      if (Math.abs(exactEntries[i]) < 1e-9) return; // symmetry zeros: checked above
      expect(e.error).toBeGreaterThan(0);
      expect(e.error).toBeLessThan(0.05 * Math.abs(exactEntries[i]));
      expect(Math.abs(e.value - exactEntries[i])).toBeLessThan(4 * e.error);
      compared++;
    });
    expect(compared).toBe(2 * (9 + 4));
  });

  it('λ of every truncation agrees with the exact T = A⁻¹B within 4 jackknife errors', () => {
    const estimates = analyze(acc);
    expect(estimates).toHaveLength(5);
    for (const e of estimates) {
      const exactLambda = leadingEigenvalue(exact.A, exact.B, e.sector === 'even' ? 0 : 3, e.nc);
      expect(e.reason).toBeUndefined();
      expect(e.lambdaError).toBeGreaterThan(0);
      expect(Math.abs(e.lambda - exactLambda)).toBeLessThan(4 * e.lambdaError);
    }
  });
});
