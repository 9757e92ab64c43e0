// AssemblyScript source of the WebAssembly Potts Wolff kernel (src/potts/wolff-wasm.ts),
// compiled by scripts/build-wasm.mjs. The same algorithm, draw for draw, as pottsWolffCluster
// in src/potts/wolff.ts: a chain gives the same clusters and ends in the same xoshiro128**
// state with either kernel. The host lays out the imported memory; this module allocates
// nothing.
//
// Every export grows one cluster, sets it to its new state and returns its size. Pointers
// are byte offsets: `spins` (u8 × volume, the states 0…q−1), `neighbours` (i32 × volume ×
// degree, bond j of site x at x · degree + j), `stack` (i32 × volume, scratch) and `rng` (the
// xoshiro128** state, u32 × 4, read and written back). A bond opens when the draw r ≤ `limit`
// (= ⌈2^32 (1 − e^{−K})⌉ − 1). `cluster` takes any degree (0: the seed alone, for K = 0);
// `cluster4` and `cluster6` are its loop unrolled for the square and simple cubic lattices.

/** 2^-32: r · 2^-32 is exactly Rng.nextFloat() for the draw r. */
const U32_TO_UNIT: f64 = 2.3283064365386963e-10;

/** Any degree. */
export function cluster(
  spins: usize,
  neighbours: usize,
  degree: i32,
  q: i32,
  limit: u32,
  stack: usize,
  rng: usize,
  volume: i32,
): i32 {
  let s0 = load<u32>(rng, 0);
  let s1 = load<u32>(rng, 4);
  let s2 = load<u32>(rng, 8);
  let s3 = load<u32>(rng, 12);
  // Seed site: as Rng.nextInt(volume), in the same floating-point operations.
  let r = rotl<u32>(s1 * 5, 7) * 9;
  let t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  const seed = <usize>(<i32>Math.floor(<f64>r * U32_TO_UNIT * <f64>volume));
  const sigma = load<u8>(spins + seed);
  // New state: σ + 1 + Rng.nextInt(q − 1) mod q (no draw for q = 2).
  let next = <i32>sigma + 1;
  if (q > 2) {
    r = rotl<u32>(s1 * 5, 7) * 9;
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    next += <i32>Math.floor(<f64>r * U32_TO_UNIT * <f64>(q - 1));
  }
  if (next >= q) next -= q;
  const joined = <u8>next;
  store<u8>(spins + seed, joined);
  store<i32>(stack, <i32>seed);
  // Pointers rather than indices, as in wolff.ts.
  let top = stack + 4;
  let added: i32 = 1;
  const row = (<usize>degree) << 2;
  let y: usize = 0;
  while (top > stack) {
    top -= 4;
    const bonds = neighbours + <usize>load<i32>(top) * row;
    const end = bonds + row;
    for (let p = bonds; p < end; p += 4) {
      y = <usize>load<i32>(p);
      if (load<u8>(spins + y) === sigma) {
        r = rotl<u32>(s1 * 5, 7) * 9;
        t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = rotl<u32>(s3, 11);
        if (r <= limit) {
          store<u8>(spins + y, joined);
          store<i32>(top, <i32>y);
          top += 4;
          added++;
        }
      }
    }
  }
  store<u32>(rng, s0, 0);
  store<u32>(rng, s1, 4);
  store<u32>(rng, s2, 8);
  store<u32>(rng, s3, 12);
  return added;
}

/** `cluster` for degree 4 (square lattice); the degree argument is not read. */
export function cluster4(
  spins: usize,
  neighbours: usize,
  _degree: i32,
  q: i32,
  limit: u32,
  stack: usize,
  rng: usize,
  volume: i32,
): i32 {
  let s0 = load<u32>(rng, 0);
  let s1 = load<u32>(rng, 4);
  let s2 = load<u32>(rng, 8);
  let s3 = load<u32>(rng, 12);
  // Seed site: as Rng.nextInt(volume), in the same floating-point operations.
  let r = rotl<u32>(s1 * 5, 7) * 9;
  let t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  const seed = <usize>(<i32>Math.floor(<f64>r * U32_TO_UNIT * <f64>volume));
  const sigma = load<u8>(spins + seed);
  // New state: σ + 1 + Rng.nextInt(q − 1) mod q (no draw for q = 2).
  let next = <i32>sigma + 1;
  if (q > 2) {
    r = rotl<u32>(s1 * 5, 7) * 9;
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    next += <i32>Math.floor(<f64>r * U32_TO_UNIT * <f64>(q - 1));
  }
  if (next >= q) next -= q;
  const joined = <u8>next;
  store<u8>(spins + seed, joined);
  store<i32>(stack, <i32>seed);
  // Pointers rather than indices, as in wolff.ts.
  let top = stack + 4;
  let added: i32 = 1;
  let y: usize = 0;
  while (top > stack) {
    top -= 4;
    const bonds = neighbours + <usize>load<i32>(top) * 16;
    y = <usize>load<i32>(bonds, 0);
    if (load<u8>(spins + y) === sigma) {
      r = rotl<u32>(s1 * 5, 7) * 9;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl<u32>(s3, 11);
      if (r <= limit) {
        store<u8>(spins + y, joined);
        store<i32>(top, <i32>y);
        top += 4;
        added++;
      }
    }
    y = <usize>load<i32>(bonds, 4);
    if (load<u8>(spins + y) === sigma) {
      r = rotl<u32>(s1 * 5, 7) * 9;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl<u32>(s3, 11);
      if (r <= limit) {
        store<u8>(spins + y, joined);
        store<i32>(top, <i32>y);
        top += 4;
        added++;
      }
    }
    y = <usize>load<i32>(bonds, 8);
    if (load<u8>(spins + y) === sigma) {
      r = rotl<u32>(s1 * 5, 7) * 9;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl<u32>(s3, 11);
      if (r <= limit) {
        store<u8>(spins + y, joined);
        store<i32>(top, <i32>y);
        top += 4;
        added++;
      }
    }
    y = <usize>load<i32>(bonds, 12);
    if (load<u8>(spins + y) === sigma) {
      r = rotl<u32>(s1 * 5, 7) * 9;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl<u32>(s3, 11);
      if (r <= limit) {
        store<u8>(spins + y, joined);
        store<i32>(top, <i32>y);
        top += 4;
        added++;
      }
    }
  }
  store<u32>(rng, s0, 0);
  store<u32>(rng, s1, 4);
  store<u32>(rng, s2, 8);
  store<u32>(rng, s3, 12);
  return added;
}

