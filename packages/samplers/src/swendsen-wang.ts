import type { ChainState, Hamiltonian, Lattice, Sampler, SamplerKernel } from '@rsrg/core';
import { bondTable } from './bond-table.js';
import { assertSupported, checkVolume, clusterSupport } from './support.js';

/**
 * Swendsen–Wang for ferromagnetic pair couplings in any dimension: every Fortuin–Kasteleyn
 * cluster of the lattice is flipped with probability 1/2.
 */
export const swendsenWang: Sampler = {
  id: 'swendsen-wang',
  description: 'Swendsen–Wang multi-cluster sweeps (ferromagnetic pair couplings)',
  unit: 'sweep',
  supports: clusterSupport,
  create(lattice: Lattice, h: Hamiltonian): SamplerKernel {
    assertSupported('swendsen-wang', clusterSupport(lattice, h));
    const { degree, neighbours, threshold } = bondTable(lattice, h);
    const stack = new Int32Array(lattice.volume);
    const visited = new Uint8Array(lattice.volume);
    const volume = lattice.volume;
    return {
      step(state: ChainState): number {
        checkVolume(state, volume);
        swendsenWangSweep(state.spins, neighbours, degree, threshold, stack, visited, state.rng.s);
        state.moves++;
        return state.spins.length;
      },
    };
  },
};

/**
 * One sweep: clusters are grown one after another (depth first, bonds drawn lazily, each
 * bond at most once); a cluster's fair coin is drawn at its first site, before its bonds.
 * Inline xoshiro128** as in `Rng.nextU32`, state written back.
 */
export function swendsenWangSweep(
  spins: Int8Array,
  neighbours: Int32Array,
  degree: number,
  threshold: Float64Array,
  stack: Int32Array,
  visited: Uint8Array,
  rng: Uint32Array,
): void {
  let s0 = rng[0] | 0;
  let s1 = rng[1] | 0;
  let s2 = rng[2] | 0;
  let s3 = rng[3] | 0;
  let m = 0;
  let r = 0;
  let t = 0;
  const N = spins.length;
  visited.fill(0);
  for (let x0 = 0; x0 < N; x0++) {
    if (visited[x0] !== 0) continue;
    m = Math.imul(s1, 5);
    r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const flip = r >= 0x80000000; // the top bit, as Rng.nextSign
    const sigma = spins[x0];
    const next = flip ? -sigma : sigma;
    visited[x0] = 1;
    spins[x0] = next;
    stack[0] = x0;
    let top = 1;
    while (top > 0) {
      const base = stack[--top] * degree;
      for (let j = 0; j < degree; j++) {
        const y = neighbours[base + j];
        if (visited[y] !== 0 || spins[y] !== sigma) continue;
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
          visited[y] = 1;
          spins[y] = next;
          stack[top++] = y;
        }
      }
    }
  }
  rng[0] = s0;
  rng[1] = s1;
  rng[2] = s2;
  rng[3] = s3;
}
