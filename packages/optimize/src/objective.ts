import {
  jackknife,
  type Projector,
  type Sector,
  UsageError,
  type Estimate as ValueWithError,
} from '@rsrg/core';
import { type Accumulator, analyze, type Estimate } from '@rsrg/mcrg';
import { ExponentGradients, type ExponentWithGradient } from './exponent-gradient.js';
import { type FixedPointValue, fixedPointLoss } from './fixed-point.js';
import type { LinearFieldRule } from './linear-field.js';
import { stepDifference } from './paired.js';
import {
  type ReblockedExponents,
  Reblocking,
  type ReblockingOptions,
  type StoredConfigurations,
} from './reblocking.js';

/** The two sectors of the loss: 'even' (y_t) and 'odd' (y_h). */
export type ObjectiveSector = 'even' | 'odd';

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

/** One squared difference of the loss. */
export interface LossTerm {
  /** 'steps': d = y_L^(n+1) − y_L^(n); 'sizes': d = y_L^(n) − y_{L'}^(n). */
  readonly kind: 'steps' | 'sizes';
  /** N_r = n of the term. */
  readonly nr: number;
  /** The difference d. */
  readonly difference: number;
  /**
   * Its standard error s: the paired jackknife over the common bins for 'steps' (both y's from
   * the same configurations and draws), the two errors in quadrature for 'sizes' (independent
   * configurations) and for 'steps' when no paired error was given.
   */
  readonly error: number;
  /** The factor of d² in L: 1 or 1/s² (weighted), times μ for 'sizes'. */
  readonly weight: number;
}

/** L(θ) of one sector and its two parts. */
export interface SectorLoss {
  /** Σ_n (y_L^(n+1) − y_L^(n))² (divided by s² each when weighted): agreement between successive N_r on the large lattice. */
  readonly steps: number;
  /** Σ_n (y_L^(n) − y_{L'}^(n))² (divided by s² each when weighted) over the N_r both lattices have: agreement between sizes (0 without a second lattice). */
  readonly sizes: number;
  /** steps + μ·sizes: NaN when an exponent it needs is undefined. */
  readonly loss: number;
  /** Whether each squared difference is divided by its squared error, (d/s)². */
  readonly weighted: boolean;
  /** Every difference with its error and weight, steps first. */
  readonly terms: readonly LossTerm[];
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
  /**
   * Swendsen's fixed-point proxy (`fixedPointLoss`): level n + 1 of L against level n of the
   * second lattice; present only when that lattice is L/b.
   */
  readonly fixedPoint?: FixedPointValue;
}

/** Options of the RG-convergence objective. */
export interface RgObjectiveOptions extends ReblockingOptions {
  /** Weight μ of the lattice-size term (default 1). */
  readonly mu?: number;
  /** N_c of the exponents (default: every coupling of the sector), capped at the sector's size. */
  readonly nc?: number;
  /** RG steps on the second lattice (default: its own `resolveLevels`). */
  readonly otherLevels?: number;
  /**
   * Weight each squared difference by its error, (d/s)² (default false: d²), so that L counts
   * disagreement in standard errors: a loss near the number of terms is agreement within the
   * noise, and minimizing cannot profit from driving it far below.
   */
  readonly weighted?: boolean;
}

