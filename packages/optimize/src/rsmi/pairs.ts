import { type Lattice, Rng, UsageError } from '@rsrg/core';

/**
 * (V, E) pairs of RSMI: the state of a block V and the spins of its environment E, which lies
 * beyond a buffer shell. Block states are integers: bit i is set when block site i is +1 (the
 * sites in row-major order of their offset from the block's corner, last axis fastest, the
 * order of an RBM filter's weights). The Z2 partner of state v is v ^ (2^n − 1).
 */
export interface BlockEnvironmentPairs {
  /** n = b^d, the spins of a block (≤ 8, so ≤ 256 block states). */
  readonly blockSites: number;
  /** m, the spins of an environment. */
  readonly environmentSites: number;
  /** Number of pairs. */
  readonly count: number;
  /** The block state of each pair, 0 … 2^n − 1. */
  readonly blocks: Uint8Array;
  /** `count` environments of m ±1 spins each, one after the other. */
  readonly environments: Int8Array;
}

/** Where V and E lie around a block: its side b, the buffer width L_B and the shell width L_E. */
export interface RsmiGeometry {
  /** b, the block side. */
  readonly blockSize: number;
  /** L_B, the width of the buffer shell dropped around the block (≥ 0). */
  readonly buffer: number;
  /** L_E, the width of the environment shell beyond the buffer (≥ 1). */
  readonly shell: number;
}

/** The largest block RSMI's exact route enumerates: 8 spins, 256 states. */
export const MAX_BLOCK_SITES = 8;

/**
 * The offsets from a block's corner of its n block sites and of its m environment sites, each
 * in row-major order: the environment is every site at Chebyshev distance D from the block
 * with L_B < D ≤ L_B + L_E.
 */
export function rsmiOffsets(
  dimension: number,
  geometry: RsmiGeometry,
): {
  /** Offsets of the b^d block sites. */
  block: number[][];
  /** Offsets of the environment sites. */
  environment: number[][];
} {
  const { blockSize: b, buffer, shell } = geometry;
  const reach = buffer + shell;
  const side = b + 2 * reach;
  const block: number[][] = [];
  const environment: number[][] = [];
  const total = side ** dimension;
  for (let flat = 0; flat < total; flat++) {
    const o = new Array<number>(dimension);
    let r = flat;
    for (let a = dimension - 1; a >= 0; a--) {
      o[a] = (r % side) - reach;
      r = Math.floor(r / side);
    }
    let D = 0;
    for (const x of o) D = Math.max(D, x < 0 ? -x : x >= b ? x - b + 1 : 0);
    if (D === 0) block.push(o);
    else if (D > buffer && D <= reach) environment.push(o);
  }
  return { block, environment };
}

/** Checks the geometry against the lattice: ≤ 8 block spins, the environment not wrapping onto itself. */
export function checkRsmiGeometry(lattice: Lattice, geometry: RsmiGeometry): void {
  const { blockSize: b, buffer, shell } = geometry;
  if (!Number.isInteger(b) || b < 2) throw new UsageError(`RSMI block size must be an integer ≥ 2, got ${b}`);
  if (!Number.isInteger(buffer) || buffer < 0)
    throw new UsageError(`RSMI buffer width must be an integer ≥ 0, got ${buffer}`);
  if (!Number.isInteger(shell) || shell < 1)
    throw new UsageError(`RSMI environment width must be an integer ≥ 1, got ${shell}`);
  const n = b ** lattice.dimension;
  if (n > MAX_BLOCK_SITES)
    throw new UsageError(
      `RSMI's exact route enumerates the block states: a block of ${b}^${lattice.dimension} = ${n} spins exceeds ${MAX_BLOCK_SITES}`,
    );
  const side = b + 2 * (buffer + shell);
  for (const L of lattice.sizes) {
    if (L % b !== 0) throw new UsageError(`lattice ${lattice.label} is not divisible by the block size ${b}`);
    if (L < side)
      throw new UsageError(
        `lattice ${lattice.label} is smaller than a block with its buffer and environment (side ${side}): the environment would wrap onto itself`,
      );
  }
}

