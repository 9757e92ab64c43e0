import type { Coupling, Projector } from '@rsrg/core';
import { analyzeEnsemble, type Ensemble } from '@rsrg/mcrg';

/** y_t at the first RG step during training (the training curve): one point per evaluation. */
export interface EvaluationPoint {
  /** Training step (updates done) of the projector evaluated. */
  readonly step: number;
  /** The step in epochs (fractional). */
  readonly epoch: number;
  /** The largest truncation, and y, error there. */
  readonly nc: number;
  /** y_t at N_r = 1, N_c = `nc` (NaN when nothing was measured). */
  readonly y: number;
  /** Its jackknife error. */
  readonly error: number;
  /** y and its error for every truncation N_c = 1..nc, at N_r = 1. */
  readonly estimates: readonly {
    /** The truncation N_c: the first N_c even couplings. */
    readonly nc: number;
    /** y_t at N_r = 1 and this N_c. */
    readonly y: number;
    /** Its jackknife error. */
    readonly error: number;
  }[];
  /** Jackknife bins behind the errors. */
  readonly bins: number;
  /** Configurations the projector blocked: the evaluation ensemble's. */
  readonly samples: number;
  /** Wall time of this evaluation. */
  readonly seconds: number;
}

/** What an evaluation needs besides the projector: the fresh configurations and the couplings. */
export interface EvaluationSetup {
  /** The fresh configurations, independent of the training data. */
  readonly ensemble: Ensemble;
  /** The model's even couplings, in N_c order (y_t comes from them alone). */
  readonly even: readonly Coupling[];
  /** Seed of the projector's random streams. */
  readonly seed: number;
  /** Jackknife bins per chain (default: the analyzer's). */
  readonly bins?: number;
}

/**
 * y_t of `projector` at N_r = 1 for every N_c on the evaluation configurations, by
 * `analyzeEnsemble` on the even couplings alone; `step` and `epoch` say which snapshot it is.
 * Synchronous: it runs in the evaluation worker (evaluate-worker.ts), beside the training.
 */
export function evaluateProjector(
  setup: EvaluationSetup,
  projector: Projector,
  step: number,
  epoch: number,
): EvaluationPoint {
  const started = performance.now();
  const result = analyzeEnsemble(setup.ensemble, projector, {
    even: setup.even,
    odd: [],
    levels: 1,
    seed: setup.seed,
    ...(setup.bins !== undefined && { bins: setup.bins }),
  });
  const estimates = result.estimates
    .filter((e) => e.sector === 'even' && e.nr === 1)
    .sort((a, b) => a.nc - b.nc)
    .map((e) => ({ nc: e.nc, y: e.y, error: e.error }));
  const last = estimates[estimates.length - 1];
  return {
    step,
    epoch,
    nc: last?.nc ?? 0,
    y: last?.y ?? Number.NaN,
    error: last?.error ?? Number.NaN,
    estimates,
    bins: result.bins,
    samples: result.samples,
    seconds: (performance.now() - started) / 1000,
  };
}
