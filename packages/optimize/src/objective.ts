import { type Projector, type Sector, UsageError } from '@rsrg/core';
import type { Estimate } from '@rsrg/mcrg';
import {
  type ReblockedExponents,
  Reblocking,
  type ReblockingOptions,
  type StoredConfigurations,
} from './reblocking.js';

/** y at one N_r with its jackknife error. */
export interface ExponentPoint {
  /** RG step N_r. */
  readonly nr: number;
  /** y = ln λ / ln b. */
  readonly y: number;
  /** Jackknife standard error of y. */
  readonly error: number;
}

/** The exponent of one sector at every N_r, at one truncation N_c. */
export interface SectorExponents {
  /** N_c of the estimates. */
  readonly nc: number;
  /** y at N_r = 1, 2, …, with jackknife errors. */
  readonly y: readonly ExponentPoint[];
}

/** The exponents of both sectors on one lattice. */
export interface LatticeExponents {
  /** y_t sector. */
  readonly even: SectorExponents;
  /** y_h sector. */
  readonly odd: SectorExponents;
}

/** L(θ) of one sector and its two parts. */
export interface SectorLoss {
  /** Σ_n (y_L^(n+1) − y_L^(n))²: agreement between successive N_r on the large lattice. */
  readonly steps: number;
  /** Σ_n (y_L^(n) − y_{L'}^(n))² over the N_r both lattices have: agreement between sizes (0 without a second lattice). */
  readonly sizes: number;
  /** steps + μ·sizes: NaN when an exponent it needs is undefined. */
  readonly loss: number;
}

/** The exponents behind an evaluation. */
export interface ObjectiveExponents {
  /** On the main (training) lattice. */
  readonly main: LatticeExponents;
  /** On the second lattice, when there is one. */
  readonly other?: LatticeExponents;
}

/** One evaluation of the objective. */
export interface RgObjectiveValue {
  /** The y_t sector (even couplings). */
  readonly even: SectorLoss;
  /** The y_h sector (odd couplings). */
  readonly odd: SectorLoss;
  /** The exponents behind them: on the main lattice and, when given, on the second one. */
  readonly exponents: ObjectiveExponents;
}

/** Options of the RG-convergence objective. */
export interface RgObjectiveOptions extends ReblockingOptions {
  /** Weight μ of the lattice-size term (default 1). */
  readonly mu?: number;
  /** N_c of the exponents (default: every coupling of the sector), capped at the sector's size. */
  readonly nc?: number;
  /** RG steps on the second lattice (default: its own `resolveLevels`). */
  readonly otherLevels?: number;
}

/** y at each N_r of one sector at truncation nc, in N_r order. */
export function sectorExponents(estimates: readonly Estimate[], sector: Sector, nc: number): SectorExponents {
  const y = estimates
    .filter((e) => e.sector === sector && e.nc === nc)
    .sort((a, b) => a.nr - b.nr)
    .map((e) => ({ nr: e.nr, y: e.y, error: e.error }));
  return { nc, y };
}

/**
 * L = Σ_n (y^(n+1) − y^(n))² + μ Σ_n (y^(n) − y'^(n))², with y the exponents of the large
 * lattice and y' those of the other (smaller) lattice at the same N_r; the second sum runs over
 * the N_r both have and is absent without y'. The exponent's known value never enters.
 */
export function sectorLoss(
  main: SectorExponents,
  other: SectorExponents | undefined,
  mu: number,
): SectorLoss {
  let steps = 0;
  for (let n = 1; n < main.y.length; n++) steps += (main.y[n].y - main.y[n - 1].y) ** 2;
  let sizes = 0;
  if (other) {
    const shared = Math.min(main.y.length, other.y.length);
    for (let n = 0; n < shared; n++) sizes += (main.y[n].y - other.y[n].y) ** 2;
  }
  return { steps, sizes, loss: steps + mu * sizes };
}

/**
 * The RG-convergence objective: for a projector, re-block the stored configurations (with
 * common random numbers, see `Reblocking`), take y per N_r in each sector at one N_c, and score
 * how far the estimates are from converged — between successive N_r on the main lattice and
 * between the main lattice and a second one (e.g. L/2) at equal N_r. It never samples.
 */
export class RgConvergenceObjective {
  /** Re-blocking of the main lattice's configurations. */
  readonly main: Reblocking;
  /** Re-blocking of the second lattice's configurations, when given. */
  readonly other?: Reblocking;
  /** Weight μ of the lattice-size term. */
  readonly mu: number;
  private readonly nc: { readonly even: number; readonly odd: number };

  /**
   * @param main configurations of the larger lattice
   * @param other configurations of a second lattice of the same model and coupling (e.g. L/2), or undefined
   * @param options couplings, b, levels, bins, the seed of the common random numbers, μ and N_c
   */
  constructor(
    main: StoredConfigurations,
    other: StoredConfigurations | undefined,
    options: RgObjectiveOptions,
  ) {
    const mu = options.mu ?? 1;
    if (!(mu >= 0) || !Number.isFinite(mu)) throw new UsageError(`mu must be a finite number ≥ 0, got ${mu}`);
    const nEven = options.couplings.even.length;
    const nOdd = options.couplings.odd.length;
    if (options.nc !== undefined && (!Number.isInteger(options.nc) || options.nc < 1))
      throw new UsageError(`nc must be a positive integer, got ${options.nc}`);
    this.mu = mu;
    this.nc = { even: Math.min(nEven, options.nc ?? nEven), odd: Math.min(nOdd, options.nc ?? nOdd) };
    this.main = new Reblocking(main, options);
    if (this.main.levels < 2 && other === undefined) {
      throw new UsageError(
        `one RG step on ${main.lattice.label} leaves nothing to converge: give more levels or a second lattice`,
      );
    }
    if (other !== undefined) {
      if (other.lattice.dimension !== main.lattice.dimension)
        throw new UsageError(
          `the second lattice ${other.lattice.label} is not of the dimension of ${main.lattice.label}`,
        );
      this.other = new Reblocking(other, { ...options, levels: options.otherLevels });
    }
  }

  /** The exponents of both sectors from one measurement. */
  private exponents(measured: ReblockedExponents): LatticeExponents {
    return {
      even: sectorExponents(measured.estimates, 'even', this.nc.even),
      odd: sectorExponents(measured.estimates, 'odd', this.nc.odd),
    };
  }

  /** L(θ) of both sectors for the projector with parameters θ. Deterministic: the same projector gives the same value bit for bit. */
  evaluate(projector: Projector): RgObjectiveValue {
    const maxNc = Math.max(this.nc.even, this.nc.odd);
    const main = this.exponents(this.main.measure(projector, maxNc));
    const other = this.other && this.exponents(this.other.measure(projector, maxNc));
    return {
      even: sectorLoss(main.even, other?.even, this.mu),
      odd: sectorLoss(main.odd, other?.odd, this.mu),
      exponents: { main, ...(other && { other }) },
    };
  }
}
