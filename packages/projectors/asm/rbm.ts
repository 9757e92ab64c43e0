// AssemblyScript source of the WebAssembly RBM kernels (src/rbm/kernel/wasm/), compiled by
// scripts/build-wasm.mjs. The same floating-point operations, in the same order, as the
// TypeScript kernels (src/rbm/kernel/js/ and src/window/), and the same draws: a chain gives
// the same samples, gradient buckets and xoshiro128** state with either. The host lays out the imported memory
// and builds the lookup tables (their exp is the host's); this module allocates nothing.
//
// Pointers are byte offsets. The fused exports (`accumulate`, `project`, `fields`) read the
// layout from a header of i32 words at address 0, written once by the host (see Header); the
// small helpers below are inlined by binaryen (no @inline: Biome cannot parse decorators on
// functions).

/** 2^-32: r · 2^-32 is exactly Rng.nextFloat() for the draw r. */
const U32_TO_UNIT: f64 = 2.3283064365386963e-10;

/**
 * The host's Math.exp (import rbm.exp: a declared function is imported from the module named
 * after its file), for the rare unit whose E product could leave the double range.
 */
declare function exp(x: f64): f64;

/** Word indices of the header (keep in step with `Header` in src/rbm/kernel/wasm/memory.ts). */
const FINE_SOURCE = 0; // i32 × padded fine volume: padded index → fine site
const FINE_PADDED = 1; // padded fine volume
const FINE_LINES = 2; // lines per pattern byte (1: no packing)
const FINE_LINE_STRIDE = 3;
const FINE_LINE_BITS = 4;
const FINE_PAT = 5; // u8 × fine pattern length
const FINE_OFFSETS = 6; // i32 × R: a hidden window's byte offsets
const FINE_BYTES = 7; // R
const HIDDEN_ANCHORS = 8; // i32 × hidden
const HIDDEN_GROUPS = 9; // i32 × hidden
const HIDDEN = 10;
const FORWARD_TABLE = 11; // f64 × 512 per segment: T, E per byte
const FORWARD_PRODUCTS = 12; // 1: e = product of E's; 0: e = exp(−2h)
const COARSE_SOURCE = 13;
const COARSE_PADDED = 14;
const COARSE_LINES = 15;
const COARSE_LINE_STRIDE = 16;
const COARSE_LINE_BITS = 17;
const COARSE_PAT = 18;
const COARSE_OFFSETS = 19;
const COARSE_BYTES = 20;
const VISIBLE_ANCHORS = 21;
const VISIBLE_GROUPS = 22;
const VISIBLE = 23;
const TRANSPOSED_TABLE = 24;
const TRANSPOSED_PRODUCTS = 25;
const H = 26; // f64 × hidden
const E = 27; // f64 × hidden
const T = 28; // f64 × hidden
const MU = 29; // i8 × hidden
const EG = 30; // f64 × visible
const SIGMA = 31; // i8 × visible
const BUCKETS = 32; // f64 × 256 R
const DATA = 33; // i8 × visible: the data point (or the configuration to project)
const CHAIN = 34; // i8 × visible: the PCD chain state
const RNG = 35; // u32 × 4: xoshiro128** state, read and written back

/** Header word k. */
function word(k: i32): i32 {
  return load<i32>((<usize>k) << 2);
}

/** The address held in header word k. */
function at(k: i32): usize {
  return <usize>load<i32>((<usize>k) << 2);
}

/**
 * pat[p] = byte of the spins at padded positions p..p+7 (bit c set ⇔ spins[source[p + c]] =
 * +1; positions past the end read as −1).
 */
export function patterns(spins: usize, source: usize, padded: i32, pat: usize): void {
  // The last 8 bits shifted in are the byte: no mask on the loop-carried chain (a store8 keeps them).
  let bits: u32 = 0;
  let p = padded - 1;
  for (; p >= 1; p -= 2) {
    // Positions p − 1 and p: two loads per turn.
    const from = source + ((<usize>(p - 1)) << 2);
    const s0 = <u32>(load<i8>(spins + <usize>load<i32>(from)) + 1) >> 1;
    const s1 = <u32>(load<i8>(spins + <usize>load<i32>(from, 4)) + 1) >> 1;
    const to = pat + <usize>(p - 1);
    bits = (bits << 1) | s1;
    store<u8>(to, <u8>bits, 1);
    bits = (bits << 1) | s0;
    store<u8>(to, <u8>bits);
  }
  if (p === 0) {
    bits = (bits << 1) | (<u32>(load<i8>(spins + <usize>load<i32>(source)) + 1) >> 1);
    store<u8>(pat, <u8>bits);
  }
}

