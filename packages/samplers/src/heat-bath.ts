import type { ChainState, Hamiltonian, Lattice, Sampler, SamplerKernel } from '@rsrg/core';
import { localFieldTable } from './local-field.js';
import { assertSupported, checkVolume, dimensionMismatch } from './support.js';
import { U32_RANGE } from './uint32-threshold.js';

/** Heat-bath (Gibbs) single-spin updates for any couplings: σ_i = +1 with probability e^{h}/(e^{h} + e^{−h}). */
export const heatBath: Sampler = {
  id: 'heat-bath',
  description: 'Heat-bath single-spin updates in typewriter sweeps (any couplings)',
  unit: 'sweep',
  supports: dimensionMismatch,
  create(lattice: Lattice, h: Hamiltonian): SamplerKernel {
    assertSupported('heat-bath', dimensionMismatch(lattice, h));
    const f = localFieldTable(lattice, h);
    const up = Float64Array.from(f.fields, (field) => U32_RANGE / (1 + Math.exp(-2 * field)));
    const volume = lattice.volume;
    return {
      step(state: ChainState): number {
        checkVolume(state, volume);
        heatBathSweep(
          state.spins,
          f.entries,
          f.otherStart,
          f.othersPerSite,
          f.others,
          f.weight,
          f.totalWeight,
          up,
          state.rng.s,
        );
        state.moves++;
        return state.spins.length;
      },
    };
  },
};

/**
 * One typewriter sweep over sites 0..N−1 (see `LocalFieldTable` for the layout): one draw per
 * site, σ_i = +1 when it falls below P(+1) = 1/(1 + e^{−2h}), looked up in `up` when given.
 * Inline xoshiro128** as in `Rng.nextU32`, state written back.
 */
export function heatBathSweep(
  spins: Int8Array,
  entries: number,
  otherStart: Int32Array,
  othersPerSite: number,
  others: Int32Array,
  weight: Float64Array,
  totalWeight: number,
  up: Float64Array,
  rng: Uint32Array,
): void {
  let s0 = rng[0] | 0;
  let s1 = rng[1] | 0;
  let s2 = rng[2] | 0;
  let s3 = rng[3] | 0;
  const useTable = up.length > 0;
  const N = spins.length;
  for (let i = 0, base = 0; i < N; i++, base += othersPerSite) {
    let sum = 0;
    for (let e = 0; e < entries; e++) {
      let p = 1;
      for (let k = base + otherStart[e], end = base + otherStart[e + 1]; k < end; k++) p *= spins[others[k]];
      sum += weight[e] * p;
    }
    const threshold = useTable ? up[(sum + totalWeight) >> 1] : U32_RANGE / (1 + Math.exp(-2 * sum));
    const m = Math.imul(s1, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    spins[i] = r < threshold ? 1 : -1;
  }
  rng[0] = s0;
  rng[1] = s1;
  rng[2] = s2;
  rng[3] = s3;
}