/** L(θ) of one sector with its gradient in the parameters of a linear-field rule. */
export interface SectorLossWithGradient {
  /** Both sectors' losses and exponents, as `evaluate` gives them. */
  readonly value: RgObjectiveValue;
  /** dL/dθ_j of the sector asked for, with jackknife errors (the weights 1/s² held fixed). */
  readonly gradient: readonly ValueWithError[];
  /** y and ∂y/∂θ of that sector at every N_r on the main lattice. */
  readonly main: readonly ExponentWithGradient[];
  /** The same on the second lattice, when there is one. */
  readonly other?: readonly ExponentWithGradient[];
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
 * Weighted, each d² is (d/s)² with s the error of d (see `LossTerm.error`); `stepErrors[n − 1]`
 * is the paired error of y^(n+1) − y^(n) (`stepDifference`).
 */
export function sectorLoss(
  main: SectorExponents,
  other: SectorExponents | undefined,
  mu: number,
  options: { readonly weighted?: boolean; readonly stepErrors?: readonly number[] } = {},
): SectorLoss {
  const weighted = options.weighted ?? false;
  const terms: LossTerm[] = [];
  const term = (kind: LossTerm['kind'], nr: number, a: ExponentPoint, b: ExponentPoint, paired?: number) => {
    const difference = a.y - b.y;
    const error = paired ?? Math.hypot(a.error, b.error);
    const weight = (weighted ? 1 / error ** 2 : 1) * (kind === 'sizes' ? mu : 1);
    terms.push({ kind, nr, difference, error, weight });
    return weighted ? (difference / error) ** 2 : difference ** 2;
  };
  let steps = 0;
  for (let n = 1; n < main.y.length; n++)
    steps += term('steps', n, main.y[n], main.y[n - 1], options.stepErrors?.[n - 1]);
  let sizes = 0;
  if (other) {
    const shared = Math.min(main.y.length, other.y.length);
    for (let n = 0; n < shared; n++) sizes += term('sizes', n + 1, main.y[n], other.y[n]);
  }
  return { steps, sizes, loss: steps + mu * sizes, weighted, terms };
}

/**
 * dL/dθ of one sector's loss from the exponent gradients of the y's entering it:
 * L = Σ_t c_t d_t² gives dL/dθ = Σ_t 2 c_t d_t (∂d_t/∂θ), with d = y_L^(n+1) − y_L^(n) or
 * y_L^(n) − y_{L'}^(n) and c_t = `weight` of the term (1, μ, or those over s_t² when
 * weighted: the errors s_t are held fixed, they change with θ far more slowly than d). The
 * errors are the jackknife over the common bins of both lattices (independent configurations,
 * so leaving bin k out of both is a valid deletion).
 */
export function sectorLossGradient(
  loss: SectorLoss,
  main: readonly ExponentWithGradient[],
  other?: readonly ExponentWithGradient[],
): ValueWithError[] {
  const bins = main[0].replicas.length - 1;
  if (other && other[0].replicas.length - 1 !== bins)
    throw new UsageError('the two lattices must be measured in the same number of bins');
  const P = main[0].gradient.length;
  const at = (list: readonly ExponentWithGradient[] | undefined, nr: number) => {
    const e = list?.find((x) => x.nr === nr);
    if (!e) throw new UsageError(`no exponent gradient at N_r = ${nr}`);
    return e.replicas;
  };
  const parts = loss.terms.map((t) =>
    t.kind === 'steps'
      ? { weight: t.weight, a: at(main, t.nr + 1), b: at(main, t.nr) }
      : { weight: t.weight, a: at(main, t.nr), b: at(other, t.nr) },
  );
  return jackknife(bins, (skip) => {
    const out = new Float64Array(P);
    for (const { weight, a, b } of parts) {
      const ra = a[skip + 1];
      const rb = b[skip + 1];
      const d = ra[0] - rb[0];
      for (let p = 0; p < P; p++) out[p] += 2 * weight * d * (ra[1 + p] - rb[1 + p]);
    }
    return out;
  });
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
  /** Whether each squared difference is divided by its squared error. */
  readonly weighted: boolean;
  private readonly nc: { readonly even: number; readonly odd: number };
  /** The options it was made with (a worker thread makes the same objective from them). */
  readonly options: RgObjectiveOptions;
  private readonly gradients = new Map<string, ExponentGradients>();
  /** Why the fixed-point proxy cannot be evaluated (no second lattice, or not of side L/b); undefined when it can. */
  readonly fixedPointUnavailable?: string;

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
    this.weighted = options.weighted ?? false;
    this.options = options;
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
    const b = this.main.blockSize;
    const sides = main.lattice.sizes;
    if (other === undefined)
      this.fixedPointUnavailable = 'the fixed-point objective needs a second lattice L/b';
    else if (!other.lattice.sizes.every((s, i) => s * b === sides[i]))
      this.fixedPointUnavailable = `the fixed-point objective needs a second lattice of side L/${b}: ${other.lattice.label} is not ${main.lattice.label} / ${b}`;
  }