/** In place: byte p takes the low `bits` bits of bytes p, p + stride, … (`lines` of them). */
export function packLines(pat: usize, length: i32, stride: i32, bits: i32, lines: i32): void {
  const mask: u32 = (1 << bits) - 1;
  if (lines === 2) {
    // Windows of side 3 and 4 (e.g. the transposed side of w = 8, b = 2): no inner loop.
    const next = <usize>stride;
    for (let p = 0; p < length; p++) {
      const at = pat + <usize>p;
      store<u8>(at, <u8>((<u32>load<u8>(at) & mask) | ((<u32>load<u8>(at + next) & mask) << bits)));
    }
    return;
  }
  for (let p = 0; p < length; p++) {
    const at = pat + <usize>p;
    let v = <u32>load<u8>(at) & mask;
    for (let l = 1; l < lines; l++) v |= (<u32>load<u8>(at + <usize>(l * stride)) & mask) << (l * bits);
    store<u8>(at, <u8>v);
  }
}

/** `patterns`, then `packLines` when the reader packs several lines into a byte. */
function windowPatterns(
  spins: usize,
  source: usize,
  padded: i32,
  lines: i32,
  stride: i32,
  bits: i32,
  pat: usize,
): void {
  patterns(spins, source, padded, pat);
  if (lines > 1) packLines(pat, padded, stride, bits, lines);
}

/** Bytes per table segment: 256 × (T, E) doubles. */
const SEGMENT_BYTES = 4096;

/**
 * h[u] = Σ_s T[group_u, s][pat[anchor_u + offset_s]] and e[u] = e^{−2h[u]} (the product of
 * the E's when `products`, else the host's exp). Windows of 8 bytes (2D w = 8, 3D w = 4) run
 * unrolled: the generic loop's overhead is as large as its lookups.
 */
export function unitFields(
  table: usize,
  products: i32,
  pat: usize,
  anchors: usize,
  groups: usize,
  offsets: usize,
  R: i32,
  count: i32,
  h: usize,
  e: usize,
): void {
  if (R === 8) {
    const o0 = <usize>load<i32>(offsets, 0);
    const o1 = <usize>load<i32>(offsets, 4);
    const o2 = <usize>load<i32>(offsets, 8);
    const o3 = <usize>load<i32>(offsets, 12);
    const o4 = <usize>load<i32>(offsets, 16);
    const o5 = <usize>load<i32>(offsets, 20);
    const o6 = <usize>load<i32>(offsets, 24);
    const o7 = <usize>load<i32>(offsets, 28);
    for (let u = 0; u < count; u++) {
      const a = pat + <usize>load<i32>(anchors + ((<usize>u) << 2));
      const base = table + <usize>(load<i32>(groups + ((<usize>u) << 2)) * 8 * SEGMENT_BYTES);
      // The same sums and products, in the same order, as the loop below.
      let i = base + ((<usize>load<u8>(a + o0)) << 4);
      let s: f64 = 0 + load<f64>(i);
      let f: f64 = 1 * load<f64>(i, 8);
      i = base + ((<usize>load<u8>(a + o1)) << 4);
      s += load<f64>(i, SEGMENT_BYTES);
      f *= load<f64>(i, SEGMENT_BYTES + 8);
      i = base + ((<usize>load<u8>(a + o2)) << 4);
      s += load<f64>(i, 2 * SEGMENT_BYTES);
      f *= load<f64>(i, 2 * SEGMENT_BYTES + 8);
      i = base + ((<usize>load<u8>(a + o3)) << 4);
      s += load<f64>(i, 3 * SEGMENT_BYTES);
      f *= load<f64>(i, 3 * SEGMENT_BYTES + 8);
      i = base + ((<usize>load<u8>(a + o4)) << 4);
      s += load<f64>(i, 4 * SEGMENT_BYTES);
      f *= load<f64>(i, 4 * SEGMENT_BYTES + 8);
      i = base + ((<usize>load<u8>(a + o5)) << 4);
      s += load<f64>(i, 5 * SEGMENT_BYTES);
      f *= load<f64>(i, 5 * SEGMENT_BYTES + 8);
      i = base + ((<usize>load<u8>(a + o6)) << 4);
      s += load<f64>(i, 6 * SEGMENT_BYTES);
      f *= load<f64>(i, 6 * SEGMENT_BYTES + 8);
      i = base + ((<usize>load<u8>(a + o7)) << 4);
      s += load<f64>(i, 7 * SEGMENT_BYTES);
      f *= load<f64>(i, 7 * SEGMENT_BYTES + 8);
      store<f64>(h + ((<usize>u) << 3), s);
      store<f64>(e + ((<usize>u) << 3), products ? f : exp(-2 * s));
    }
    return;
  }
  for (let u = 0; u < count; u++) {
    const a = pat + <usize>load<i32>(anchors + ((<usize>u) << 2));
    const g = load<i32>(groups + ((<usize>u) << 2)) * R;
    let s: f64 = 0;
    let f: f64 = 1;
    for (let q = 0; q < R; q++) {
      const byte = <i32>load<u8>(a + <usize>load<i32>(offsets + ((<usize>q) << 2)));
      const i = table + ((<usize>(((g + q) << 9) | (byte << 1))) << 3);
      s += load<f64>(i);
      f *= load<f64>(i, 8);
    }
    store<f64>(h + ((<usize>u) << 3), s);
    store<f64>(e + ((<usize>u) << 3), products ? f : exp(-2 * s));
  }
}

