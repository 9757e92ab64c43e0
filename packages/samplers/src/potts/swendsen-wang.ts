import { type ChainState, type Lattice, type SamplerKernel, U32_TO_UNIT } from '@rsrg/core';
import { checkVolume } from '../support.js';
import { checkClusterCoupling, checkStates, pottsBonds, pottsBondThreshold } from './neighbours.js';

/**
 * Swendsen–Wang for the q-state Potts model at coupling K ≥ 0 on a periodic hypercubic
 * lattice: bonds between equal neighbours open with p = 1 − e^{−K}, and every cluster takes a
 * uniformly random state out of q. One step is one sweep; it returns the volume. At q = 2 it
 * draws exactly as the Ising `swendsen-wang` at K/2 (0 ↔ +1, 1 ↔ −1).
 */
export function createPottsSwendsenWangKernel(lattice: Lattice, q: number, K: number): SamplerKernel {
  checkStates(q);
  checkClusterCoupling('potts swendsen-wang', K);
  const { degree, neighbours } = pottsBonds(lattice);
  const threshold = pottsBondThreshold(K);
  const stack = new Int32Array(lattice.volume);
  const visited = new Uint8Array(lattice.volume);
  const volume = lattice.volume;
  return {
    step(state: ChainState): number {
      checkVolume(state, volume);
      pottsSwendsenWangSweep(state.spins, neighbours, degree, q, threshold, stack, visited, state.rng.s);
      state.moves++;
      return volume;
    },
  };
}

/**
 * One sweep: clusters are grown one after another (depth first, bonds drawn lazily, each bond
 * at most once, as the Ising `swendsenWangSweep`). A cluster's state is drawn at its first
 * site, before its bonds, as σ + Rng.nextInt(q) mod q: uniform over q whatever σ, and at q = 2
 * the Ising sweep's fair flip (top bit set ⇔ change). Sites take it as they join, so a
 * neighbour is a candidate when it is unvisited and still in the cluster's old state σ; a bond
 * to a site of an earlier cluster was already tried closed from that side. Inline xoshiro128**
 * as in `Rng.nextU32`, state written back.
 */
export function pottsSwendsenWangSweep(
  spins: Int8Array,
  neighbours: Int32Array,
  degree: number,
  q: number,
  threshold: number,
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
    const sigma = spins[x0];
    let next = (sigma & 255) + Math.floor(r * U32_TO_UNIT * q);
    if (next >= q) next -= q;
    visited[x0] = 1;
    spins[x0] = next;
    const joined = spins[x0]; // `next` as the byte reads back
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
        if (r < threshold) {
          visited[y] = 1;
          spins[y] = joined;
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
