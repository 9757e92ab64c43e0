import {
  type Lattice,
  type Projector,
  type ProjectorKernel,
  type Rng,
  type Spins,
  UsageError,
} from '@rsrg/core';
import { cloneFilter, type RbmFilter } from './filter.js';
import { FieldTable, logTwoCosh, sampleSpins, unitFields, windowPatterns } from './kernels.js';
import { layoutUnsupported, RbmLayout } from './layout.js';

/** An RBM projector: the Projector interface plus the filter it applies. */
export interface RbmProjector extends Projector {
  readonly id: 'rbm';
  /** A private copy of the filter; changing it does not change the projector. */
  readonly filter: RbmFilter;
  /** P(μ|σ) = Π_J sigmoid(2 μ_J h_J), exact. */
  probability(fine: Lattice, sigma: Spins, mu: Spins): number;
  /** The hidden fields h_J = Σ_k W_k σ_{bX_J+k} of σ, in coarse-site order. */
  fields(fine: Lattice, sigma: Spins, out?: Float64Array): Float64Array;
  /** log Y(σ) = Σ_J log 2cosh h_J: the unnormalised log-marginal of the RBM. */
  logY(fine: Lattice, sigma: Spins): number;
}

/** What the projector keeps per fine lattice. */
class Prepared {
  readonly pat: Uint8Array;
  readonly h: Float64Array;
  readonly e: Float64Array;
  readonly table: FieldTable;

  constructor(
    readonly layout: RbmLayout,
    W: Float64Array,
  ) {
    this.pat = new Uint8Array(layout.fineReader.patternLength);
    this.h = new Float64Array(layout.hidden);
    this.e = new Float64Array(layout.hidden);
    this.table = new FieldTable(layout.hiddenWeightIndex, layout.fineReader.offsets.length);
    this.table.update(W);
  }

  /** h and e = e^{−2h} of σ. */
  fields(sigma: Spins): void {
    const { layout: l, table } = this;
    if (sigma.length !== l.visible) {
      throw new UsageError(
        `configuration has ${sigma.length} sites, lattice ${l.fine.label} has ${l.visible}`,
      );
    }
    windowPatterns(l.fineReader, sigma, 0, this.pat);
    const offsets = l.fineReader.offsets;
    unitFields(
      table.table,
      table.products,
      this.pat,
      l.hiddenAnchors,
      l.hiddenGroups,
      offsets,
      this.h,
      this.e,
    );
  }
}

/**
 * The Chung–Kao weight factor P(μ|σ) = Π_J sigmoid(2 μ_J h_J) as a projector with scale factor
 * b = filter.blockSize. `apply` draws μ_J = +1 with probability sigmoid(2 h_J), one uniform
 * u = nextU32·2^-32 per hidden unit in coarse-site order: a tie h = 0 is a fair coin, and a
 * large filter on the block (`blockFilter`) is majority rule.
 */
export function rbmProjector(filter: RbmFilter): RbmProjector {
  const f = cloneFilter(filter);
  const cache = new WeakMap<Lattice, Prepared>();
  const prepared = (fine: Lattice): Prepared => {
    let p = cache.get(fine);
    if (!p) {
      p = new Prepared(new RbmLayout(fine, f), f.weights);
      cache.set(fine, p);
    }
    return p;
  };
  return {
    id: 'rbm',
    blockSize: f.blockSize,
    filter: f,
    supports: (lattice) => layoutUnsupported(lattice, f),
    create(fine: Lattice): ProjectorKernel {
      const p = new Prepared(new RbmLayout(fine, f), f.weights);
      const { layout } = p;
      return {
        fine,
        coarse: layout.coarse,
        apply(sigma: Spins, mu: Spins, rng: Rng): void {
          if (mu.length !== layout.hidden) {
            throw new UsageError(
              `projector expects ${layout.visible} → ${layout.hidden} spins, got ${sigma.length} → ${mu.length}`,
            );
          }
          p.fields(sigma);
          sampleSpins(p.e, mu, rng);
        },
      };
    },
    probability(fine: Lattice, sigma: Spins, mu: Spins): number {
      const p = prepared(fine);
      p.fields(sigma);
      let prob = 1;
      for (let J = 0; J < p.h.length; J++) prob /= 1 + Math.exp(-2 * mu[J] * p.h[J]);
      return prob;
    },
    fields(fine: Lattice, sigma: Spins, out?: Float64Array): Float64Array {
      const p = prepared(fine);
      p.fields(sigma);
      if (!out) return Float64Array.from(p.h);
      out.set(p.h);
      return out;
    },
    logY(fine: Lattice, sigma: Spins): number {
      const p = prepared(fine);
      p.fields(sigma);
      let s = 0;
      for (let J = 0; J < p.h.length; J++) s += logTwoCosh(p.h[J]);
      return s;
    },
  };
}
