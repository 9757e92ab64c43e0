import { type ChainState, type Lattice, type SamplerKernel, U32_TO_UNIT } from '@rsrg/core';
import { checkVolume } from '../support.js';
import { U32_RANGE } from '../uint32-threshold.js';
import { checkClusterCoupling, checkStates, pottsBonds, pottsBondThreshold } from './neighbours.js';

/**
 * Wolff's single-cluster algorithm for the q-state Potts model at coupling K ≥ 0 (weight
 * exp(K Σ_<ij> δ(σ_i, σ_j))) on a periodic hypercubic lattice: a random seed site and a new
 * state uniform among the q − 1 others; the cluster grows over neighbours in the seed's old
 * state with p = 1 − e^{−K} and takes the new state. One step is one cluster; it returns the
 * cluster size. At q = 2 it draws exactly as the Ising `wolff` at K/2 (0 ↔ +1, 1 ↔ −1).
 */
export function createPottsWolffKernel(lattice: Lattice, q: number, K: number): SamplerKernel {
  checkStates(q);
  checkClusterCoupling('potts wolff', K);
  const bonds = pottsBonds(lattice);
  // K = 0 opens no bond: degree 0 makes the cluster its seed alone, without bond draws.
  const degree = K > 0 ? bonds.degree : 0;
  const limit = pottsBondLimit(K);
  const neighbours = bonds.neighbours;
  const stack = new Int32Array(lattice.volume);
  const volume = lattice.volume;
  const cluster = degree === 4 ? pottsWolffCluster4 : degree === 6 ? pottsWolffCluster6 : pottsWolffCluster;
  return {
    step(state: ChainState): number {
      checkVolume(state, volume);
      const added = cluster(state.spins, neighbours, degree, q, limit, stack, state.rng.s);
      state.moves++;
      return added;
    },
  };
}

/** XOR with the sign bit maps uint32 order onto int32 order: r ≤ L ⇔ (r ^ SIGN) ≤ (L ^ SIGN) signed. */
const SIGN = 0x80000000 | 0;

/**
 * The largest draw r (uint32) that opens a bond, r < 2^32 (1 − e^{−K}) ⇔ r ≤ ⌈threshold⌉ − 1,
 * with the sign bit flipped so that an int32 comparison does it (as `biasedBondLimits`).
 * K = 0 gives the limit of K > 0's smallest threshold; the kernel then tries no bond at all.
 */
export function pottsBondLimit(K: number): number {
  const threshold = pottsBondThreshold(K);
  return ((Math.max(1, Math.min(Math.ceil(threshold), U32_RANGE)) - 1) ^ SIGN) | 0;
}

/**
 * Grows one cluster and sets it to its new state; returns its size. Sites take the new state
 * as they join, so a neighbour is a candidate exactly when it still holds the old state σ
 * (sites already in the cluster, and any others in the new state, are not): every bond is
 * tried at most once. Spins are the states 0…q−1 as unsigned bytes; only equality is needed
 * on them, so the Int8Array is read as is. The xoshiro128** state `rng` is stepped inline
 * (exactly as `Rng.nextU32`) and written back.
 *
 * `pottsWolffCluster4` and `pottsWolffCluster6` are this loop unrolled for the square and
 * simple cubic lattices, the neighbours of a site loaded before its bonds are tried (about 20%
 * faster in 2D); they draw the same numbers, so all three give the same clusters.
 */
export function pottsWolffCluster(
  spins: Int8Array,
  neighbours: Int32Array,
  degree: number,
  q: number,
  limit: number,
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
  // New state: σ + 1 + Rng.nextInt(q − 1) mod q, uniform over the q − 1 others (no draw for q = 2).
  let shift = 1;
  if (q > 2) {
    m = Math.imul(s1, 5);
    r = Math.imul((m << 7) | (m >>> 25), 9);
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    shift += Math.floor((r >>> 0) * U32_TO_UNIT * (q - 1));
  }
  let next = (sigma & 255) + shift;
  if (next >= q) next -= q;
  spins[seed] = next;
  const joined = spins[seed]; // `next` as the byte reads back (states ≥ 128 read negative)
  stack[0] = seed;
  let top = 1;
  let added = 1;
  let y = 0;
  while (top > 0) {
    const b = stack[--top] * degree;
    for (let j = 0; j < degree; j++) {
      y = neighbours[b + j];
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
        if ((r ^ SIGN) <= limit) {
          spins[y] = joined;
          stack[top++] = y;
          added++;
        }
      }
    }
  }
  rng[0] = s0;
  rng[1] = s1;
  rng[2] = s2;
  rng[3] = s3;
  return added;
}