/** `unitFields` without h: only e[u] = e^{−2h[u]}; windows of 8 and 2 bytes unrolled. */
export function unitFactors(
  table: usize,
  products: i32,
  pat: usize,
  anchors: usize,
  groups: usize,
  offsets: usize,
  R: i32,
  count: i32,
  e: usize,
): void {
  if (products && R === 8) {
    const o0 = <usize>load<i32>(offsets, 0);
    const o1 = <usize>load<i32>(offsets, 4);
    const o2 = <usize>load<i32>(offsets, 8);
    const o3 = <usize>load<i32>(offsets, 12);
    const o4 = <usize>load<i32>(offsets, 16);
    const o5 = <usize>load<i32>(offsets, 20);
    const o6 = <usize>load<i32>(offsets, 24);
    const o7 = <usize>load<i32>(offsets, 28);
    for (let u = 0; u < count; u++) {
      const a = pat + <usize>load<i32>(anchors + ((<usize>u) << 2));
      const base = table + <usize>(load<i32>(groups + ((<usize>u) << 2)) * 8 * SEGMENT_BYTES) + 8;
      let f: f64 = 1 * load<f64>(base + ((<usize>load<u8>(a + o0)) << 4));
      f *= load<f64>(base + ((<usize>load<u8>(a + o1)) << 4), SEGMENT_BYTES);
      f *= load<f64>(base + ((<usize>load<u8>(a + o2)) << 4), 2 * SEGMENT_BYTES);
      f *= load<f64>(base + ((<usize>load<u8>(a + o3)) << 4), 3 * SEGMENT_BYTES);
      f *= load<f64>(base + ((<usize>load<u8>(a + o4)) << 4), 4 * SEGMENT_BYTES);
      f *= load<f64>(base + ((<usize>load<u8>(a + o5)) << 4), 5 * SEGMENT_BYTES);
      f *= load<f64>(base + ((<usize>load<u8>(a + o6)) << 4), 6 * SEGMENT_BYTES);
      f *= load<f64>(base + ((<usize>load<u8>(a + o7)) << 4), 7 * SEGMENT_BYTES);
      store<f64>(e + ((<usize>u) << 3), f);
    }
  } else if (products && R === 2) {
    const o0 = <usize>load<i32>(offsets, 0);
    const o1 = <usize>load<i32>(offsets, 4);
    for (let u = 0; u < count; u++) {
      const a = pat + <usize>load<i32>(anchors + ((<usize>u) << 2));
      const base = table + <usize>(load<i32>(groups + ((<usize>u) << 2)) * 2 * SEGMENT_BYTES) + 8;
      let f: f64 = 1 * load<f64>(base + ((<usize>load<u8>(a + o0)) << 4));
      f *= load<f64>(base + ((<usize>load<u8>(a + o1)) << 4), SEGMENT_BYTES);
      store<f64>(e + ((<usize>u) << 3), f);
    }
  } else if (products) {
    for (let u = 0; u < count; u++) {
      const a = pat + <usize>load<i32>(anchors + ((<usize>u) << 2));
      const g = load<i32>(groups + ((<usize>u) << 2)) * R;
      let f: f64 = 1;
      for (let q = 0; q < R; q++) {
        const byte = <i32>load<u8>(a + <usize>load<i32>(offsets + ((<usize>q) << 2)));
        f *= load<f64>(table + ((<usize>(((g + q) << 9) | (byte << 1))) << 3), 8);
      }
      store<f64>(e + ((<usize>u) << 3), f);
    }
  } else {
    for (let u = 0; u < count; u++) {
      const a = pat + <usize>load<i32>(anchors + ((<usize>u) << 2));
      const g = load<i32>(groups + ((<usize>u) << 2)) * R;
      let s: f64 = 0;
      for (let q = 0; q < R; q++) {
        const byte = <i32>load<u8>(a + <usize>load<i32>(offsets + ((<usize>q) << 2)));
        s += load<f64>(table + ((<usize>(((g + q) << 9) | (byte << 1))) << 3));
      }
      store<f64>(e + ((<usize>u) << 3), exp(-2 * s));
    }
  }
}

