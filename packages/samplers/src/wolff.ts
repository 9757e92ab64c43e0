import {
  type ChainState,
  type Hamiltonian,
  type Lattice,
  type Sampler,
  type SamplerKernel,
  U32_TO_UNIT,
} from '@rsrg/core';
import { biasedBondLimits, bondTable } from './bond-table.js';
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
    const limit = biasedBondLimits(threshold);
    const stack = new Int32Array(lattice.volume);
    const volume = lattice.volume;
    const cluster = degree === 4 ? wolffCluster4 : degree === 6 ? wolffCluster6 : wolffCluster;
    return {
      step(state: ChainState): number {
        checkVolume(state, volume);
        const added = cluster(state.spins, neighbours, degree, limit, stack, state.rng.s);
        state.moves++;
        return added;
      },
    };
  },
};

/** XOR with the sign bit maps uint32 order onto int32 order: r ≤ L ⇔ (r ^ SIGN) ≤ (L ^ SIGN) signed. */
const SIGN = 0x80000000 | 0;

/**
 * Grows and flips one cluster; returns its size. Spins are flipped as they join, so "in the
 * cluster" is "sign changed" and every bond is tried at most once. Bond j opens when the draw
 * r ≤ bond limit j as uint32; `limit` holds those limits with the sign bit flipped
 * (`biasedBondLimits`), so an int32 comparison does it. The xoshiro128** state `rng` is
 * stepped inline (exactly as `Rng.nextU32`) and written back.
 *
 * `wolffCluster4` and `wolffCluster6` are this loop unrolled for the square and simple cubic
 * nearest-neighbour lattices (about 20% faster: the bond loop's exit branch is gone), as in
 * the WebAssembly kernel; the draws are the same, so all three give the same clusters.
 */
