import { type Estimate, meanError } from '@rsrg/core';
import { conditionalTable, fitClassifier } from './classifier.js';
import { informationHE, informationVE, maximizeInformation } from './mutual-information.js';
import type { BlockEnvironmentPairs } from './pairs.js';

/**
 * RSMI's exact route with error bars from K independent groups of configurations. In each
 * group the classifier q_φ and the filter direction are fitted on one half of the group's
 * configurations and I(H:E), I(V:E) are evaluated on the other half (held out, so that the
 * fit's optimism does not enter); the K results give mean ± standard error.
 */

/** One group: pairs to fit on and held-out pairs to evaluate on. */
export interface RsmiGroup {
  /** Pairs the classifier and λ are fitted to. */
  readonly fit: BlockEnvironmentPairs;
  /** Held-out pairs I(H:E) and I(V:E) are evaluated on. */
  readonly evaluate: BlockEnvironmentPairs;
}

/** Settings of the exact route. */
export interface RsmiFitOptions {
  /** |λ|₂, the fixed norm of the filter (see `maximizeInformation`). */
  readonly norm: number;
  /** Ridge weight of the classifier fit. */
  readonly l2: number;
  /** L-BFGS iterations of the classifier fit. */
  readonly classifierIterations: number;
  /** L-BFGS iterations of the filter direction. */
  readonly filterIterations: number;
  /** A fixed λ: evaluate I(H:E) there instead of maximizing. */
  readonly lambda?: ArrayLike<number>;
}

/** What one group gives. */
export interface RsmiGroupResult {
  /** The filter λ (maximizing, or the fixed one), Σλ ≥ 0. */
  readonly lambda: number[];
  /** I(H:E) on the held-out pairs (nats). */
  readonly informationHE: number;
  /** I(V:E) on the held-out pairs (nats). */
  readonly informationVE: number;
  /** I(H:E)/I(V:E). */
  readonly ratio: number;
  /** Classifier L-BFGS iterations and whether it converged. */
  readonly classifier: {
    /** L-BFGS iterations done. */
    readonly iterations: number;
    /** Whether L-BFGS met its tolerance. */
    readonly converged: boolean;
  };
}

/** The K groups combined: means with standard errors. */
export interface RsmiEstimate {
  /** Each group's result, in order. */
  readonly groups: readonly RsmiGroupResult[];
  /** λ_i, mean ± standard error over the groups. */
  readonly lambda: readonly Estimate[];
  /** I(H:E) (nats). */
  readonly informationHE: Estimate;
  /** I(V:E) (nats). */
  readonly informationVE: Estimate;
  /** I(H:E)/I(V:E). */
  readonly ratio: Estimate;
}

/** The exact route on one group. */
export function rsmiGroup(group: RsmiGroup, options: RsmiFitOptions): RsmiGroupResult {
  const n = group.fit.blockSites;
  const fit = fitClassifier(group.fit, { l2: options.l2, iterations: options.classifierIterations });
  let lambda: Float64Array;
  if (options.lambda !== undefined) {
    if (options.lambda.length !== n)
      throw new RangeError(`λ has ${options.lambda.length} entries, the block ${n}`);
    lambda = Float64Array.from(options.lambda);
  } else {
    const table = conditionalTable(fit.classifier, group.fit);
    lambda = maximizeInformation(table, group.fit.count, n, {
      norm: options.norm,
      iterations: options.filterIterations,
    }).lambda;
  }
  const held = conditionalTable(fit.classifier, group.evaluate);
  const iHE = informationHE(held, group.evaluate.count, lambda);
  const iVE = informationVE(held, group.evaluate);
  return {
    lambda: Array.from(lambda),
    informationHE: iHE,
    informationVE: iVE,
    ratio: iHE / iVE,
    classifier: { iterations: fit.iterations, converged: fit.converged },
  };
}

/** Mean ± standard error over the groups' results. */
export function combineGroups(groups: readonly RsmiGroupResult[]): RsmiEstimate {
  if (groups.length < 2) throw new RangeError('error bars need at least 2 groups');
  const n = groups[0].lambda.length;
  const of = (f: (g: RsmiGroupResult) => number) => meanError(groups.map(f));
  return {
    groups,
    lambda: Array.from({ length: n }, (_, i) => of((g) => g.lambda[i])),
    informationHE: of((g) => g.informationHE),
    informationVE: of((g) => g.informationVE),
    ratio: of((g) => g.ratio),
  };
}

/** The exact route on every group, then `combineGroups`; `onGroup` sees each result as it comes. */
export function rsmiEstimate(
  groups: readonly RsmiGroup[],
  options: RsmiFitOptions,
  onGroup?: (result: RsmiGroupResult, index: number) => void,
): RsmiEstimate {
  const results: RsmiGroupResult[] = [];
  for (const g of groups) {
    const r = rsmiGroup(g, options);
    onGroup?.(r, results.length);
    results.push(r);
  }
  return combineGroups(results);
}

/**
 * Splits configurations 0 … count − 1 into K contiguous groups (so that groups are as
 * independent as the Markov chain allows), each into the configurations it fits on (even
 * positions in the group) and those it evaluates on (odd positions).
 */
export function configurationGroups(
  count: number,
  groups: number,
): {
  /** Configurations the group fits on. */
  fit: number[];
  /** Configurations the group evaluates on. */
  evaluate: number[];
}[] {
  if (!Number.isInteger(groups) || groups < 2 || 2 * groups > count)
    throw new RangeError(`${count} configurations cannot form ${groups} groups of at least 2`);
  const out: { fit: number[]; evaluate: number[] }[] = [];
  for (let k = 0; k < groups; k++) {
    const lo = Math.floor((k * count) / groups);
    const hi = Math.floor(((k + 1) * count) / groups);
    const fit: number[] = [];
    const evaluate: number[] = [];
    for (let c = lo; c < hi; c++) ((c - lo) % 2 === 0 ? fit : evaluate).push(c);
    out.push({ fit, evaluate });
  }
  return out;
}
