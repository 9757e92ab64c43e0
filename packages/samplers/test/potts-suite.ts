import { boltzmannDistribution, hamiltonian, interactionTable, Lattice } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { nn2 } from './cases.js';
import {
  batchMeans,
  boltzmannProbabilities,
  bondSumSeries,
  bondSumTable,
  histogramTest,
  type PottsKernelFactory,
  pottsChain,
  stateHistogram,
  transferBondMean,
  Z_REJECT,
} from './potts-exact.js';

/** K_c = ln(1 + √q) of the square-lattice Potts model (docs/potts.md). */
export const pottsCritical = (q: number) => Math.log(1 + Math.sqrt(q));

/** What the exactness tests of one Potts sampler need: its factory and how to run it. */
export interface PottsSuite {
  readonly name: string;
  readonly create: PottsKernelFactory;
  /** Steps between histogram samples on the 3×3 torus (several state autocorrelation times). */
  readonly thin: number;
  /** Steps of the 4×4 energy series (every step measured). */
  readonly energySteps: number;
  /** Whether the sampler takes K < 0 (heat-bath). */
  readonly antiferromagnetic?: boolean;
}

/**
 * The exactness tests every Potts sampler passes (docs/potts.md, Samplers): the state
 * histogram on the 3×3 torus at q = 3 against exp(K S)/Z by chi-square, ⟨S⟩ on 4×4 at K_c
 * against the transfer matrix, and q = 2 against the Ising enumeration at K/2; each with a
 * negative control at a wrong coupling that the same criterion rejects.
 */
export function pottsExactnessSuite(suite: PottsSuite): void {
  const { name, create, thin, energySteps } = suite;
  describe(`${name}: exact distribution`, () => {
    const lattice = new Lattice([3, 3]);
    const q = 3;
    const table = bondSumTable(lattice, q);
    const samples = 100_000;

    const histogram = (K: number, seed: number) =>
      stateHistogram(create(lattice, q, K), pottsChain(lattice, seed), q, samples, thin, 1000);

    it('3×3 torus, q = 3 at K_c: the 3⁹ state histogram passes chi-square (p > 10⁻³), and fails at K·1.05', () => {
      const K = pottsCritical(q);
      const counts = histogram(K, 11);
      const ok = histogramTest(counts, boltzmannProbabilities(table, K));
      // Cells with fewer than 5 expected counts are pooled: about 1100 cells remain.
      expect(ok.dof).toBeGreaterThan(1000);
      expect(ok.z).toBeLessThan(Z_REJECT);
      // Negative control: the same histogram against the weights at a 5% larger K.
      const wrong = histogramTest(counts, boltzmannProbabilities(table, K * 1.05));
      expect(wrong.z).toBeGreaterThan(Z_REJECT);
    });

    if (suite.antiferromagnetic) {
      it('3×3 torus, q = 3 at K = −0.7 (antiferromagnetic): chi-square passes, and fails at K = −0.6', () => {
        const K = -0.7;
        const counts = histogram(K, 12);
        const ok = histogramTest(counts, boltzmannProbabilities(table, K));
        expect(ok.dof).toBeGreaterThan(1000);
        expect(ok.z).toBeLessThan(Z_REJECT);
        expect(histogramTest(counts, boltzmannProbabilities(table, -0.6)).z).toBeGreaterThan(Z_REJECT);
      });
    }

    it('4×4 torus, q = 3 at K_c: ⟨S⟩ within 4σ (batch means) of the transfer matrix, and not of K·0.97', () => {
      const L = 4;
      const K = pottsCritical(q);
      const big = new Lattice([L, L]);
      const xs = bondSumSeries(big, create(big, q, K), pottsChain(big, 13), energySteps, 1000);
      const { value, error } = batchMeans(xs, 50);
      const exact = transferBondMean(L, q, K);
      expect(Math.abs(value - exact)).toBeLessThan(4 * error);
      // Negative control: the same criterion against the exact ⟨S⟩ at a 3% smaller K fails.
      expect(Math.abs(value - transferBondMean(L, q, K * 0.97))).toBeGreaterThan(4 * error);
    });

    it('q = 2 on 4×4 at K = 2 K_c(Ising): ⟨S⟩ = (32 + ⟨Σ σσ⟩)/2 of the Ising enumeration, within 4σ', () => {
      const L = 4;
      const KIsing = 0.5 * Math.log(1 + Math.SQRT2);
      const big = new Lattice([L, L]);
      const xs = bondSumSeries(big, create(big, 2, 2 * KIsing), pottsChain(big, 14), energySteps, 1000);
      const { value, error } = batchMeans(xs, 50);
      const isingBondMean = (K: number) => {
        const p = boltzmannDistribution(big, hamiltonian([nn2], [K]));
        const S = interactionTable(big, [nn2]);
        let e = 0;
        for (let c = 0; c < p.length; c++) e += p[c] * S[c];
        return (2 * L * L + e) / 2;
      };
      expect(Math.abs(value - isingBondMean(KIsing))).toBeLessThan(4 * error);
      // Negative control: not the Ising model at K (the factor 2 of K_Ising = K/2 matters).
      expect(Math.abs(value - isingBondMean(2 * KIsing))).toBeGreaterThan(4 * error);
    });
  });
}