/**
 * out[u] = +1 with probability 1/(1 + e[u]), else −1, one draw r per unit (+1 iff
 * r·2^-32·(1 + e) < 1); the xoshiro128** state is read from and written back to `rng`.
 */
export function sampleSpins(e: usize, out: usize, count: i32, rng: usize): void {
  let s0 = load<u32>(rng, 0);
  let s1 = load<u32>(rng, 4);
  let s2 = load<u32>(rng, 8);
  let s3 = load<u32>(rng, 12);
  for (let i = 0; i < count; i++) {
    const r = rotl<u32>(s1 * 5, 7) * 9;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    const u = <f64>r * U32_TO_UNIT;
    // Branch-free: the draws are unpredictable.
    store<i8>(out + <usize>i, <i8>(1 - 2 * <i32>(u * (1 + load<f64>(e + ((<usize>i) << 3))) >= 1)));
  }
  store<u32>(rng, s0, 0);
  store<u32>(rng, s1, 4);
  store<u32>(rng, s2, 8);
  store<u32>(rng, s3, 12);
}

/** t[J] = tanh h[J] from e = e^{−2h} (saturated beyond |h| = 20). */
export function tanhFields(h: usize, e: usize, t: usize, count: i32): void {
  for (let J = 0; J < count; J++) {
    const o = (<usize>J) << 3;
    const x = load<f64>(h + o);
    const ej = load<f64>(e + o);
    store<f64>(t + o, x > 20 ? 1 : x < -20 ? -1 : (1 - ej) / (1 + ej));
  }
}

/** buckets[s·256 + pat[anchor_J + offset_s]] += weight·t[J]. */
export function addToBuckets(
  pat: usize,
  anchors: usize,
  offsets: usize,
  R: i32,
  count: i32,
  t: usize,
  weight: f64,
  buckets: usize,
): void {
  for (let J = 0; J < count; J++) {
    const a = pat + <usize>load<i32>(anchors + ((<usize>J) << 2));
    const v = weight * load<f64>(t + ((<usize>J) << 3));
    for (let q = 0; q < R; q++) {
      const byte = <i32>load<u8>(a + <usize>load<i32>(offsets + ((<usize>q) << 2)));
      const b = buckets + ((<usize>((q << 8) | byte)) << 3);
      store<f64>(b, load<f64>(b) + v);
    }
  }
}

/** The fine configuration at `spins` → the fine patterns. */
function finePatterns(spins: usize): void {
  windowPatterns(
    spins,
    at(FINE_SOURCE),
    word(FINE_PADDED),
    word(FINE_LINES),
    word(FINE_LINE_STRIDE),
    word(FINE_LINE_BITS),
    at(FINE_PAT),
  );
}

