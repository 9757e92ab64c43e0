import type { Projector } from '@rsrg/core';
import {
  type RbmProjector,
  STOCHASTIC_MAJORITY_ID,
  type StochasticMajorityProjector,
} from '@rsrg/projectors';

/**
 * A block rule as plain data, what defines it and nothing more: it crosses to a worker thread
 * (structured clone), where `projectorFromData` and `linearFieldFromData` (linear-field.ts) rebuild the very
 * same rule. 'stochastic-majority': θ = (w, w₁) (w = ∞ is majority rule); 'rbm-filter': the
 * w^d weights of an RBM filter; 'symmetric-filter': its orbit weights (`symmetricFilterField`).
 */
export type BlockRuleData =
  | {
      /** The stochastic majority rule. */
      readonly kind: 'stochastic-majority';
      /** Weight of the block sum. */
      readonly w: number;
      /** Weight of the shell sum. */
      readonly w1: number;
      /** Block size b. */
      readonly blockSize: number;
    }
  | {
      /** An RBM filter: every weight free, or one weight per orbit of the point group. */
      readonly kind: 'rbm-filter' | 'symmetric-filter';
      /** Dimension d of the filter. */
      readonly dimension: number;
      /** Filter side w. */
      readonly width: number;
      /** Block size b. */
      readonly blockSize: number;
      /** The w^d weights ('rbm-filter') or one weight per orbit ('symmetric-filter'). */
      readonly weights: readonly number[];
    };

/** The data of a stochastic majority or RBM projector; undefined for any other projector. */
export function projectorData(projector: Projector): BlockRuleData | undefined {
  if (projector.id === STOCHASTIC_MAJORITY_ID) {
    const { w, w1, blockSize } = projector as StochasticMajorityProjector;
    return { kind: 'stochastic-majority', w, w1, blockSize };
  }
  if (projector.id === 'rbm') {
    const { dimension, width, blockSize, weights } = (projector as RbmProjector).filter;
    return { kind: 'rbm-filter', dimension, width, blockSize, weights: Array.from(weights) };
  }
  return undefined;
}
