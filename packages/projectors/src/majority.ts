import {
  type Lattice,
  type Projector,
  type ProjectorFactory,
  type ProjectorKernel,
  type ProjectorOptions,
  type Rng,
  readOptions,
  type SpinEncoding,
  type Spins,
  UnsupportedError,
  UsageError,
} from '@rsrg/core';

/**
 * The block size b of a block rule from its options: `blockSize` (default 2), an integer ≥ 2
 * given as a number or a numeric string (as a command line passes it). Any other key is
 * rejected so that a misspelt option does not silently fall back to the default.
 */
export function blockSizeOption(projectorId: string, options: ProjectorOptions): number {
  return readOptions(`projector '${projectorId}'`, options, {
    blockSize: { kind: 'integer', default: 2, min: 2 },
  }).blockSize;
}

/**
 * Throws UsageError unless b is an integer ≥ 2: b = 1 is the identity map, for which
 * y = ln λ / ln b is undefined.
 */
export function checkBlockSize(projectorId: string, b: number): void {
  if (!Number.isInteger(b) || b < 2) {
    throw new UsageError(`projector '${projectorId}': blockSize must be an integer ≥ 2, got ${b}`);
  }
}

/** Why a block rule with side b cannot block `lattice`, or undefined when it can. */
export function blockSupport(b: number, lattice: Lattice): string | undefined {
  return lattice.divisibleBy(b)
    ? undefined
    : `lattice ${lattice.label} is not divisible into blocks of side ${b}`;
}

/** Throws UnsupportedError unless a block rule with side b can block `lattice`. */
export function assertBlockSupport(projectorId: string, b: number, lattice: Lattice): void {
  const reason = blockSupport(b, lattice);
  if (reason) throw new UnsupportedError(`projector '${projectorId}': ${reason}`);
}

function checkLengths(kernel: ProjectorKernel, fine: Spins, coarse: Spins): void {
  if (fine.length !== kernel.fine.volume || coarse.length !== kernel.coarse.volume) {
    throw new UsageError(
      `projector expects ${kernel.fine.volume} → ${kernel.coarse.volume} spins, got ${fine.length} → ${coarse.length}`,
    );
  }
}

/**
 * Majority rule, the pure kernel: μ_J = sign(Σ_{k<v} σ[blocks[J·v + k]]) for J < n, a tie
 * broken by a fair coin from the xoshiro128** state `rng` (advanced in place, one draw per
 * tie and none otherwise, bit-identical to `Rng.nextSign`). Returns the number of ties.
 */
export function majorityRule(
  fine: Int8Array,
  blocks: Int32Array,
  v: number,
  coarse: Int8Array,
  n: number,
  rng: Uint32Array,
): number {
  let s0 = rng[0];
  let s1 = rng[1];
  let s2 = rng[2];
  let s3 = rng[3];
  let ties = 0;
  let k = 0;
  for (let J = 0; J < n; J++) {
    let sum = 0;
    const end = k + v;
    for (; k < end; k++) sum += fine[blocks[k]];
    if (sum > 0) coarse[J] = 1;
    else if (sum < 0) coarse[J] = -1;
    else {
      // xoshiro128** step, as in Rng.nextU32; the coin is its top bit, as in Rng.nextSign.
      const m = Math.imul(s1, 5);
      const r = Math.imul((m << 7) | (m >>> 25), 9);
      const t = s1 << 9;
      const n2 = s2 ^ s0;
      const n3 = s3 ^ s1;
      s1 ^= n2;
      s0 ^= n3;
      s2 = n2 ^ t;
      s3 = (n3 << 11) | (n3 >>> 21);
      coarse[J] = r & 0x80000000 ? 1 : -1;
      ties++;
    }
  }
  if (ties > 0) {
    rng[0] = s0;
    rng[1] = s1;
    rng[2] = s2;
    rng[3] = s3;
  }
  return ties;
}

/**
 * Plurality rule for q-state spins, the pure kernel: μ_J is the state held by most sites of
 * block J (states read as unsigned bytes), a tie among t states broken uniformly with one draw
 * from the xoshiro128** state `rng`, the tied states taken in increasing order and the k-th
 * chosen for k = ⌊r·t/2^32⌋ (as `Rng.nextInt(t)`); no draw without a tie. `count` is scratch of
 * q zeros, left zero. Returns the number of ties.
 */
export function pluralityRule(
  fine: Uint8Array,
  blocks: Int32Array,
  v: number,
  coarse: Uint8Array,
  n: number,
  count: Int32Array,
  rng: Uint32Array,
): number {
  let s0 = rng[0];
  let s1 = rng[1];
  let s2 = rng[2];
  let s3 = rng[3];
  const q = count.length;
  let ties = 0;
  for (let J = 0, k = J * v; J < n; J++, k += v) {
    const end = k + v;
    let best = 0;
    let winner = 0;
    let tied = 0;
    for (let i = k; i < end; i++) {
      const c = ++count[fine[blocks[i]]];
      if (c > best) {
        best = c;
        winner = fine[blocks[i]];
        tied = 1;
      } else if (c === best) tied++;
    }
    if (tied > 1) {
      // xoshiro128** step, as in Rng.nextU32; the pick as in Rng.nextInt(tied).
      const m = Math.imul(s1, 5);
      const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      const t = s1 << 9;
      const n2 = s2 ^ s0;
      const n3 = s3 ^ s1;
      s1 ^= n2;
      s0 ^= n3;
      s2 = n2 ^ t;
      s3 = (n3 << 11) | (n3 >>> 21);
      let pick = Math.floor(r * 2.3283064365386963e-10 * tied);
      for (let a = 0; a < q; a++) {
        if (count[a] === best && pick-- === 0) {
          winner = a;
          break;
        }
      }
      ties++;
    }
    coarse[J] = winner;
    for (let i = k; i < end; i++) count[fine[blocks[i]]] = 0;
  }
  if (ties > 0) {
    rng[0] = s0;
    rng[1] = s1;
    rng[2] = s2;
    rng[3] = s3;
  }
  return ties;
}