/** h and e of the hidden units from the fine patterns. */
function hiddenFields(): void {
  unitFields(
    at(FORWARD_TABLE),
    word(FORWARD_PRODUCTS),
    at(FINE_PAT),
    at(HIDDEN_ANCHORS),
    at(HIDDEN_GROUPS),
    at(FINE_OFFSETS),
    word(FINE_BYTES),
    word(HIDDEN),
    at(H),
    at(E),
  );
}

/** h and e = e^{−2h} of the configuration at DATA. */
export function fields(): void {
  finePatterns(at(DATA));
  hiddenFields();
}

/** The projection σ → μ of RbmProjector's kernel: μ at MU drawn from the fields of σ at DATA. */
export function project(): void {
  finePatterns(at(DATA));
  // Only e is needed: the same e as unitFields gives.
  unitFactors(
    at(FORWARD_TABLE),
    word(FORWARD_PRODUCTS),
    at(FINE_PAT),
    at(HIDDEN_ANCHORS),
    at(HIDDEN_GROUPS),
    at(FINE_OFFSETS),
    word(FINE_BYTES),
    word(HIDDEN),
    at(E),
  );
  sampleSpins(at(E), at(MU), word(HIDDEN), at(RNG));
}

/**
 * ContrastiveDivergence.accumulate for the data point at DATA, adding to BUCKETS: the chain
 * continues from CHAIN when `persistent` (the new state is left at SIGMA), else starts at the
 * data. Returns the number of sites where the negative sample differs from the data point.
 */
export function accumulate(cdSteps: i32, persistent: i32): i32 {
  const hidden = word(HIDDEN);
  const visible = word(VISIBLE);
  const finePat = at(FINE_PAT);
  const hiddenAnchors = at(HIDDEN_ANCHORS);
  const hiddenGroups = at(HIDDEN_GROUPS);
  const fineOffsets = at(FINE_OFFSETS);
  const Rf = word(FINE_BYTES);
  const forward = at(FORWARD_TABLE);
  const forwardProducts = word(FORWARD_PRODUCTS);
  const h = at(H);
  const e = at(E);
  const t = at(T);
  const mu = at(MU);
  const eg = at(EG);
  const sigma = at(SIGMA);
  const buckets = at(BUCKETS);
  const data = at(DATA);
  const rng = at(RNG);
  finePatterns(data);
  hiddenFields();
  tanhFields(h, e, t, hidden);
  addToBuckets(finePat, hiddenAnchors, fineOffsets, Rf, hidden, t, 1, buckets);
  if (persistent) {
    finePatterns(at(CHAIN));
    hiddenFields();
  }
  sampleSpins(e, mu, hidden, rng);
  for (let s = 1; s <= cdSteps; s++) {
    windowPatterns(
      mu,
      at(COARSE_SOURCE),
      word(COARSE_PADDED),
      word(COARSE_LINES),
      word(COARSE_LINE_STRIDE),
      word(COARSE_LINE_BITS),
      at(COARSE_PAT),
    );
    unitFactors(
      at(TRANSPOSED_TABLE),
      word(TRANSPOSED_PRODUCTS),
      at(COARSE_PAT),
      at(VISIBLE_ANCHORS),
      at(VISIBLE_GROUPS),
      at(COARSE_OFFSETS),
      word(COARSE_BYTES),
      visible,
      eg,
    );
    sampleSpins(eg, sigma, visible, rng);
    finePatterns(sigma);
    if (s < cdSteps) {
      // Mid-chain only the Boltzmann factors are needed.
      unitFactors(forward, forwardProducts, finePat, hiddenAnchors, hiddenGroups, fineOffsets, Rf, hidden, e);
      sampleSpins(e, mu, hidden, rng);
    } else {
      hiddenFields();
    }
  }
  tanhFields(h, e, t, hidden);
  addToBuckets(finePat, hiddenAnchors, fineOffsets, Rf, hidden, t, -1, buckets);
  let differ = 0;
  for (let i = 0; i < visible; i++) {
    differ += (1 - <i32>load<i8>(sigma + <usize>i) * <i32>load<i8>(data + <usize>i)) >> 1;
  }
  return differ;
}
