/**
 * How a run's measurements are split: over chains, and within a chain over jackknife bins.
 * Remainders go to the first chains and the first bins, so every split is fixed by the counts.
 */

/** Measurements of chain `chain`: samples/chains, the remainder to the first chains. */
export function chainSamples(samples: number, chains: number, chain: number): number {
  return Math.floor(samples / chains) + (chain < samples % chains ? 1 : 0);
}

/** Measurements in bin `bin` of a chain with `n` measurements: the remainder to the first bins. */
export function binSamples(n: number, bins: number, bin: number): number {
  return Math.floor(n / bins) + (bin < n % bins ? 1 : 0);
}
