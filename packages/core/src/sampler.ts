import type { Hamiltonian } from './hamiltonian.js';
import type { Lattice } from './lattice.js';
import type { Rng } from './rng.js';
import type { Spins } from './spins.js';

/**
 * Everything that evolves in a Markov chain, explicit so that a checkpoint is just its
 * encoding (`chainStateCodec`). Kernels own only scratch space.
 */
export interface ChainState {
  readonly spins: Spins;
  readonly rng: Rng;
  /** Moves done so far (cluster flips or sweeps, in the sampler's unit). */
  moves: number;
}

/** A sampler compiled for one lattice and Hamiltonian. */
export interface SamplerKernel {
  /** One move (one cluster flip, or one sweep). Returns the number of spins it updated. */
  step(state: ChainState): number;
}

export interface Sampler {
  readonly id: string;
  readonly description: string;
  /** What one `step` is, for reports: 'cluster flip' or 'sweep'. */
  readonly unit: string;
  /** Undefined when the sampler can simulate h on this lattice, else the reason it cannot. */
  supports(lattice: Lattice, h: Hamiltonian): string | undefined;
  create(lattice: Lattice, h: Hamiltonian): SamplerKernel;
}