/** `cluster` for degree 6 (simple cubic lattice); the degree argument is not read. */
export function cluster6(
  spins: usize,
  neighbours: usize,
  _degree: i32,
  q: i32,
  limit: u32,
  stack: usize,
  rng: usize,
  volume: i32,
): i32 {
  let s0 = load<u32>(rng, 0);
  let s1 = load<u32>(rng, 4);
  let s2 = load<u32>(rng, 8);
  let s3 = load<u32>(rng, 12);
  // Seed site: as Rng.nextInt(volume), in the same floating-point operations.
  let r = rotl<u32>(s1 * 5, 7) * 9;
  let t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  const seed = <usize>(<i32>Math.floor(<f64>r * U32_TO_UNIT * <f64>volume));
  const sigma = load<u8>(spins + seed);
  // New state: σ + 1 + Rng.nextInt(q − 1) mod q (no draw for q = 2).
  let next = <i32>sigma + 1;
  if (q > 2) {
    r = rotl<u32>(s1 * 5, 7) * 9;
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    next += <i32>Math.floor(<f64>r * U32_TO_UNIT * <f64>(q - 1));
  }
  if (next >= q) next -= q;
  const joined = <u8>next;
  store<u8>(spins + seed, joined);
  store<i32>(stack, <i32>seed);
  // Pointers rather than indices, as in wolff.ts.
  let top = stack + 4;
  let added: i32 = 1;
  let y: usize = 0;
  while (top > stack) {
    top -= 4;
    const bonds = neighbours + <usize>load<i32>(top) * 24;
    y = <usize>load<i32>(bonds, 0);
    if (load<u8>(spins + y) === sigma) {
      r = rotl<u32>(s1 * 5, 7) * 9;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl<u32>(s3, 11);
      if (r <= limit) {
        store<u8>(spins + y, joined);
        store<i32>(top, <i32>y);
        top += 4;
        added++;
      }
    }
    y = <usize>load<i32>(bonds, 4);
    if (load<u8>(spins + y) === sigma) {
      r = rotl<u32>(s1 * 5, 7) * 9;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl<u32>(s3, 11);
      if (r <= limit) {
        store<u8>(spins + y, joined);
        store<i32>(top, <i32>y);
        top += 4;
        added++;
      }
    }
    y = <usize>load<i32>(bonds, 8);
    if (load<u8>(spins + y) === sigma) {
      r = rotl<u32>(s1 * 5, 7) * 9;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl<u32>(s3, 11);
      if (r <= limit) {
        store<u8>(spins + y, joined);
        store<i32>(top, <i32>y);
        top += 4;
        added++;
      }
    }
    y = <usize>load<i32>(bonds, 12);
    if (load<u8>(spins + y) === sigma) {
      r = rotl<u32>(s1 * 5, 7) * 9;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl<u32>(s3, 11);
      if (r <= limit) {
        store<u8>(spins + y, joined);
        store<i32>(top, <i32>y);
        top += 4;
        added++;
      }
    }
    y = <usize>load<i32>(bonds, 16);
    if (load<u8>(spins + y) === sigma) {
      r = rotl<u32>(s1 * 5, 7) * 9;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl<u32>(s3, 11);
      if (r <= limit) {
        store<u8>(spins + y, joined);
        store<i32>(top, <i32>y);
        top += 4;
        added++;
      }
    }
    y = <usize>load<i32>(bonds, 20);
    if (load<u8>(spins + y) === sigma) {
      r = rotl<u32>(s1 * 5, 7) * 9;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl<u32>(s3, 11);
      if (r <= limit) {
        store<u8>(spins + y, joined);
        store<i32>(top, <i32>y);
        top += 4;
        added++;
      }
    }
  }
  store<u32>(rng, s0, 0);
  store<u32>(rng, s1, 4);
  store<u32>(rng, s2, 8);
  store<u32>(rng, s3, 12);
  return added;
}
