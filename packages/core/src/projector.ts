import type { Lattice } from './lattice.js';
import type { Rng } from './rng.js';
import type { SpinEncoding, Spins } from './spins.js';

/** A projector compiled for one fine lattice: maps configurations on `fine` to `coarse`. */
export interface ProjectorKernel {
  /** The lattice of the configurations σ it blocks. */
  readonly fine: Lattice;
  /** The lattice of the block spins μ: `fine` coarsened by the block size. */
  readonly coarse: Lattice;
  /** Draws μ ~ P(μ|σ) into `coarse`; deterministic rules ignore `rng`. No allocation. */
  apply(fine: Spins, coarse: Spins, rng: Rng): void;
}

/** An RG weight factor P(μ|σ) with scale factor `blockSize`; the same rule at every level. */
export interface Projector {
  /** The factory's registry id, e.g. 'majority'. */
  readonly id: string;
  /** The scale factor b: one block spin per b^d fine spins, lengths shrink by b per RG step. */
  readonly blockSize: number;
  /**
   * Undefined when the projector can block this lattice, else the reason it cannot. `spins` is
   * the encoding of the configurations (absent: Ising ±1); a rule for Ising spins only gives a
   * reason for any other.
   */
  supports(lattice: Lattice, spins?: SpinEncoding): string | undefined;
  /**
   * The kernel blocking configurations on `fine` stored in `spins` (absent: Ising ±1); throws an
   * UnsupportedError where `supports` gives a reason.
   */
  create(fine: Lattice, spins?: SpinEncoding): ProjectorKernel;
  /**
   * P(μ|σ) for enumeration-based tests and exact checks; optional because some rules
   * (e.g. those with an unbounded number of terms) cannot give it cheaply.
   */
  probability?(fine: Lattice, sigma: Spins, mu: Spins, spins?: SpinEncoding): number;
}

/** Options a projector id is instantiated with, e.g. `{ weights: 'filter.rsrg' }`. Plain data only. */
export type ProjectorOptions = Readonly<Record<string, string | number | boolean | undefined>>;

/** What the registry stores: a projector family, instantiated with options (possibly reading files). */
export interface ProjectorFactory {
  /** The registry id, e.g. 'majority', 'decimation', 'rbm'. */
  readonly id: string;
  /** One line saying what the rule is. */
  readonly description: string;
  /**
   * The envelope kind of the rsrg files its `weights` option reads (e.g. 'rbm-projector'), so
   * that a file names the projector it belongs to (`rsrg mcrg --weights` without `--projector`).
   */
  readonly fileKind?: string;
  /** The projector for `options` (a UsageError for an unknown or bad option); async where it reads files. */
  create(options: ProjectorOptions): Projector | Promise<Projector>;
}
