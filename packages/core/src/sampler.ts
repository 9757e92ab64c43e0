import type { Hamiltonian } from './hamiltonian.js';
import type { Lattice } from './lattice.js';
import type { Rng } from './rng.js';
import type { Spins } from './spins.js';

/**
 * Everything that evolves in a Markov chain, explicit so that a checkpoint is just its
 * encoding (`chainStateCodec`). Kernels own only scratch space.
 */
export interface ChainState {
  /** The configuration σ, updated in place by every step. */
  readonly spins: Spins;
  /** The chain's own random stream, advanced by every step. */
  readonly rng: Rng;
  /** Moves done so far (cluster flips or sweeps, in the sampler's unit). */
  moves: number;
}

/** A sampler compiled for one lattice and Hamiltonian. */
export interface SamplerKernel {
  /** One move (one cluster flip, or one sweep). Returns the number of spins it updated. */
  step(state: ChainState): number;
}

/**
 * A Markov-chain Monte Carlo algorithm sampling e^{H}, as the registry stores it: `create`
 * compiles it for one lattice and Hamiltonian.
 */
export interface Sampler {
  /** The registry id, e.g. 'wolff', 'heat-bath'. */
  readonly id: string;
  /** One line saying what the algorithm is. */
  readonly description: string;
  /** What one `step` is, for reports: 'cluster flip' or 'sweep'. */
  readonly unit: string;
  /** Undefined when the sampler can simulate h on this lattice, else the reason it cannot. */
  supports(lattice: Lattice, h: Hamiltonian): string | undefined;
  /** The kernel simulating `h` on `lattice` (throws an UnsupportedError where `supports` gives a reason). */
  create(lattice: Lattice, h: Hamiltonian): SamplerKernel;
}
