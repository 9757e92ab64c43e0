import { type Lattice, UsageError } from '@rsrg/core';

/** The smallest coarse-lattice side the default number of levels keeps. */
const DEFAULT_MIN_COARSE_SIDE = 4;
/** The smallest coarse-lattice side allowed at all (couplings become degenerate below). */
const MIN_COARSE_SIDE = 2;

/** Refuses a block size that does not shrink the lattice: with b < 2 the levels never end. */
function checkBlockSize(blockSize: number): void {
  if (!Number.isSafeInteger(blockSize) || blockSize < 2) {
    throw new UsageError(`block size must be an integer ≥ 2, got ${String(blockSize)}`);
  }
}

/**
 * The default number of RG steps: as many as divide `size` while the coarsest lattice side
 * stays ≥ 4 (L = 32, b = 2 → 3: 32 → 16 → 8 → 4). The rule is the same in every dimension.
 */
export function defaultLevels(size: number, blockSize: number): number {
  checkBlockSize(blockSize);
  let levels = 0;
  let side = size;
  while (side % blockSize === 0 && side / blockSize >= DEFAULT_MIN_COARSE_SIDE) {
    side /= blockSize;
    levels++;
  }
  return levels;
}

/**
 * The RG steps for a lattice and block size: `levels` when given (checked: every level
 * divisible, the coarsest side ≥ 2), else `defaultLevels` of the smallest side.
 */
export function resolveLevels(lattice: Lattice, blockSize: number, levels?: number): number {
  checkBlockSize(blockSize);
  const minSide = Math.min(...lattice.sizes);
  const size = lattice.sizes[0];
  const b = blockSize;
  let n: number;
  if (levels === undefined) {
    n = defaultLevels(minSide, b);
    if (n === 0) {
      throw new UsageError(
        `size ${size} leaves no RG step with block size ${b} and a coarse side ≥ ${DEFAULT_MIN_COARSE_SIDE}; give levels explicitly`,
      );
    }
  } else {
    if (typeof levels !== 'number' || !Number.isSafeInteger(levels) || levels < 1) {
      throw new UsageError(`levels must be a positive integer, got ${String(levels)}`);
    }
    n = levels;
    if (minSide < MIN_COARSE_SIDE * b ** n) {
      throw new UsageError(
        `levels ${n} is too many for size ${size} with block size ${b}: the coarsest side would be below ${MIN_COARSE_SIDE}`,
      );
    }
  }
  const factor = b ** n;
  if (!lattice.sizes.every((L) => L % factor === 0)) {
    throw new UsageError(`size ${size} is not divisible by ${b}^${n} = ${factor} needed for ${n} levels`);
  }
  return n;
}
