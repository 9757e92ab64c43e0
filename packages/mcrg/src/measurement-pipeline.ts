import {
  type Coupling,
  type CouplingEvaluator,
  compileCouplings,
  type Lattice,
  type Projector,
  type ProjectorKernel,
  type Rng,
  type SpinEncoding,
  type Spins,
  UsageError,
} from '@rsrg/core';

/**
 * The measurement of one chain: blocks a level-0 configuration `levels` times and evaluates
 * the even and odd couplings on every level. Everything is allocated once, in the
 * constructor; `measure` only writes into `values`.
 *
 * Layout of `values`: level n occupies `[n·size, (n+1)·size)`, even couplings first
 * (indices 0..nEven−1), then odd (nEven..size−1), each set in its N_c order.
 */
export class MeasurementPipeline {
  /** RG steps: levels 0..levels are measured. */
  readonly levels: number;
  /** Even couplings per level (the y_t sector), at indices 0..nEven−1. */
  readonly nEven: number;
  /** Odd couplings per level (the y_h sector), at indices nEven..size−1. */
  readonly nOdd: number;
  /** Couplings per level, nEven + nOdd. */
  readonly size: number;
  /** The lattice of every level, finest first. */
  readonly lattices: readonly Lattice[];
  /** S^{(n)}_α at `values[n·size + α]` after `measure`. */
  readonly values: Float64Array;
  private readonly kernels: readonly ProjectorKernel[];
  /** Blocked configurations of levels 1..levels (level 0 is the caller's). */
  private readonly blocked: readonly Spins[];
  /** Even then odd couplings of every level, compiled together: one packing per level (Ising). */
  private readonly compiled: readonly CouplingEvaluator[];

  /**
   * @param lattice the simulated (level-0) lattice
   * @param projector the RG rule applied at every level (one kernel per level)
   * @param couplings the ordered even and odd coupling lists, compiled for every level
   * @param levels the number of RG steps
   * @param spins how the configurations are stored (absent: Ising ±1), for the projector
   */
  constructor(
    lattice: Lattice,
    projector: Projector,
    couplings: { readonly even: readonly Coupling[]; readonly odd: readonly Coupling[] },
    levels: number,
    spins?: SpinEncoding,
  ) {
    if (!Number.isInteger(levels) || levels < 0)
      throw new UsageError(`levels must be a non-negative integer, got ${levels}`);
    this.levels = levels;
    this.nEven = couplings.even.length;
    this.nOdd = couplings.odd.length;
    this.size = this.nEven + this.nOdd;
    const lattices = [lattice];
    const kernels: ProjectorKernel[] = [];
    for (let n = 0; n < levels; n++) {
      const reason = projector.supports(lattices[n], spins);
      if (reason !== undefined) {
        throw new UsageError(
          `projector '${projector.id}' cannot block level ${n} (${lattices[n].label}): ${reason}`,
        );
      }
      const kernel = projector.create(lattices[n], spins);
      kernels.push(kernel);
      lattices.push(kernel.coarse);
    }
    this.lattices = lattices;
    this.kernels = kernels;
    this.blocked = lattices.slice(1).map((l) => new Int8Array(l.volume));
    const all = [...couplings.even, ...couplings.odd];
    this.compiled = lattices.map((l) => compileCouplings(all, l));
    this.values = new Float64Array((levels + 1) * this.size);
  }

  /**
   * Blocks `spins` (a level-0 configuration) to every level, drawing from `rng` for
   * stochastic projectors in level order, and fills `values`. No allocation.
   *
   * @param level0 the `values` of another pipeline with the same couplings that has just
   * measured the same configuration: level 0 does not depend on the projector, so its sums
   * are copied from there instead of evaluated again (several projectors, one configuration).
   */
  measure(spins: Spins, rng: Rng, level0?: Float64Array): Float64Array {
    const m = this.size;
    const values = this.values;
    let current = spins;
    if (level0 === undefined) {
      this.compiled[0].evaluate(current, values, 0);
    } else {
      for (let a = 0; a < m; a++) values[a] = level0[a];
    }
    for (let n = 1; n <= this.levels; n++) {
      const next = this.blocked[n - 1];
      this.kernels[n - 1].apply(current, next, rng);
      current = next;
      this.compiled[n].evaluate(current, values, n * m);
    }
    return values;
  }
}
