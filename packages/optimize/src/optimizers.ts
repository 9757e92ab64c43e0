import { UsageError } from '@rsrg/core';

/**
 * Minimizers for a few parameters, each with a fixed number of evaluations (so that a run's
 * steps are known before it starts, and the result depends on nothing but the objective). The
 * objective may be asynchronous; a NaN value counts as +∞. No library: the maintained ones on
 * npm are general solvers far larger than these few lines (the small ones, e.g. fmin, are
 * unmaintained), and the methods are textbook (Press et al., Numerical Recipes, §10.2, §10.5).
 */

/** An objective of the parameter vector. */
export type Objective = (theta: readonly number[]) => number | Promise<number>;

/** One evaluation: the parameters and the objective's value there. */
export interface Evaluation {
  /** The parameters. */
  readonly theta: readonly number[];
  /** The value (+∞ for NaN). */
  readonly value: number;
}

/** A minimization's outcome: the best point seen and every evaluation in order. */
export interface Minimum {
  /** The parameters of the smallest value seen. */
  readonly theta: readonly number[];
  /** That value. */
  readonly value: number;
  /** Every evaluation, in order. */
  readonly evaluations: readonly Evaluation[];
}

/** Box bounds of one parameter. */
export interface Interval {
  /** Lower end. */
  readonly min: number;
  /** Upper end. */
  readonly max: number;
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;

function checkIntervals(bounds: readonly Interval[]): void {
  for (const { min, max } of bounds) {
    if (!(Number.isFinite(min) && Number.isFinite(max) && min < max))
      throw new UsageError(`a search interval needs finite ends min < max, got [${min}, ${max}]`);
  }
}

class Recorder {
  readonly evaluations: { theta: readonly number[]; value: number }[] = [];
  best: { theta: readonly number[]; value: number } | undefined;
  constructor(private readonly f: Objective) {}
  async value(theta: readonly number[]): Promise<number> {
    const raw = await this.f(theta);
    const value = Number.isNaN(raw) ? Number.POSITIVE_INFINITY : raw;
    const point = { theta: [...theta], value };
    this.evaluations.push(point);
    if (this.best === undefined || value < this.best.value) this.best = point;
    return value;
  }
  result(): Minimum {
    if (!this.best) throw new UsageError('no evaluation was made');
    return { theta: this.best.theta, value: this.best.value, evaluations: this.evaluations };
  }
}

/**
 * A full grid: `points` values per parameter, evenly spaced over each interval ends included
 * (points^k evaluations, row-major, the last parameter fastest).
 */
export async function gridSearch(
  f: Objective,
  bounds: readonly Interval[],
  points: number,
): Promise<Minimum> {
  checkIntervals(bounds);
  if (!Number.isInteger(points) || points < 2)
    throw new UsageError(`a grid needs ≥ 2 points per axis, got ${points}`);
  const r = new Recorder(f);
  const k = bounds.length;
  for (let index = 0; index < points ** k; index++) {
    const theta: number[] = new Array(k);
    let rem = index;
    for (let a = k - 1; a >= 0; a--) {
      const i = rem % points;
      rem = Math.floor(rem / points);
      theta[a] = bounds[a].min + ((bounds[a].max - bounds[a].min) * i) / (points - 1);
    }
    await r.value(theta);
  }
  return r.result();
}

/**
 * Golden-section search for the minimum of a function of one parameter on an interval, with
 * exactly `evaluations` (≥ 2) evaluations: the bracket shrinks by 0.618 per evaluation after the
 * first two. Finds the minimum of a unimodal function; otherwise a local one.
 */
export async function goldenSection(f: Objective, interval: Interval, evaluations: number): Promise<Minimum> {
  checkIntervals([interval]);
  if (!Number.isInteger(evaluations) || evaluations < 2)
    throw new UsageError(`golden-section search needs ≥ 2 evaluations, got ${evaluations}`);
  const r = new Recorder(f);
  let a = interval.min;
  let b = interval.max;
  let c = b - GOLDEN * (b - a);
  let d = a + GOLDEN * (b - a);
  let fc = await r.value([c]);
  let fd = await r.value([d]);
  for (let n = 2; n < evaluations; n++) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - GOLDEN * (b - a);
      fc = await r.value([c]);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + GOLDEN * (b - a);
      fd = await r.value([d]);
    }
  }
  return r.result();
}

/**
 * Nelder–Mead simplex search (reflection 1, expansion 2, contraction ½, shrink ½) from `start`
 * with initial steps `step`, stopped after exactly `evaluations` evaluations (a shrink that
 * would run past the budget is cut short). A point outside `bounds` is moved onto the box's
 * surface before it is evaluated.
 */
export async function nelderMead(
  f: Objective,
  start: readonly number[],
  step: readonly number[],
  evaluations: number,
  bounds?: readonly Interval[],
): Promise<Minimum> {
  const k = start.length;
  if (k < 1 || step.length !== k)
    throw new UsageError('Nelder–Mead needs a start and one step per parameter');
  if (!Number.isInteger(evaluations) || evaluations < k + 1)
    throw new UsageError(`Nelder–Mead in ${k} parameters needs ≥ ${k + 1} evaluations, got ${evaluations}`);
  if (bounds) checkIntervals(bounds);
  const r = new Recorder(f);
  let left = evaluations;
  // Clamped into the box in place, so that the simplex holds the points evaluated.
  const value = async (x: number[]) => {
    left--;
    if (bounds) for (let a = 0; a < k; a++) x[a] = Math.min(bounds[a].max, Math.max(bounds[a].min, x[a]));
    return r.value(x);
  };
  const simplex: { x: number[]; f: number }[] = [];
  for (let i = 0; i <= k; i++) {
    const x = [...start];
    if (i > 0) x[i - 1] += step[i - 1];
    simplex.push({ x, f: await value(x) });
  }
  const along = (from: number[], to: number[], t: number) => from.map((v, a) => v + t * (to[a] - v));
  while (left > 0) {
    simplex.sort((p, q) => p.f - q.f);
    const worst = simplex[k];
    const centroid = new Array(k).fill(0);
    for (let i = 0; i < k; i++) for (let a = 0; a < k; a++) centroid[a] += simplex[i].x[a] / k;
    const xr = along(centroid, worst.x, -1);
    const fr = await value(xr);
    if (fr < simplex[0].f) {
      if (left === 0) {
        simplex[k] = { x: xr, f: fr };
        break;
      }
      const xe = along(centroid, worst.x, -2);
      const fe = await value(xe);
      simplex[k] = fe < fr ? { x: xe, f: fe } : { x: xr, f: fr };
    } else if (fr < simplex[k - 1].f) {
      simplex[k] = { x: xr, f: fr };
    } else {
      if (left === 0) break;
      const outside = fr < worst.f;
      const xc = along(centroid, outside ? xr : worst.x, 0.5);
      const fc = await value(xc);
      if (fc < Math.min(fr, worst.f)) simplex[k] = { x: xc, f: fc };
      else {
        for (let i = 1; i <= k && left > 0; i++) {
          const x = along(simplex[0].x, simplex[i].x, 0.5);
          simplex[i] = { x, f: await value(x) };
        }
      }
    }
  }
  return r.result();
}