export function wolffCluster(
  spins: Int8Array,
  neighbours: Int32Array,
  degree: number,
  limit: Int32Array,
  stack: Int32Array,
  rng: Uint32Array,
): number {
  let s0 = rng[0] | 0;
  let s1 = rng[1] | 0;
  let s2 = rng[2] | 0;
  let s3 = rng[3] | 0;
  // Seed site: as Rng.nextInt(volume).
  let m = Math.imul(s1, 5);
  let r = Math.imul((m << 7) | (m >>> 25), 9);
  let t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = (s3 << 11) | (s3 >>> 21);
  const seed = Math.floor((r >>> 0) * U32_TO_UNIT * spins.length);
  const sigma = spins[seed];
  const flipped = -sigma;
  spins[seed] = flipped;
  stack[0] = seed;
  let top = 1;
  let added = 1;
  while (top > 0) {
    const b = stack[--top] * degree;
    for (let j = 0; j < degree; j++) {
      const y = neighbours[b + j];
      if (spins[y] !== sigma) continue;
      m = Math.imul(s1, 5);
      r = Math.imul((m << 7) | (m >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if ((r ^ SIGN) <= limit[j]) {
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

/** `wolffCluster` for degree 4 (square lattice, nearest neighbours); `degree` is not read. */
export function wolffCluster4(
  spins: Int8Array,
  neighbours: Int32Array,
  _degree: number,
  limit: Int32Array,
  stack: Int32Array,
  rng: Uint32Array,
): number {
  let s0 = rng[0] | 0;
  let s1 = rng[1] | 0;
  let s2 = rng[2] | 0;
  let s3 = rng[3] | 0;
  // Seed site: as Rng.nextInt(volume).
  let m = Math.imul(s1, 5);
  let r = Math.imul((m << 7) | (m >>> 25), 9);
  let t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = (s3 << 11) | (s3 >>> 21);
  const seed = Math.floor((r >>> 0) * U32_TO_UNIT * spins.length);
  const sigma = spins[seed];
  const flipped = -sigma;
  spins[seed] = flipped;
  stack[0] = seed;
  let top = 1;
  let added = 1;
  const l0 = limit[0];
  const l1 = limit[1];
  const l2 = limit[2];
  const l3 = limit[3];
  let y = 0;
  while (top > 0) {
    const b = stack[--top] << 2;
    y = neighbours[b];
    if (spins[y] === sigma) {
      m = Math.imul(s1, 5);
      r = Math.imul((m << 7) | (m >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if ((r ^ SIGN) <= l0) {
        spins[y] = flipped;
        stack[top++] = y;
        added++;
      }
    }
    y = neighbours[b + 1];
    if (spins[y] === sigma) {
      m = Math.imul(s1, 5);
      r = Math.imul((m << 7) | (m >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if ((r ^ SIGN) <= l1) {
        spins[y] = flipped;
        stack[top++] = y;
        added++;
      }
    }
    y = neighbours[b + 2];
    if (spins[y] === sigma) {
      m = Math.imul(s1, 5);
      r = Math.imul((m << 7) | (m >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if ((r ^ SIGN) <= l2) {
        spins[y] = flipped;
        stack[top++] = y;
        added++;
      }
    }
    y = neighbours[b + 3];
    if (spins[y] === sigma) {
      m = Math.imul(s1, 5);
      r = Math.imul((m << 7) | (m >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if ((r ^ SIGN) <= l3) {
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

/** `wolffCluster` for degree 6 (simple cubic lattice, nearest neighbours); `degree` is not read. */
export function wolffCluster6(
  spins: Int8Array,
  neighbours: Int32Array,
  _degree: number,
  limit: Int32Array,
  stack: Int32Array,
  rng: Uint32Array,
): number {
  let s0 = rng[0] | 0;
  let s1 = rng[1] | 0;
  let s2 = rng[2] | 0;
  let s3 = rng[3] | 0;
  // Seed site: as Rng.nextInt(volume).
  let m = Math.imul(s1, 5);
  let r = Math.imul((m << 7) | (m >>> 25), 9);
  let t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = (s3 << 11) | (s3 >>> 21);
  const seed = Math.floor((r >>> 0) * U32_TO_UNIT * spins.length);
  const sigma = spins[seed];
  const flipped = -sigma;
  spins[seed] = flipped;
  stack[0] = seed;
  let top = 1;
  let added = 1;
  const l0 = limit[0];
  const l1 = limit[1];
  const l2 = limit[2];
  const l3 = limit[3];
  const l4 = limit[4];
  const l5 = limit[5];
  let y = 0;
  while (top > 0) {
    const b = stack[--top] * 6;
    y = neighbours[b];
    if (spins[y] === sigma) {
      m = Math.imul(s1, 5);
      r = Math.imul((m << 7) | (m >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if ((r ^ SIGN) <= l0) {
        spins[y] = flipped;
        stack[top++] = y;
        added++;
      }
    }
    y = neighbours[b + 1];
    if (spins[y] === sigma) {
      m = Math.imul(s1, 5);
      r = Math.imul((m << 7) | (m >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if ((r ^ SIGN) <= l1) {
        spins[y] = flipped;
        stack[top++] = y;
        added++;
      }
    }
    y = neighbours[b + 2];
    if (spins[y] === sigma) {
      m = Math.imul(s1, 5);
      r = Math.imul((m << 7) | (m >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if ((r ^ SIGN) <= l2) {
        spins[y] = flipped;
        stack[top++] = y;
        added++;
      }
    }
    y = neighbours[b + 3];
    if (spins[y] === sigma) {
      m = Math.imul(s1, 5);
      r = Math.imul((m << 7) | (m >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if ((r ^ SIGN) <= l3) {
        spins[y] = flipped;
        stack[top++] = y;
        added++;
      }
    }
    y = neighbours[b + 4];
    if (spins[y] === sigma) {
      m = Math.imul(s1, 5);
      r = Math.imul((m << 7) | (m >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if ((r ^ SIGN) <= l4) {
        spins[y] = flipped;
        stack[top++] = y;
        added++;
      }
    }
    y = neighbours[b + 5];
    if (spins[y] === sigma) {
      m = Math.imul(s1, 5);
      r = Math.imul((m << 7) | (m >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if ((r ^ SIGN) <= l5) {
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
