import {
  type ChainState,
  type Hamiltonian,
  type Lattice,
  type Sampler,
  type SamplerKernel,
  U32_TO_UNIT,
} from '@rsrg/core';
import { localFieldTable } from './local-field.js';
import { assertSupported, checkVolume, dimensionMismatch } from './support.js';
import { U32_RANGE } from './uint32-threshold.js';

/**
 * Single-spin-flip Metropolis for any couplings: a sweep is N proposals at random sites, each
 * accepted with min(1, e^{ΔH}). Sites are drawn at random, not in typewriter order, because a
 * typewriter sweep flips every ΔH ≥ 0 site deterministically and so is not ergodic: on the 3×3
 * torus (nn, K = 0.3) it has a closed deterministic 2-cycle of states that the chain started
 * elsewhere never visits, and on a ring of 8 it reaches fewer than half of the states.
 */
export const metropolis: Sampler = {
  id: 'metropolis',
  description: 'Metropolis single-spin flips at random sites (any couplings)',
  unit: 'sweep',
  supports: dimensionMismatch,
  create(lattice: Lattice, h: Hamiltonian): SamplerKernel {
    assertSupported('metropolis', dimensionMismatch(lattice, h));
    const f = localFieldTable(lattice, h);
    // Acceptance thresholds: [2i] flipping σ = +1 (ΔH = −2h), [2i + 1] flipping σ = −1 (ΔH = 2h).
    const accept = new Float64Array(2 * f.fields.length);
    f.fields.forEach((field, i) => {
      accept[2 * i] = Math.min(1, Math.exp(-2 * field)) * U32_RANGE;
      accept[2 * i + 1] = Math.min(1, Math.exp(2 * field)) * U32_RANGE;
    });
    const volume = lattice.volume;
    return {
      step(state: ChainState): number {
        checkVolume(state, volume);
        metropolisSweep(
          state.spins,
          f.entries,
          f.otherStart,
          f.othersPerSite,
          f.others,
          f.weight,
          f.totalWeight,
          accept,
          state.rng.s,
        );
        state.moves++;
        return state.spins.length;
      },
    };
  },
};

/**
 * One sweep: N proposals, each at a site drawn as `Rng.nextInt(N)` (see `LocalFieldTable` for
 * the layout). With an `accept` table the threshold is looked up, else e^{ΔH} is computed; a
 * move with ΔH ≥ 0 is accepted without a second draw. Inline xoshiro128** as in `Rng.nextU32`,
 * state written back.
 */
export function metropolisSweep(
  spins: Int8Array,
  entries: number,
  otherStart: Int32Array,
  othersPerSite: number,
  others: Int32Array,
  weight: Float64Array,
  totalWeight: number,
  accept: Float64Array,
  rng: Uint32Array,
): void {
  let s0 = rng[0] | 0;
  let s1 = rng[1] | 0;
  let s2 = rng[2] | 0;
  let s3 = rng[3] | 0;
  const useTable = accept.length > 0;
  const N = spins.length;
  for (let n = 0; n < N; n++) {
    let m = Math.imul(s1, 5);
    let r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    let t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const i = Math.floor(r * U32_TO_UNIT * N);
    const base = i * othersPerSite;
    let sum = 0;
    for (let e = 0; e < entries; e++) {
      let p = 1;
      for (let k = base + otherStart[e], end = base + otherStart[e + 1]; k < end; k++) p *= spins[others[k]];
      sum += weight[e] * p;
    }
    const sigma = spins[i];
    let threshold: number;
    if (useTable) {
      threshold = accept[2 * ((sum + totalWeight) >> 1) + (sigma > 0 ? 0 : 1)];
    } else {
      const dH = -2 * sigma * sum;
      threshold = dH >= 0 ? U32_RANGE : Math.exp(dH) * U32_RANGE;
    }
    if (threshold < U32_RANGE) {
      m = Math.imul(s1, 5);
      r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if (r >= threshold) continue;
    }
    spins[i] = -sigma;
  }
  rng[0] = s0;
  rng[1] = s1;
  rng[2] = s2;
  rng[3] = s3;
}
