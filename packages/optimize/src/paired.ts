import { type Estimate, jackknife, type Sector, UsageError } from '@rsrg/core';
import { type Accumulator, moments, rgEigenvalue, rgMatrices } from '@rsrg/mcrg';

/**
 * One exponent y at (sector, N_r, N_c) from the averages of every bin but `skip` (−1: all
 * bins), NaN where T is undefined: a jackknife replica, for errors of functions of exponents.
 */
export function exponentOf(acc: Accumulator, skip: number, sector: Sector, nr: number, nc: number): number {
  const { A, B } = rgMatrices(acc, moments(acc, skip), nr);
  const offset = sector === 'even' ? 0 : acc.nEven;
  const cut = (M: number[][]) => M.slice(offset, offset + nc).map((row) => row.slice(offset, offset + nc));
  const { lambda } = rgEigenvalue(cut(A), cut(B));
  return lambda > 0 ? Math.log(lambda) / Math.log(acc.blockSize) : Number.NaN;
}

/**
 * y_a − y_b of two projectors measured on the same configurations in the same bins (two
 * `Reblocking` accumulations of one data set), with the jackknife over the common bins: the
 * fluctuations the two estimates share cancel, so the difference is resolved far better than
 * the errors of y_a and y_b suggest.
 */
export function exponentDifference(
  a: Accumulator,
  b: Accumulator,
  sector: Sector,
  nr: number,
  nc: number,
): Estimate {
  if (a.bins !== b.bins || a.levels !== b.levels || a.nEven !== b.nEven || a.nOdd !== b.nOdd)
    throw new UsageError('the two accumulators must have the same bins, levels and couplings');
  for (let k = 0; k < a.bins; k++)
    if (a.count[k] !== b.count[k]) throw new UsageError(`bin ${k} holds different numbers of configurations`);
  const size = sector === 'even' ? a.nEven : a.nOdd;
  if (!Number.isInteger(nc) || nc < 1 || nc > size)
    throw new UsageError(`N_c must be in 1..${size}, got ${nc}`);
  const [difference] = jackknife(a.bins, (skip) => [
    exponentOf(a, skip, sector, nr, nc) - exponentOf(b, skip, sector, nr, nc),
  ]);
  return difference;
}

/**
 * y^(N_r+1) − y^(N_r) of one projector (one accumulation), with the jackknife over its bins:
 * both exponents come from the same configurations and draws, so their common fluctuations
 * cancel in the paired error. The error that weights a successive-N_r term of the loss.
 */
export function stepDifference(acc: Accumulator, sector: Sector, nr: number, nc: number): Estimate {
  const size = sector === 'even' ? acc.nEven : acc.nOdd;
  if (!Number.isInteger(nc) || nc < 1 || nc > size)
    throw new UsageError(`N_c must be in 1..${size}, got ${nc}`);
  if (!Number.isInteger(nr) || nr < 1 || nr >= acc.levels)
    throw new UsageError(`N_r must be in 1..${acc.levels - 1}, got ${nr}`);
  const [difference] = jackknife(acc.bins, (skip) => [
    exponentOf(acc, skip, sector, nr + 1, nc) - exponentOf(acc, skip, sector, nr, nc),
  ]);
  return difference;
}
