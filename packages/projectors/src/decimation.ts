import {
  type Lattice,
  type Projector,
  type ProjectorFactory,
  type ProjectorKernel,
  type Rng,
  type Spins,
  UsageError,
} from '@rsrg/core';
import { assertBlockSupport, blockSizeOption, blockSupport, checkBlockSize } from './majority.js';

/** Decimation, the pure kernel: μ_J = σ[corners[J]] for J < n. */
export function decimate(fine: Int8Array, corners: Int32Array, coarse: Int8Array, n: number): void {
  for (let J = 0; J < n; J++) coarse[J] = fine[corners[J]];
}

/**
 * Decimation with blocks of side b: μ keeps the spin at the block's corner (window index 0,
 * the fine site b·X_J). Deterministic; never draws from the RNG. It copies the stored byte, so
 * it blocks spins of any encoding (Ising ±1 or q states).
 */
export function decimationProjector(b: number): Projector {
  checkBlockSize('decimation', b);
  return {
    id: 'decimation',
    blockSize: b,
    supports: (lattice) => blockSupport(b, lattice),
    create(fine: Lattice): ProjectorKernel {
      assertBlockSupport('decimation', b, fine);
      const coarse = fine.coarsen(b);
      // Windows of side 1 anchored every b sites are exactly the block corners.
      const corners = fine.window(b, 1);
      const n = coarse.volume;
      return {
        fine,
        coarse,
        apply(sigma: Spins, mu: Spins, _rng: Rng): void {
          if (sigma.length !== fine.volume || mu.length !== n) {
            throw new UsageError(
              `decimation: expected ${fine.volume} → ${n} spins, got ${sigma.length} → ${mu.length}`,
            );
          }
          decimate(sigma, corners, mu, n);
        },
      };
    },
    probability(fine: Lattice, sigma: Spins, mu: Spins): number {
      assertBlockSupport('decimation', b, fine);
      const corners = fine.window(b, 1);
      if (sigma.length !== fine.volume || mu.length !== corners.length) {
        throw new UsageError(
          `decimation: expected ${fine.volume} → ${corners.length} spins, got ${sigma.length} → ${mu.length}`,
        );
      }
      for (let J = 0; J < corners.length; J++) if (mu[J] !== sigma[corners[J]]) return 0;
      return 1;
    },
  };
}

/** Decimation (`decimation`): μ = the spin at the block's corner. Option `blockSize` (default 2). */
export const decimation: ProjectorFactory = {
  id: 'decimation',
  description: 'decimation: μ = the spin at the corner of each b^d block (option blockSize, default 2)',
  create: (options) => decimationProjector(blockSizeOption('decimation', options)),
};
