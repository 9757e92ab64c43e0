import {
  type ChainState,
  type Hamiltonian,
  type Lattice,
  type Sampler,
  type SamplerKernel,
  U32_TO_UNIT,
} from '@rsrg/core';
import { bondTable } from './bond-table.js';
import { assertSupported, checkVolume, clusterSupport } from './support.js';

/**
 * Wolff's single-cluster algorithm for ferromagnetic pair couplings in any dimension: grow
 * one Fortuin–Kasteleyn cluster from a random site and flip it.
 */
export const wolff: Sampler = {
  id: 'wolff',
  description: 'Wolff single-cluster flips (ferromagnetic pair couplings)',
  unit: 'cluster flip',
  supports: clusterSupport,
  create(lattice: Lattice, h: Hamiltonian): SamplerKernel {
    assertSupported('wolff', clusterSupport(lattice, h));
    const { degree, neighbours, threshold } = bondTable(lattice, h);
    const stack = new Int32Array(lattice.volume);
    const volume = lattice.volume;
    return {
      step(state: ChainState): number {
        checkVolume(state, volume);
        const added = wolffCluster(state.spins, neighbours, degree, threshold, stack, state.rng.s);
        state.moves++;
        return added;
      },
    };
  },
};

/**
 * Grows and flips one cluster; returns its size. Spins are flipped as they join, so "in the
 * cluster" is "sign changed" and every bond is tried at most once. The xoshiro128** state
 * `rng` is stepped inline (exactly as `Rng.nextU32`) and written back.
 */
export function wolffCluster(
  spins: Int8Array,
  neighbours: Int32Array,
  degree: number,
  threshold: Float64Array,
  stack: Int32Array,
  rng: Uint32Array,
): number {
  let s0 = rng[0] | 0;
  let s1 = rng[1] | 0;
  let s2 = rng[2] | 0;
  let s3 = rng[3] | 0;
  // Seed site: as Rng.nextInt(volume).
  let m = Math.imul(s1, 5);
  let r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
  let t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = (s3 << 11) | (s3 >>> 21);
  const seed = Math.floor(r * U32_TO_UNIT * spins.length);
  const sigma = spins[seed];
  const flipped = -sigma;
  spins[seed] = flipped;
  stack[0] = seed;
  let top = 1;
  let added = 1;
  while (top > 0) {
    const base = stack[--top] * degree;
    for (let j = 0; j < degree; j++) {
      const y = neighbours[base + j];
      if (spins[y] !== sigma) continue;
      m = Math.imul(s1, 5);
      r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if (r < threshold[j]) {
        spins[y] = flipped;
        stack[top++] = y;
        added++;
      }
    }
  }
  rng[0] = s0;
  rng[1] = s1;
  rng[2] = s2;
  rng[3] = s3;
  return added;
}
