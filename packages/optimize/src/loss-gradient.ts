import { type Estimate, jackknife, UsageError } from '@rsrg/core';
import type { ExponentWithGradient } from './exponent-gradient.js';
import type { SectorLoss } from './objective.js';

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
): Estimate[] {
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
