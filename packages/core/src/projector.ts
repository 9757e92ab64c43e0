import type { Lattice } from './lattice.js';
import type { Rng } from './rng.js';
import type { Spins } from './spins.js';

/** A projector compiled for one fine lattice: maps configurations on `fine` to `coarse`. */
export interface ProjectorKernel {
  readonly fine: Lattice;
  readonly coarse: Lattice;
  /** Draws μ ~ P(μ|σ) into `coarse`; deterministic rules ignore `rng`. No allocation. */
  apply(fine: Spins, coarse: Spins, rng: Rng): void;
}

/** An RG weight factor P(μ|σ) with scale factor `blockSize`; the same rule at every level. */
export interface Projector {
  readonly id: string;
  readonly blockSize: number;
  /** Undefined when the projector can block this lattice, else the reason it cannot. */
  supports(lattice: Lattice): string | undefined;
  create(fine: Lattice): ProjectorKernel;
  /**
   * P(μ|σ) for enumeration-based tests and exact checks; optional because some rules
   * (e.g. those with an unbounded number of terms) cannot give it cheaply.
   */
  probability?(fine: Lattice, sigma: Spins, mu: Spins): number;
}

/** Options a projector id is instantiated with, e.g. `{ weights: 'filter.rsrg' }`. Plain data only. */
export type ProjectorOptions = Readonly<Record<string, string | number | boolean | undefined>>;

/** What the registry stores: a projector family, instantiated with options (possibly reading files). */
export interface ProjectorFactory {
  readonly id: string;
  readonly description: string;
  create(options: ProjectorOptions): Projector | Promise<Projector>;
}
