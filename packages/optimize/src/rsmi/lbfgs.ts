/**
 * f and its gradient at x: writes ∇f(x) into `gradient` and returns f(x).
 */
export type SmoothObjective = (x: Float64Array, gradient: Float64Array) => number;

/** Where L-BFGS stopped. */
export interface LbfgsResult {
  /** The last point. */
  readonly x: Float64Array;
  /** f there. */
  readonly value: number;
  /** Iterations done. */
  readonly iterations: number;
  /** Whether the gradient norm fell below the tolerance. */
  readonly converged: boolean;
}

/**
 * Minimizes a smooth f by L-BFGS (two-loop recursion, memory 8) with a backtracking Armijo line
 * search, from `start`. Deterministic. Used for RSMI's convex classifier fit and for the filter
 * direction; both are small, so a textbook version suffices.
 */
export function lbfgs(
  f: SmoothObjective,
  start: ArrayLike<number>,
  options: { iterations: number; tolerance?: number; memory?: number },
): LbfgsResult {
  const n = start.length;
  const M = options.memory ?? 8;
  const tol = options.tolerance ?? 1e-7;
  const x = Float64Array.from(start);
  const g = new Float64Array(n);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const alpha = new Float64Array(M);
  const norm = (v: Float64Array) => Math.sqrt(dot(v, v));
  let it = 0;
  for (; it < options.iterations; it++) {
    if (norm(g) < tol) return { x, value: fx, iterations: it, converged: true };
    dir.set(g);
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], dir);
      axpy(-alpha[k], Y[k], dir);
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let i = 0; i < n; i++) dir[i] *= gamma;
    }
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], dir);
      axpy(alpha[k] - beta, S[k], dir);
    }
    for (let i = 0; i < n; i++) dir[i] = -dir[i];
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction: restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -g[i];
      slope = dot(g, dir);
    }
    let step = S.length === 0 ? Math.min(1, 1 / norm(g)) : 1;
    let fNew = Number.NaN;
    let accepted = false;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * dir[i];
      fNew = f(xNew, gNew);
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step /= 2;
    }
    if (!accepted) return { x, value: fx, iterations: it, converged: false };
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * norm(s) * norm(y)) {
      if (S.length === M) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    x.set(xNew);
    g.set(gNew);
    const change = fx - fNew;
    fx = fNew;
    if (change >= 0 && change < 1e-13 * Math.max(1, Math.abs(fx)))
      return { x, value: fx, iterations: it + 1, converged: true };
  }
  return { x, value: fx, iterations: it, converged: norm(g) < tol };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}
