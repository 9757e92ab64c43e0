import {
  type Lattice,
  type Projector,
  type ProjectorKernel,
  type Rng,
  type SpinEncoding,
  type Spins,
  UnsupportedError,
  UsageError,
} from '@rsrg/core';
import { cloneFilter, type RbmFilter } from './filter.js';
import { type HiddenUnits, type RbmKernel, type RbmKernelId, rbmKernel } from './kernel/index.js';
import { logTwoCosh } from './kernel/shared.js';
import { layoutUnsupported, RbmLayout } from './layout.js';

/** An RBM projector: the Projector interface plus the filter it applies. */
export interface RbmProjector extends Projector {
  /** Always 'rbm', the factory's id. */
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

/** What the projector keeps per fine lattice: its layout and hidden units. */
class Prepared {
  readonly units: HiddenUnits;

  constructor(
    readonly layout: RbmLayout,
    kernel: RbmKernel,
    W: Float64Array,
  ) {
    this.units = kernel.hiddenUnits(layout, W);
  }

  /** h and e = e^{−2h} of σ, in `units`. */
  fields(sigma: Spins): HiddenUnits {
    const l = this.layout;
    if (sigma.length !== l.visible) {
      throw new UsageError(
        `configuration has ${sigma.length} sites, lattice ${l.fine.label} has ${l.visible}`,
      );
    }
    this.units.fields(sigma);
    return this.units;
  }
}

/** How an RBM projector runs. */
export interface RbmProjectorOptions {
  /** Implementation of the hot loops: 'wasm' (default) or 'js'; the draws are the same. */
  readonly kernel?: RbmKernelId;
}

/**
 * The Chung–Kao weight factor P(μ|σ) = Π_J sigmoid(2 μ_J h_J) as a projector with scale factor
 * b = filter.blockSize. `apply` draws μ_J = +1 with probability sigmoid(2 h_J), one uniform
 * u = nextU32·2^-32 per hidden unit in coarse-site order: a tie h = 0 is a fair coin, and a
 * large filter on the block (`blockFilter`) is majority rule.
 *
 * @example
 * const projector = rbmProjector(trainRbm(data, { seed: 1 }).filter); // or loadRbmProjector('filter.rsrg')
 * const kernel = projector.create(new Lattice([16, 16]));
 * const mu = new Int8Array(kernel.coarse.volume); // 8×8 hidden spins
 * kernel.apply(sigma, mu, Rng.stream(1, 1)); // μ_J = +1 with probability sigmoid(2 h_J)
 */
export function rbmProjector(filter: RbmFilter, options: RbmProjectorOptions = {}): RbmProjector {
  const f = cloneFilter(filter);
  const kernel = rbmKernel(options.kernel);
  const cache = new WeakMap<Lattice, Prepared>();
  const prepared = (fine: Lattice): Prepared => {
    let p = cache.get(fine);
    if (!p) {
      p = new Prepared(new RbmLayout(fine, f), kernel, f.weights);
      cache.set(fine, p);
    }
    return p;
  };
  return {
    id: 'rbm',
    blockSize: f.blockSize,
    filter: f,
    supports: (lattice, spins) =>
      spins?.kind === 'state' ? 'the rbm projector takes Ising ±1 spins' : layoutUnsupported(lattice, f),
    create(fine: Lattice, spins?: SpinEncoding): ProjectorKernel {
      if (spins?.kind === 'state') throw new UnsupportedError('rbm: the rbm projector takes Ising ±1 spins');
      const { layout, units } = new Prepared(new RbmLayout(fine, f), kernel, f.weights);
      return {
        fine,
        coarse: layout.coarse,
        apply(sigma: Spins, mu: Spins, rng: Rng): void {
          if (mu.length !== layout.hidden) {
            throw new UsageError(
              `projector expects ${layout.visible} → ${layout.hidden} spins, got ${sigma.length} → ${mu.length}`,
            );
          }
          if (sigma.length !== layout.visible) {
            throw new UsageError(
              `configuration has ${sigma.length} sites, lattice ${fine.label} has ${layout.visible}`,
            );
          }
          units.project(sigma, mu, rng);
        },
      };
    },
    probability(fine: Lattice, sigma: Spins, mu: Spins): number {
      const { h } = prepared(fine).fields(sigma);
      let prob = 1;
      for (let J = 0; J < h.length; J++) prob /= 1 + Math.exp(-2 * mu[J] * h[J]);
      return prob;
    },
    fields(fine: Lattice, sigma: Spins, out?: Float64Array): Float64Array {
      const { h } = prepared(fine).fields(sigma);
      if (!out) return Float64Array.from(h);
      out.set(h);
      return out;
    },
    logY(fine: Lattice, sigma: Spins): number {
      const { h } = prepared(fine).fields(sigma);
      let s = 0;
      for (let J = 0; J < h.length; J++) s += logTwoCosh(h[J]);
      return s;
    },
  };
}
