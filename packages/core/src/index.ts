export * from './errors/index.js';
export { Rng, RNG_ALGORITHM, U32_TO_UNIT } from './rng.js';
export { Lattice } from './lattice.js';
export { type Spins, allUp, randomSpins, packSpins, unpackSpins, spinsFromIndex, indexFromSpins } from './spins.js';
export {
  type Offset,
  type Term,
  type Parity,
  type Coupling,
  type CouplingSet,
  coupling,
  couplingSet,
  couplingParity,
  couplingFromOrbit,
  termOrbit,
  canonicalTerm,
  hypercubicPointGroup,
  CompiledCouplings,
  evaluateCouplings,
  packPadded,
} from './couplings.js';
export { type Hamiltonian, hamiltonian, isFerromagneticPair, energy } from './hamiltonian.js';
export type { Model } from './model.js';
export type { ChainState, Sampler, SamplerKernel } from './sampler.js';
export type { Projector, ProjectorKernel, ProjectorFactory, ProjectorOptions } from './projector.js';
export { Registry, type Plugin } from './registry.js';
export type { Study, StudyScale, ReferenceEstimate } from './study.js';
export { type Codec, defineCodec, chainStateCodec } from './codec.js';
export * from './stats.js';
export { boltzmannDistribution, interactionTable, MAX_ENUMERATION_SITES } from './exact/enumerate.js';
export { kaufmanLogZ, kaufmanEnergy, kaufmanEnergyVariance } from './exact/kaufman.js';
