import {
  isSignEncoding,
  type Lattice,
  type Projector,
  type ProjectorKernel,
  type Rng,
  type SpinEncoding,
  type Spins,
  UnsupportedError,
  UsageError,
} from '@rsrg/core';
import { cloneFilter, type RbmFilter } from '../filter.js';
import { layoutUnsupported } from '../layout.js';
import { type PottsRbmKernelId, type PottsRbmUnits, pottsRbmKernel } from './kernel/index.js';
import { PottsRbmLayout } from './layout.js';
import { checkPottsStates } from './options.js';

/** A q-state RBM projector: the Projector interface plus q and the filter it applies. */
export interface PottsRbmProjector extends Projector {
  /** Always 'potts-rbm', the factory's id. */
  readonly id: 'potts-rbm';
  /** Number of states per site. */
  readonly q: number;
  /** A private copy of the filter; changing it does not change the projector. */
  readonly filter: RbmFilter;
  /** P(μ|σ) = Π_J e^{φ_{J,μ_J}} / Σ_a e^{φ_{J,a}}, exact. */
  probability(fine: Lattice, sigma: Spins, mu: Spins): number;
  /** The hidden fields φ_{J,a} = Σ_k W_k δ(σ_{b·X_J+k}, a) of σ, at J·q + a. */
  fields(fine: Lattice, sigma: Spins, out?: Float64Array): Float64Array;
  /** log Y(σ) = Σ_J log Σ_a e^{φ_{J,a}}: the unnormalised log-marginal of the RBM. */
  logY(fine: Lattice, sigma: Spins): number;
  /** ∂ log Y(σ)/∂W_k = Σ_J P(μ_J = σ_{b·X_J+k} | σ), w^d entries. */
  logYGradient(fine: Lattice, sigma: Spins, out?: Float64Array): Float64Array;
}

/** Why a projector for q states cannot block configurations stored as `spins`, or undefined. */
function storageUnsupported(q: number, spins: SpinEncoding | undefined): string | undefined {
  if (spins === undefined || isSignEncoding(spins))
    return `projector 'potts-rbm' takes q-state spins (states 0..q−1), not Ising ±1 spins`;
  if (spins.states !== q)
    return `projector 'potts-rbm' has a filter for q = ${q} states; the model has q = ${spins.states}`;
  return undefined;
}

/** How a q-state RBM projector runs. */
export interface PottsRbmProjectorOptions {
  /** Implementation of the hot loops (`pottsRbmKernels`, default 'js'); the draws are the same. */
  readonly kernel?: PottsRbmKernelId;
}

/**
 * The q-state RBM weight factor P(μ_J = a | σ) ∝ exp(Σ_k W_k δ(σ_{b·X_J+k}, a)) as a projector with
 * scale factor b = filter.blockSize, on the Ising RBM's windows. It treats the q states alike
 * (permuting σ's states permutes μ's). `apply` draws each μ_J from its q weights with one
 * uniform u = nextU32·2^-32 per hidden unit in coarse-site order; equal fields are a uniform
 * choice, and a large filter on the block (`blockFilter`) is the plurality rule with uniform
 * ties. At q = 2 it is the Ising RBM with filter W/2 (state 0 ↔ +1, 1 ↔ −1).
 *
 * `supports` and `create` take the model's spin encoding: it blocks q-state spins of its own q
 * (`stateSpins(q)`) and refuses Ising ±1 spins (also when the encoding is absent, which means
 * Ising) and any other q.
 *
 * @example
 * const projector = pottsRbmProjector({ q: 3, filter: trainPottsRbm(data, { q: 3, seed: 1 }).filter });
 * const kernel = projector.create(new Lattice([16, 16]), stateSpins(3));
 * const mu = new Int8Array(kernel.coarse.volume); // 8×8 hidden spins, states 0..2
 * kernel.apply(sigma, mu, Rng.stream(1, 1));
 */
export function pottsRbmProjector(
  spec: { q: number; filter: RbmFilter },
  options: PottsRbmProjectorOptions = {},
): PottsRbmProjector {
  const { q } = spec;
  checkPottsStates(q, "projector 'potts-rbm'");
  const f = cloneFilter(spec.filter);
  const kernel = pottsRbmKernel(options.kernel);
  const cache = new WeakMap<Lattice, PottsRbmUnits>();
  const units = (fine: Lattice, sigma: Spins): PottsRbmUnits => {
    let u = cache.get(fine);
    if (!u) {
      u = kernel.units(new PottsRbmLayout(fine, f), q, f.weights);
      cache.set(fine, u);
    }
    if (sigma.length !== u.layout.visible) {
      throw new UsageError(
        `configuration has ${sigma.length} sites, lattice ${fine.label} has ${u.layout.visible}`,
      );
    }
    return u;
  };
  return {
    id: 'potts-rbm',
    blockSize: f.blockSize,
    q,
    filter: f,
    supports: (lattice: Lattice, spins?: SpinEncoding) =>
      storageUnsupported(q, spins) ?? layoutUnsupported(lattice, f),
    create(fine: Lattice, spins?: SpinEncoding): ProjectorKernel {
      const reason = storageUnsupported(q, spins);
      if (reason) throw new UnsupportedError(reason);
      const u = kernel.units(new PottsRbmLayout(fine, f), q, f.weights);
      const { layout } = u;
      return {
        fine,
        coarse: layout.coarse,
        apply(sigma: Spins, mu: Spins, rng: Rng): void {
          if (sigma.length !== layout.visible || mu.length !== layout.hidden) {
            throw new UsageError(
              `projector expects ${layout.visible} → ${layout.hidden} spins, got ${sigma.length} → ${mu.length}`,
            );
          }
          u.sampleHidden(sigma, 0, mu, rng);
        },
      };
    },
    probability(fine: Lattice, sigma: Spins, mu: Spins): number {
      const u = units(fine, sigma);
      u.hiddenFields(sigma, 0);
      const phi = u.hiddenField;
      const z = u.hiddenLogNorm;
      let log = 0;
      for (let J = 0; J < z.length; J++) {
        const a = mu[J] & 255;
        if (a >= q) return 0;
        log += phi[J * q + a] - z[J];
      }
      return Math.exp(log);
    },
    fields(fine: Lattice, sigma: Spins, out?: Float64Array): Float64Array {
      const u = units(fine, sigma);
      u.hiddenFields(sigma, 0);
      if (!out) return Float64Array.from(u.hiddenField);
      out.set(u.hiddenField);
      return out;
    },
    logY(fine: Lattice, sigma: Spins): number {
      return units(fine, sigma).logY(sigma, 0);
    },
    logYGradient(fine: Lattice, sigma: Spins, out?: Float64Array): Float64Array {
      const grad = out ?? new Float64Array(f.weights.length);
      grad.fill(0);
      units(fine, sigma).logY(sigma, 0, grad);
      return grad;
    },
  };
}
