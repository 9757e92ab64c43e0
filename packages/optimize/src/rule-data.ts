import { type Projector, UsageError } from '@rsrg/core';
import {
  type RbmProjector,
  rbmFilter,
  rbmProjector,
  STOCHASTIC_MAJORITY_ID,
  type StochasticMajorityProjector,
  stochasticMajorityProjector,
} from '@rsrg/projectors';
import {
  type LinearFieldRule,
  orbitFilter,
  rbmFilterField,
  stochasticMajorityField,
  symmetricFilterField,
} from './linear-field.js';

/**
 * A block rule as plain data, what defines it and nothing more: it crosses to a worker thread
 * (structured clone), where `projectorFromData` and `linearFieldFromData` rebuild the very
 * same rule. 'stochastic-majority': θ = (w, w₁) (w = ∞ is majority rule); 'rbm-filter': the
 * w^d weights of an RBM filter; 'symmetric-filter': its orbit weights (`symmetricFilterField`).
 */
export type BlockRuleData =
  | {
      readonly kind: 'stochastic-majority';
      /** Weight of the block sum. */
      readonly w: number;
      /** Weight of the shell sum. */
      readonly w1: number;
      /** Block size b. */
      readonly blockSize: number;
    }
  | {
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

/** The projector `data` describes. */
export function projectorFromData(data: BlockRuleData): Projector {
  if (data.kind === 'stochastic-majority')
    return stochasticMajorityProjector({ w: data.w, w1: data.w1 }, data.blockSize);
  const { dimension, width, blockSize, weights } = data;
  const filter =
    data.kind === 'rbm-filter'
      ? rbmFilter({ dimension, width, blockSize, weights })
      : orbitFilter({ dimension, width, blockSize }, weights);
  return rbmProjector(filter);
}

/** The linear-field rule `data` describes (its `data` is `data` again); w must be finite. */
export function linearFieldFromData(data: BlockRuleData): LinearFieldRule {
  if (data.kind === 'stochastic-majority') return stochasticMajorityField(data, data.blockSize);
  const { dimension, width, blockSize, weights } = data;
  if (data.kind === 'symmetric-filter') return symmetricFilterField({ dimension, width, blockSize }, weights);
  if (weights.length !== width ** dimension)
    throw new UsageError(
      `a ${width}^${dimension} RBM filter has ${width ** dimension} weights, got ${weights.length}`,
    );
  return rbmFilterField(rbmFilter({ dimension, width, blockSize, weights }));
}
