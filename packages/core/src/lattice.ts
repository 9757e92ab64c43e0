import { UnsupportedError, UsageError } from './errors/index.js';

/**
 * A periodic hypercubic lattice of any dimension. Sites are numbered row-major: the last
 * axis varies fastest, so in 2D site (row, col) is `row * L1 + col`. Offsets are integer
 * vectors in the same axis order. Tables are built once per lattice and cached, so kernels
 * only ever read flat Int32Arrays.
 *
 * @example
 * const lattice = new Lattice([4, 6]); // 4 rows of 6 sites
 * lattice.index([1, 2]); // 8
 * lattice.coords(8); // [1, 2]
 * lattice.shift([0, 1])[5]; // 0: site (0, 5) + (0, 1) wraps to (0, 0)
 * lattice.coarsen(2).label; // '2×3'
 */
export class Lattice {
  /** The linear size of each axis, L_0 … L_{d−1}. */
  readonly sizes: readonly number[];
  /** The number of axes d. */
  readonly dimension: number;
  /** The number of sites N = Π_a L_a: the length of a configuration. */
  readonly volume: number;
  /** Stride of each axis in the flat site index. */
  readonly strides: readonly number[];
  private readonly shiftCache = new Map<string, Int32Array>();
  private neighbourCache: Int32Array | undefined;
  private readonly windowCache = new Map<string, Int32Array>();

  constructor(sizes: readonly number[]) {
    if (sizes.length === 0) throw new UsageError('a lattice needs at least one axis');
    for (const L of sizes) {
      if (!Number.isInteger(L) || L < 1)
        throw new UsageError(`lattice size must be a positive integer, got ${L}`);
    }
    this.sizes = Object.freeze([...sizes]);
    this.dimension = sizes.length;
    const strides: number[] = new Array(sizes.length);
    let v = 1;
    for (let a = sizes.length - 1; a >= 0; a--) {
      strides[a] = v;
      v *= sizes[a];
    }
    this.strides = Object.freeze(strides);
    this.volume = v;
  }

  /** Cubic lattice L^d. */
  static cubic(dimension: number, L: number): Lattice {
    return new Lattice(new Array(dimension).fill(L));
  }

  /** The sizes joined with '×', e.g. '32×32': the lattice in messages and tables. */
  get label(): string {
    return this.sizes.join('×');
  }

  /** The flat index of the site at `coords`, each coordinate taken modulo its axis (periodic). */
  index(coords: readonly number[]): number {
    let i = 0;
    for (let a = 0; a < this.dimension; a++) {
      const L = this.sizes[a];
      i += (((coords[a] % L) + L) % L) * this.strides[a];
    }
    return i;
  }

  /** The coordinates of site `site`, each in 0..L_a − 1: the inverse of `index`. */
  coords(site: number): number[] {
    const c = new Array(this.dimension);
    for (let a = 0; a < this.dimension; a++) {
      c[a] = Math.floor(site / this.strides[a]) % this.sizes[a];
    }
    return c;
  }

  /** `table[x]` = site x + offset (periodic). Cached per offset. */
  shift(offset: readonly number[]): Int32Array {
    if (offset.length !== this.dimension) {
      throw new UsageError(
        `offset ${JSON.stringify(offset)} has ${offset.length} axes, lattice has ${this.dimension}`,
      );
    }
    const key = offset.join(',');
    let t = this.shiftCache.get(key);
    if (t) return t;
    t = new Int32Array(this.volume);
    for (let x = 0; x < this.volume; x++) {
      const c = this.coords(x);
      for (let a = 0; a < this.dimension; a++) c[a] += offset[a];
      t[x] = this.index(c);
    }
    this.shiftCache.set(key, t);
    return t;
  }

  /** Number of nearest neighbours, 2d. */
  get coordination(): number {
    return 2 * this.dimension;
  }

  /**
   * Nearest-neighbour table, `coordination` entries per site: for axis a, entry 2a is +1 and
   * 2a+1 is −1 along a. On an axis of size 2 both point to the same site; size 1 to itself.
   */
  neighbours(): Int32Array {
    if (this.neighbourCache) return this.neighbourCache;
    const z = this.coordination;
    const t = new Int32Array(this.volume * z);
    for (let a = 0; a < this.dimension; a++) {
      const plus = new Array(this.dimension).fill(0);
      plus[a] = 1;
      const minus = new Array(this.dimension).fill(0);
      minus[a] = -1;
      const p = this.shift(plus);
      const m = this.shift(minus);
      for (let x = 0; x < this.volume; x++) {
        t[x * z + 2 * a] = p[x];
        t[x * z + 2 * a + 1] = m[x];
      }
    }
    this.neighbourCache = t;
    return t;
  }

  /** Whether every axis is divisible by b. */
  divisibleBy(b: number): boolean {
    return this.sizes.every((L) => L % b === 0);
  }

  /** The lattice of blocks of side b. */
  coarsen(b: number): Lattice {
    if (!Number.isInteger(b) || b < 1)
      throw new UsageError(`block size must be a positive integer, got ${b}`);
    if (!this.divisibleBy(b)) {
      throw new UnsupportedError(`lattice ${this.label} is not divisible into blocks of side ${b}`);
    }
    return new Lattice(this.sizes.map((L) => L / b));
  }

  /**
   * Windows of side w anchored at every b-th site, for coarse site J (row-major on the coarse
   * lattice): `table[J * w^d + k]` is the fine site at b·X_J + k, k row-major in {0..w−1}^d,
   * with periodic wrap. `window(b, b)` is the plain block table.
   */
  window(b: number, w: number): Int32Array {
    const key = `${b}:${w}`;
    const cached = this.windowCache.get(key);
    if (cached) return cached;
    const coarse = this.coarsen(b);
    const d = this.dimension;
    const wd = w ** d;
    const t = new Int32Array(coarse.volume * wd);
    const c = new Array(d);
    for (let J = 0; J < coarse.volume; J++) {
      const X = coarse.coords(J);
      for (let k = 0; k < wd; k++) {
        let rem = k;
        for (let a = d - 1; a >= 0; a--) {
          c[a] = X[a] * b + (rem % w);
          rem = Math.floor(rem / w);
        }
        t[J * wd + k] = this.index(c);
      }
    }
    this.windowCache.set(key, t);
    return t;
  }

  /** Whether `other` has the same sizes along the same axes. */
  equals(other: Lattice): boolean {
    return this.dimension === other.dimension && this.sizes.every((L, a) => L === other.sizes[a]);
  }
}