/** `pottsWolffCluster` for degree 4 (square lattice); `degree` is not read. */
export function pottsWolffCluster4(
  spins: Int8Array,
  neighbours: Int32Array,
  _degree: number,
  q: number,
  limit: number,
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
  // New state: σ + 1 + Rng.nextInt(q − 1) mod q, uniform over the q − 1 others (no draw for q = 2).
  let shift = 1;
  if (q > 2) {
    m = Math.imul(s1, 5);
    r = Math.imul((m << 7) | (m >>> 25), 9);
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    shift += Math.floor((r >>> 0) * U32_TO_UNIT * (q - 1));
  }
  let next = (sigma & 255) + shift;
  if (next >= q) next -= q;
  spins[seed] = next;
  const joined = spins[seed]; // `next` as the byte reads back (states ≥ 128 read negative)
  stack[0] = seed;
  let top = 1;
  let added = 1;
  let y = 0;
  while (top > 0) {
    const b = stack[--top] << 2;
    const y0 = neighbours[b];
    const y1 = neighbours[b + 1];
    const y2 = neighbours[b + 2];
    const y3 = neighbours[b + 3];
    y = y0;
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
      if ((r ^ SIGN) <= limit) {
        spins[y] = joined;
        stack[top++] = y;
        added++;
      }
    }
    y = y1;
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
      if ((r ^ SIGN) <= limit) {
        spins[y] = joined;
        stack[top++] = y;
        added++;
      }
    }
    y = y2;
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
      if ((r ^ SIGN) <= limit) {
        spins[y] = joined;
        stack[top++] = y;
        added++;
      }
    }
    y = y3;
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
      if ((r ^ SIGN) <= limit) {
        spins[y] = joined;
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

/** `pottsWolffCluster` for degree 6 (simple cubic lattice); `degree` is not read. */
export function pottsWolffCluster6(
  spins: Int8Array,
  neighbours: Int32Array,
  _degree: number,
  q: number,
  limit: number,
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
  // New state: σ + 1 + Rng.nextInt(q − 1) mod q, uniform over the q − 1 others (no draw for q = 2).
  let shift = 1;
  if (q > 2) {
    m = Math.imul(s1, 5);
    r = Math.imul((m << 7) | (m >>> 25), 9);
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    shift += Math.floor((r >>> 0) * U32_TO_UNIT * (q - 1));
  }
  let next = (sigma & 255) + shift;
  if (next >= q) next -= q;
  spins[seed] = next;
  const joined = spins[seed]; // `next` as the byte reads back (states ≥ 128 read negative)
  stack[0] = seed;
  let top = 1;
  let added = 1;
  let y = 0;
  while (top > 0) {
    const b = stack[--top] * 6;
    const y0 = neighbours[b];
    const y1 = neighbours[b + 1];
    const y2 = neighbours[b + 2];
    const y3 = neighbours[b + 3];
    const y4 = neighbours[b + 4];
    const y5 = neighbours[b + 5];
    y = y0;
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
      if ((r ^ SIGN) <= limit) {
        spins[y] = joined;
        stack[top++] = y;
        added++;
      }
    }
    y = y1;
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
      if ((r ^ SIGN) <= limit) {
        spins[y] = joined;
        stack[top++] = y;
        added++;
      }
    }
    y = y2;
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
      if ((r ^ SIGN) <= limit) {
        spins[y] = joined;
        stack[top++] = y;
        added++;
      }
    }
    y = y3;
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
      if ((r ^ SIGN) <= limit) {
        spins[y] = joined;
        stack[top++] = y;
        added++;
      }
    }
    y = y4;
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
      if ((r ^ SIGN) <= limit) {
        spins[y] = joined;
        stack[top++] = y;
        added++;
      }
    }
    y = y5;
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
      if ((r ^ SIGN) <= limit) {
        spins[y] = joined;
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
