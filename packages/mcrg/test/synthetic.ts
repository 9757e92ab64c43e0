import { Rng } from '@rsrg/core';
import { type Accumulator, accumulate, createAccumulator } from '../src/index.js';

function gaussian(rng: Rng): number {
  const u = 1 - rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
}

/**
 * Synthetic measurements with m couplings and `levels` RG steps: level n+1 = G · level n + noise
 * + offset, so A and B are generic (non-symmetric T, non-zero means, real spectrum).
 */
export function syntheticAccumulator(
  m: number,
  nEven: number,
  levels: number,
  bins: number,
  perBin: number,
  seed = 1,
): Accumulator {
  const rng = Rng.stream(seed, 0);
  // Symmetric G with distinct diagonal: T ≈ G⁻¹ (plus noise) has real eigenvalues.
  const G = Array.from({ length: m }, (_, i) => Array.from({ length: m }, () => 0 * i));
  for (let i = 0; i < m; i++) {
    G[i][i] = 0.6 + 0.5 * i;
    for (let j = 0; j < i; j++) G[i][j] = G[j][i] = 0.15 * gaussian(rng);
  }
  const acc = createAccumulator({ levels, blockSize: 2, nEven, nOdd: m - nEven }, bins);
  const S = new Float64Array((levels + 1) * m);
  for (let k = 0; k < bins; k++) {
    for (let s = 0; s < perBin; s++) {
      for (let a = 0; a < m; a++) S[a] = 3 + a + gaussian(rng);
      for (let n = 1; n <= levels; n++) {
        for (let g = 0; g < m; g++) {
          let v = 0.5 * gaussian(rng) + 1;
          for (let a = 0; a < m; a++) v += G[g][a] * S[(n - 1) * m + a];
          S[n * m + g] = v;
        }
      }
      accumulate(acc, k, S);
    }
  }
  return acc;
}
