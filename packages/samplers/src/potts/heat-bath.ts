import { type ChainState, type Lattice, type SamplerKernel, U32_TO_UNIT, UsageError } from '@rsrg/core';
import { checkVolume } from '../support.js';
import { checkStates, pottsBonds } from './neighbours.js';

/**
 * Heat-bath (Gibbs) updates for the q-state Potts model at any finite coupling K on a periodic
 * hypercubic lattice: each site in turn (typewriter order) draws its state c with probability
 * ∝ exp(K n_c), n_c the number of its neighbours in state c. One step is one sweep; it returns
 * the volume.
 */
export function createPottsHeatBathKernel(lattice: Lattice, q: number, K: number): SamplerKernel {
  checkStates(q);
  if (!Number.isFinite(K)) throw new UsageError(`potts heat-bath: coupling K = ${K} is not finite`);
  const { degree, neighbours } = pottsBonds(lattice);
  // exp(K n) scaled so the largest weight is 1: no overflow at large |K|.
  const top = K > 0 ? degree : 0;
  const boltzmann = Float64Array.from({ length: degree + 1 }, (_, n) => Math.exp(K * (n - top)));
  const counts = new Int32Array(q);
  const volume = lattice.volume;
  return {
    step(state: ChainState): number {
      checkVolume(state, volume);
      pottsHeatBathSweep(state.spins, neighbours, degree, q, boltzmann, counts, state.rng.s);
      state.moves++;
      return volume;
    },
  };
}

/**
 * One typewriter sweep over sites 0..N−1, one draw per site: the neighbour counts n_c go into
 * `counts` (all zero between sites), the weights `boltzmann[n_c]` are summed to W, and the
 * state is the first c whose cumulative weight exceeds u = W · r / 2^32. Inline xoshiro128**
 * as in `Rng.nextU32`, state written back.
 */
export function pottsHeatBathSweep(
  spins: Int8Array,
  neighbours: Int32Array,
  degree: number,
  q: number,
  boltzmann: Float64Array,
  counts: Int32Array,
  rng: Uint32Array,
): void {
  let s0 = rng[0] | 0;
  let s1 = rng[1] | 0;
  let s2 = rng[2] | 0;
  let s3 = rng[3] | 0;
  const N = spins.length;
  const last = q - 1;
  for (let i = 0, base = 0; i < N; i++, base += degree) {
    for (let j = 0; j < degree; j++) counts[spins[neighbours[base + j]] & 255]++;
    let total = 0;
    for (let c = 0; c < q; c++) total += boltzmann[counts[c]];
    const m = Math.imul(s1, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const u = r * U32_TO_UNIT * total;
    // The partial sums repeat the total's additions, so the last one is W > u: c ends ≤ q − 1.
    let c = 0;
    let cumulative = boltzmann[counts[0]];
    while (cumulative <= u && c < last) cumulative += boltzmann[counts[++c]];
    for (let j = 0; j < degree; j++) counts[spins[neighbours[base + j]] & 255] = 0;
    spins[i] = c;
  }
  rng[0] = s0;
  rng[1] = s1;
  rng[2] = s2;
  rng[3] = s3;
}
