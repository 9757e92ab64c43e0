import { type ChainState, type Lattice, type SamplerKernel, U32_TO_UNIT, UsageError } from '@rsrg/core';
import { checkVolume } from '../support.js';
import { checkStates, pottsBonds } from './neighbours.js';

/**
 * Heat-bath (Gibbs) updates for the q-state Potts model at any finite coupling K on a periodic
 * hypercubic lattice: each site in turn (typewriter order) draws its state c with probability
 * ∝ exp(K n_c), n_c the number of its neighbours in state c. One step is one sweep; it returns
 * the volume. |K| × (number of neighbours) ≤ 700, so that no site's weights all underflow.
 */
export function createPottsHeatBathKernel(lattice: Lattice, q: number, K: number): SamplerKernel {
  checkStates(q);
  if (!Number.isFinite(K)) throw new UsageError(`potts heat-bath: coupling K = ${K} is not finite`);
  const { degree, neighbours } = pottsBonds(lattice);
  // Beyond this, every weight at a site could underflow to 0 (and it is zero temperature anyway).
  if (Math.abs(K) * degree > 700) {
    throw new UsageError(
      `potts heat-bath: |K| = ${Math.abs(K)} is too large (|K| × ${degree} neighbours > 700)`,
    );
  }
  // exp(K n) scaled so that the largest weight is 1: no overflow.
  const top = K > 0 ? degree : 0;
  const boltzmann = Float64Array.from({ length: degree + 1 }, (_, n) => Math.exp(K * (n - top)));
  const counts = new Int32Array(q);
  const volume = lattice.volume;
  const sweep = degree === 4 ? pottsHeatBathSweep4 : degree === 6 ? pottsHeatBathSweep6 : pottsHeatBathSweep;
  return {
    step(state: ChainState): number {
      checkVolume(state, volume);
      sweep(state.spins, neighbours, degree, q, boltzmann, counts, state.rng.s);
      state.moves++;
      return volume;
    },
  };
}

/**
 * One typewriter sweep over sites 0..N−1, one draw per site: the neighbour counts n_c go into
 * `counts` (all zero between sites), the weights `boltzmann[n_c]` are summed to W, and the
 * state is the first c whose cumulative weight exceeds u = W · r / 2^32. Inline xoshiro128**
 * as in `Rng.nextU32`, state written back. `pottsHeatBathSweep4` and `pottsHeatBathSweep6` are
 * this sweep with the neighbour loops unrolled (about 1.6× faster on the square lattice); they
 * draw the same numbers, so all three give the same chain.
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

/** `pottsHeatBathSweep` for degree 4 (square lattice), the neighbour loops unrolled; `degree` is not read. */
export function pottsHeatBathSweep4(
  spins: Int8Array,
  neighbours: Int32Array,
  _degree: number,
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
  for (let i = 0, base = 0; i < N; i++, base += 4) {
    const n0 = spins[neighbours[base]] & 255;
    const n1 = spins[neighbours[base + 1]] & 255;
    const n2 = spins[neighbours[base + 2]] & 255;
    const n3 = spins[neighbours[base + 3]] & 255;
    counts[n0]++;
    counts[n1]++;
    counts[n2]++;
    counts[n3]++;
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
    let c = 0;
    let cumulative = boltzmann[counts[0]];
    while (cumulative <= u && c < last) cumulative += boltzmann[counts[++c]];
    counts[n0] = 0;
    counts[n1] = 0;
    counts[n2] = 0;
    counts[n3] = 0;
    spins[i] = c;
  }
  rng[0] = s0;
  rng[1] = s1;
  rng[2] = s2;
  rng[3] = s3;
}

/** `pottsHeatBathSweep` for degree 6 (simple cubic lattice), the neighbour loops unrolled; `degree` is not read. */
export function pottsHeatBathSweep6(
  spins: Int8Array,
  neighbours: Int32Array,
  _degree: number,
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
  for (let i = 0, base = 0; i < N; i++, base += 6) {
    const n0 = spins[neighbours[base]] & 255;
    const n1 = spins[neighbours[base + 1]] & 255;
    const n2 = spins[neighbours[base + 2]] & 255;
    const n3 = spins[neighbours[base + 3]] & 255;
    const n4 = spins[neighbours[base + 4]] & 255;
    const n5 = spins[neighbours[base + 5]] & 255;
    counts[n0]++;
    counts[n1]++;
    counts[n2]++;
    counts[n3]++;
    counts[n4]++;
    counts[n5]++;
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
    let c = 0;
    let cumulative = boltzmann[counts[0]];
    while (cumulative <= u && c < last) cumulative += boltzmann[counts[++c]];
    counts[n0] = 0;
    counts[n1] = 0;
    counts[n2] = 0;
    counts[n3] = 0;
    counts[n4] = 0;
    counts[n5] = 0;
    spins[i] = c;
  }
  rng[0] = s0;
  rng[1] = s1;
  rng[2] = s2;
  rng[3] = s3;
}
