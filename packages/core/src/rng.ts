/**
 * xoshiro128** (Blackman & Vigna): 128-bit state, 32-bit output, fast with Math.imul.
 * Every stream is derived from (master seed, stream index) through splitmix64, so a chain's
 * randomness does not depend on which worker runs it. Hot loops copy `s` into locals and
 * inline the step (see `xoshiro128ssStep` for the reference form); they must write it back.
 */
export const RNG_ALGORITHM = 'xoshiro128** seeded by splitmix64(seed, stream)';

const MASK64 = (1n << 64n) - 1n;
const TWO_POW_M32 = 2.3283064365386963e-10;

function splitmix64(state: { x: bigint }): bigint {
  state.x = (state.x + 0x9e3779b97f4a7c15n) & MASK64;
  let z = state.x;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/**
 * A xoshiro128** random-number stream: the one source of randomness of samplers, stochastic
 * projectors and training. Its whole state is `s`, so a chain checkpoint stores four words.
 *
 * @example
 * const rng = Rng.stream(2024, 3); // master seed 2024, chain 3
 * rng.nextFloat(); // uniform in [0, 1)
 * const copy = rng.clone(); // the same sequence from here on
 */
export class Rng {
  /** The whole state; serializable as four uint32. */
  readonly s: Uint32Array;

  constructor(state: ArrayLike<number>) {
    if (state.length !== 4) throw new RangeError('xoshiro128** state has 4 words');
    this.s = Uint32Array.from(state);
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** Stream `stream` of master seed `seed` (a non-negative safe integer or bigint). */
  static stream(seed: number | bigint, stream: number | bigint = 0): Rng {
    const sm = { x: (BigInt(seed) * 0x100000001b3n) ^ (BigInt(stream) + 0x632be59bd9b4e019n) };
    splitmix64(sm);
    const a = splitmix64(sm);
    const b = splitmix64(sm);
    return new Rng([Number(a & 0xffffffffn), Number(a >> 32n), Number(b & 0xffffffffn), Number(b >> 32n)]);
  }

  /** The next 32 random bits, as an unsigned integer in [0, 2^32); advances the state. */
  nextU32(): number {
    const s = this.s;
    const s0 = s[0];
    const s1 = s[1];
    const s2 = s[2];
    const s3 = s[3];
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = rotl(n3, 11);
    return r;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextU32() * TWO_POW_M32;
  }

  /** Uniform integer in [0, n), n ≤ 2^32 (multiply-shift; bias below 2^-32 · n). */
  nextInt(n: number): number {
    return Math.floor(this.nextU32() * TWO_POW_M32 * n);
  }

  /** A fair ±1. */
  nextSign(): 1 | -1 {
    return this.nextU32() & 0x80000000 ? 1 : -1;
  }

  /** An independent copy of the stream at its current state. */
  clone(): Rng {
    return new Rng(this.s);
  }
}

/** 2^−32: times a `nextU32()` gives a uniform number in [0, 1), as in `nextFloat`. */
export const U32_TO_UNIT = TWO_POW_M32;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