/** P(μ|σ) of the plurality rule: per block 1/t when μ_J is one of its t most frequent states, else 0. */
function pluralityProbability(
  sigma: Uint8Array,
  blocks: Int32Array,
  v: number,
  mu: Uint8Array,
  n: number,
  q: number,
): number {
  const count = new Int32Array(q);
  let p = 1;
  for (let J = 0; J < n; J++) {
    count.fill(0);
    for (let k = J * v; k < (J + 1) * v; k++) count[sigma[blocks[k]]]++;
    let best = 0;
    for (let a = 0; a < q; a++) best = Math.max(best, count[a]);
    if (mu[J] >= q || count[mu[J]] !== best) return 0;
    let tied = 0;
    for (let a = 0; a < q; a++) if (count[a] === best) tied++;
    p /= tied;
  }
  return p;
}

/**
 * The majority rule with blocks of side b (b^d spins) on a hypercubic lattice of any dimension:
 * each block spin takes the sign of its block's sum, a tie broken by a fair coin. For q-state
 * spins it is the plurality rule (`pluralityRule`): the most frequent state, ties uniform.
 *
 * @example
 * const kernel = majorityProjector(2).create(new Lattice([8, 8]));
 * const rng = Rng.stream(1);
 * const mu = new Int8Array(kernel.coarse.volume); // 4×4 block spins
 * kernel.apply(randomSpins(kernel.fine, rng), mu, rng); // rng breaks the 2–2 ties
 */
export function majorityProjector(b: number): Projector {
  checkBlockSize('majority', b);
  return {
    id: 'majority',
    blockSize: b,
    supports: (lattice) => blockSupport(b, lattice),
    create(fine: Lattice, spins?: SpinEncoding): ProjectorKernel {
      assertBlockSupport('majority', b, fine);
      const coarse = fine.coarsen(b);
      const blocks = fine.window(b, b);
      const v = b ** fine.dimension;
      const n = coarse.volume;
      if (spins !== undefined && spins.kind === 'state') {
        const count = new Int32Array(spins.states);
        // Views made once per array pair: a pipeline blocks the same arrays every time.
        let lastFine: Spins | undefined;
        let lastCoarse: Spins | undefined;
        let fineStates: Uint8Array = new Uint8Array(0);
        let coarseStates: Uint8Array = new Uint8Array(0);
        const plurality: ProjectorKernel = {
          fine,
          coarse,
          apply(sigma: Spins, mu: Spins, rng: Rng): void {
            checkLengths(plurality, sigma, mu);
            if (sigma !== lastFine) {
              lastFine = sigma;
              fineStates = new Uint8Array(sigma.buffer, sigma.byteOffset, sigma.length);
            }
            if (mu !== lastCoarse) {
              lastCoarse = mu;
              coarseStates = new Uint8Array(mu.buffer, mu.byteOffset, mu.length);
            }
            pluralityRule(fineStates, blocks, v, coarseStates, n, count, rng.s);
          },
        };
        return plurality;
      }
      const kernel: ProjectorKernel = {
        fine,
        coarse,
        apply(sigma: Spins, mu: Spins, rng: Rng): void {
          checkLengths(kernel, sigma, mu);
          majorityRule(sigma, blocks, v, mu, n, rng.s);
        },
      };
      return kernel;
    },
    probability(fine: Lattice, sigma: Spins, mu: Spins, spins?: SpinEncoding): number {
      assertBlockSupport('majority', b, fine);
      const blocks = fine.window(b, b);
      const v = b ** fine.dimension;
      const n = blocks.length / v;
      if (sigma.length !== fine.volume || mu.length !== n) {
        throw new UsageError(
          `majority: expected ${fine.volume} → ${n} spins, got ${sigma.length} → ${mu.length}`,
        );
      }
      if (spins !== undefined && spins.kind === 'state') {
        const view = (x: Spins) => new Uint8Array(x.buffer, x.byteOffset, x.length);
        return pluralityProbability(view(sigma), blocks, v, view(mu), n, spins.states);
      }
      // Each block contributes 1 (μ agrees with the majority), 0 (disagrees) or 1/2 (tie).
      let p = 1;
      for (let J = 0; J < n; J++) {
        let sum = 0;
        for (let k = J * v; k < (J + 1) * v; k++) sum += sigma[blocks[k]];
        if (sum === 0) p *= 0.5;
        else if (sum * mu[J] < 0) return 0;
      }
      return p;
    },
  };
}

/**
 * Majority rule (`majority`): μ = sign of the block sum, ties broken by a fair coin; for q-state
 * spins the plurality rule, ties uniform among the tied states. Option `blockSize` (default 2).
 */
export const majority: ProjectorFactory = {
  id: 'majority',
  description:
    'majority rule: μ = sign of the sum over a b^d block, ties broken by a fair coin; for q states the most frequent state, ties uniform (option blockSize, default 2)',
  create: (options) => majorityProjector(blockSizeOption('majority', options)),
};