/**
 * The (V, E) pairs of the blocks of the b-tiling of each listed configuration (Ising ±1
 * spins), periodic. With `blocksPerConfiguration` below the number of blocks, each
 * configuration gives that many distinct blocks, drawn from stream `c` of `seed` for
 * configuration c (so a configuration gives the same blocks whichever subset it is in).
 * Throws UsageError on a spin that is not ±1.
 */
export function blockEnvironmentPairs(
  data: { readonly lattice: Lattice; readonly configurations: Int8Array },
  geometry: RsmiGeometry,
  options: { configurations: ArrayLike<number>; blocksPerConfiguration?: number; seed?: number },
): BlockEnvironmentPairs {
  const { lattice } = data;
  checkRsmiGeometry(lattice, geometry);
  const d = lattice.dimension;
  const b = geometry.blockSize;
  const { block, environment } = rsmiOffsets(d, geometry);
  const n = block.length;
  const m = environment.length;
  const coarse = lattice.sizes.map((L) => L / b);
  const blockCount = coarse.reduce((p, x) => p * x, 1);
  // Site tables: for block B, its n block sites then its m environment sites.
  const stride = n + m;
  const sites = new Int32Array(blockCount * stride);
  const corner = new Array<number>(d);
  for (let B = 0; B < blockCount; B++) {
    let r = B;
    for (let a = d - 1; a >= 0; a--) {
      corner[a] = (r % coarse[a]) * b;
      r = Math.floor(r / coarse[a]);
    }
    const at = (o: number[]) => lattice.index(o.map((x, a) => corner[a] + x));
    for (let i = 0; i < n; i++) sites[B * stride + i] = at(block[i]);
    for (let j = 0; j < m; j++) sites[B * stride + n + j] = at(environment[j]);
  }
  const per = Math.min(options.blocksPerConfiguration ?? blockCount, blockCount);
  if (!Number.isInteger(per) || per < 1)
    throw new UsageError(`blocks per configuration must be a positive integer, got ${per}`);
  const list = options.configurations;
  const count = list.length * per;
  const blocks = new Uint8Array(count);
  const environments = new Int8Array(count * m);
  const order = new Int32Array(blockCount);
  const V = lattice.volume;
  let p = 0;
  for (let k = 0; k < list.length; k++) {
    const c = list[k];
    const base = c * V;
    if (!Number.isInteger(c) || c < 0 || base + V > data.configurations.length)
      throw new UsageError(`configuration ${c} is not in the data`);
    for (let B = 0; B < blockCount; B++) order[B] = B;
    if (per < blockCount) {
      // Partial Fisher–Yates: the first `per` entries are a uniform sample without replacement.
      const rng = Rng.stream(options.seed ?? 0, c);
      for (let i = 0; i < per; i++) {
        const j = i + rng.nextInt(blockCount - i);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    for (let i = 0; i < per; i++, p++) {
      const row = order[i] * stride;
      let state = 0;
      for (let s = 0; s < n; s++) {
        const v = data.configurations[base + sites[row + s]];
        if (v !== 1 && v !== -1)
          throw new UsageError(`RSMI takes Ising ±1 spins; configuration ${c} holds ${v}`);
        if (v === 1) state |= 1 << s;
      }
      blocks[p] = state;
      const e = p * m;
      for (let j = 0; j < m; j++) {
        const v = data.configurations[base + sites[row + n + j]];
        if (v !== 1 && v !== -1)
          throw new UsageError(`RSMI takes Ising ±1 spins; configuration ${c} holds ${v}`);
        environments[e + j] = v;
      }
    }
  }
  return { blockSites: n, environmentSites: m, count, blocks, environments };
}