  /** The exponents of both sectors from one measurement, with the paired errors of their successive differences. */
  private exponents(
    measured: ReblockedExponents,
  ): LatticeExponents & { steps: Record<ObjectiveSector, number[]> } {
    const steps = (sector: ObjectiveSector) =>
      Array.from(
        { length: measured.accumulator.levels - 1 },
        (_, n) => stepDifference(measured.accumulator, sector, n + 1, this.nc[sector]).error,
      );
    return {
      even: sectorExponents(measured.estimates, 'even', this.nc.even),
      odd: sectorExponents(measured.estimates, 'odd', this.nc.odd),
      steps: { even: steps('even'), odd: steps('odd') },
    };
  }

  /** The loss of one sector from the exponents of both lattices. */
  private loss(
    sector: ObjectiveSector,
    main: ReturnType<RgConvergenceObjective['exponents']>,
    other: ReturnType<RgConvergenceObjective['exponents']> | undefined,
  ): SectorLoss {
    return sectorLoss(main[sector], other?.[sector], this.mu, {
      weighted: this.weighted,
      stepErrors: main.steps[sector],
    });
  }

  /** L(θ) of both sectors for the projector with parameters θ. Deterministic: the same projector gives the same value bit for bit. */
  evaluate(projector: Projector): RgObjectiveValue {
    return this.valueOf(this.main.accumulate(projector), this.other?.accumulate(projector));
  }

  /**
   * L(θ) of both sectors from the MCRG sums of every bin on the main lattice and, when there
   * is one, on the second: `evaluate` once the bins are summed, here or on worker threads.
   */
  valueOf(mainSums: Accumulator, otherSums?: Accumulator): RgObjectiveValue {
    const maxNc = Math.max(this.nc.even, this.nc.odd);
    const measured = (accumulator: Accumulator): ReblockedExponents => ({
      estimates: analyze(accumulator, { maxNc }),
      accumulator,
    });
    const mainMeasured = measured(mainSums);
    const otherMeasured = otherSums && measured(otherSums);
    const main = this.exponents(mainMeasured);
    const other = otherMeasured && this.exponents(otherMeasured);
    const lattice = (e: LatticeExponents): LatticeExponents => ({ even: e.even, odd: e.odd });
    const fixedPoint =
      otherMeasured && this.fixedPointUnavailable === undefined && this.other
        ? fixedPointLoss(mainMeasured.accumulator, otherMeasured.accumulator, {
            volume: this.other.data.lattice.volume,
            blockVolume: this.main.blockSize ** this.main.data.lattice.dimension,
            nc: this.nc,
          })
        : undefined;
    return {
      even: this.loss('even', main, other),
      odd: this.loss('odd', main, other),
      exponents: { main: lattice(main), ...(other && { other: lattice(other) }) },
      ...(fixedPoint && { fixedPoint }),
    };
  }

  /** The exponent gradients of one sector on one lattice, made once (they cache the level-0 sums). */
  exponentGradients(which: 'main' | 'other', sector: ObjectiveSector): ExponentGradients {
    const key = `${which}:${sector}`;
    let g = this.gradients.get(key);
    if (!g) {
      const reblocking = which === 'main' ? this.main : (this.other as Reblocking);
      g = new ExponentGradients(reblocking.data, {
        couplings: this.options.couplings[sector],
        nc: this.nc[sector],
        blockSize: reblocking.blockSize,
        levels: reblocking.levels,
        bins: reblocking.bins,
        seed: this.options.seed,
      });
      this.gradients.set(key, g);
    }
    return g;
  }

  /**
   * L(θ) (both sectors, as `evaluate`) and dL/dθ of `sector` for a linear-field rule, from the
   * score-function gradients of every exponent entering L (`ExponentGradients`, same draws).
   */
  evaluateWithGradient(rule: LinearFieldRule, sector: ObjectiveSector): SectorLossWithGradient {
    const value = this.evaluate(rule.projector);
    const main = this.exponentGradients('main', sector).measure(rule);
    const other = this.other && this.exponentGradients('other', sector).measure(rule);
    return this.withGradient(value, sector, main, other);
  }

  /**
   * `evaluateWithGradient` from its parts: the value and the exponent gradients of `sector` on
   * the main lattice and, when there is one, on the second.
   */
  withGradient(
    value: RgObjectiveValue,
    sector: ObjectiveSector,
    main: readonly ExponentWithGradient[],
    other?: readonly ExponentWithGradient[],
  ): SectorLossWithGradient {
    const gradient = sectorLossGradient(value[sector], main, other);
    return { value, gradient, main, ...(other && { other }) };
  }
}
