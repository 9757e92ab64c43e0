import { jackknife } from '@rsrg/core';
import { type Accumulator, moments } from '@rsrg/mcrg';

/** One compared average of the fixed-point loss. */
export interface FixedPointTerm {
  /** Level n of the second lattice L′ = L/b, compared with level n + 1 of L. */
  readonly level: number;
  /** Index of the coupling within its sector (N_c order). */
  readonly coupling: number;
  /** The average on L at level n + 1 (the block system). */
  readonly block: number;
  /** The same average on L′ at level n (the simulated system at that size). */
  readonly original: number;
  /** block − original. */
  readonly difference: number;
  /** Its standard error: the jackknife errors of both lattices in quadrature (independent configurations). */
  readonly error: number;
}

/** The fixed-point loss of one sector: Σ ((block − original)/s)² over the terms. */
export interface FixedPointLoss {
  /** Σ (difference / error)² (a term with difference 0 counts 0). */
  readonly loss: number;
  /** Every compared average, by level then coupling. */
  readonly terms: readonly FixedPointTerm[];
}

/** Swendsen's fixed-point proxy in both sectors. */
export interface FixedPointValue {
  /** ⟨S_α⟩/V of the first N_c even couplings. */
  readonly even: FixedPointLoss;
  /** ⟨S_α²⟩/V² of the first N_c odd couplings (their means vanish by symmetry). */
  readonly odd: FixedPointLoss;
}

/** The lattice sizes of the two systems and the truncations compared. */
export interface FixedPointGeometry {
  /** Volume of L′ at level 0; level n has volume / b^(d·n). */
  readonly volume: number;
  /** b^d: sites per block. */
  readonly blockVolume: number;
  /** N_c of each sector. */
  readonly nc: {
    /** Even couplings compared (the first N_c). */
    readonly even: number;
    /** Odd couplings compared (the first N_c). */
    readonly odd: number;
  };
}

/** The averages of every compared (level, coupling) of one sector, from moments with `levelOffset` added to the level. */
function averages(
  acc: Accumulator,
  skip: number,
  sector: keyof FixedPointValue,
  levels: number,
  levelOffset: number,
  g: FixedPointGeometry,
): Float64Array {
  const { mean, second } = moments(acc, skip);
  const m = acc.nEven + acc.nOdd;
  const nc = g.nc[sector];
  const out = new Float64Array(levels * nc);
  for (let n = 0; n < levels; n++) {
    const V = g.volume / g.blockVolume ** n;
    const level = (n + levelOffset) * m;
    for (let a = 0; a < nc; a++) {
      out[n * nc + a] =
        sector === 'even'
          ? mean[level + a] / V
          : second[(level + acc.nEven + a) * m + acc.nEven + a] / (V * V);
    }
  }
  return out;
}

/**
 * Swendsen's cheaper proxy for a projector near its fixed point: the block system at level
 * n + 1 on L and the simulated system at level n on L′ = L/b live on the same lattice, and at
 * the fixed point they are the same system. For every n with n + 1 ≤ levels of L and n ≤ levels
 * of L′ it compares the per-site means of the even couplings (y_t sector) and the second moments
 * ⟨S_α²⟩/V² of the odd ones (y_h sector). Each difference is divided by its error (jackknife over
 * the bins of each lattice, in quadrature). The known exponents never enter.
 */
export function fixedPointLoss(
  main: Accumulator,
  other: Accumulator,
  geometry: FixedPointGeometry,
): FixedPointValue {
  const levels = Math.min(main.levels - 1, other.levels) + 1;
  const sector = (s: keyof FixedPointValue): FixedPointLoss => {
    const nc = geometry.nc[s];
    const block = jackknife(main.bins, (skip) => averages(main, skip, s, levels, 1, geometry));
    const original = jackknife(other.bins, (skip) => averages(other, skip, s, levels, 0, geometry));
    const terms: FixedPointTerm[] = [];
    let loss = 0;
    for (let i = 0; i < block.length; i++) {
      const difference = block[i].value - original[i].value;
      const error = Math.hypot(block[i].error, original[i].error);
      terms.push({
        level: Math.floor(i / nc),
        coupling: i % nc,
        block: block[i].value,
        original: original[i].value,
        difference,
        error,
      });
      if (difference !== 0) loss += (difference / error) ** 2;
    }
    return { loss, terms };
  };
  return { even: sector('even'), odd: sector('odd') };
}
