import { hypercubicPointGroup, UsageError } from '@rsrg/core';

/**
 * The weight matrix of a translation-invariant RBM weight factor (Chung–Kao): one filter W of
 * side `width` (w) in `dimension` (d) dimensions, applied with stride `blockSize` (b) and
 * periodic wrap. Hidden spin J at coarse site X sees the fine spins at b·X + k,
 * k ∈ {0..w−1}^d: the block of J sits at the top-left corner of its window. No biases:
 *
 *   h_J = Σ_k W_k σ_{bX_J + k},   P(μ|σ) = Π_J e^{μ_J h_J} / (2 cosh h_J).
 */
export interface RbmFilter {
  /** The spatial dimension d. */
  readonly dimension: number;
  /** The filter side w: each hidden spin sees a window of w^d fine spins. */
  readonly width: number;
  /** The stride and scale factor b (≥ 2): one hidden spin per block of b^d fine spins. */
  readonly blockSize: number;
  /** w^d weights, row-major in the offset k from the block's corner (last axis fastest). */
  readonly weights: Float64Array;
}

/** Number of weights of a filter of side `width` in `dimension` dimensions. */
export function filterSize(dimension: number, width: number): number {
  return width ** dimension;
}

/**
 * A filter from its geometry and weights (copied; zeros when omitted). Throws UsageError on a
 * geometry that is not a positive integer, on b = 1 (the identity map, for which
 * y = ln λ / ln b is undefined) or on a weight count that does not match.
 */
export function rbmFilter(spec: {
  dimension: number;
  width: number;
  blockSize?: number;
  weights?: ArrayLike<number>;
}): RbmFilter {
  const { dimension, width } = spec;
  const blockSize = spec.blockSize ?? 2;
  for (const [name, v, min] of [
    ['dimension', dimension, 1],
    ['width', width, 1],
    ['block size', blockSize, 2],
  ] as const) {
    if (!Number.isInteger(v) || v < min) {
      throw new UsageError(`RBM filter ${name} must be an integer ≥ ${min}, got ${v}`);
    }
  }
  const n = filterSize(dimension, width);
  const weights = new Float64Array(n);
  if (spec.weights) {
    if (spec.weights.length !== n) {
      throw new UsageError(`a ${width}^${dimension} RBM filter has ${n} weights, got ${spec.weights.length}`);
    }
    for (let k = 0; k < n; k++) {
      const v = spec.weights[k];
      if (!Number.isFinite(v)) throw new UsageError(`RBM filter weight ${k} is not finite (${v})`);
      weights[k] = v;
    }
  }
  return { dimension, width, blockSize, weights };
}

/** An independent copy. */
export function cloneFilter(filter: RbmFilter): RbmFilter {
  return { ...filter, weights: Float64Array.from(filter.weights) };
}

/**
 * The filter with the sign that makes Σ_k W_k ≥ 0, so that μ follows the local magnetization.
 * W and −W give the same Y(σ) (cosh is even), hence the same likelihood and the same even-sector
 * RG flow; −W flips every coarse spin, which flips the sign of the odd-sector eigenvalues.
 * Training fixes this gauge with this function.
 */
export function orientFilter(filter: RbmFilter): RbmFilter {
  const out = cloneFilter(filter);
  let sum = 0;
  for (let k = 0; k < out.weights.length; k++) sum += out.weights[k];
  if (sum < 0) {
    for (let k = 0; k < out.weights.length; k++) out.weights[k] = -out.weights[k];
  }
  return out;
}

/** The offset vector k of flat filter index `index` (row-major, last axis fastest). */
export function filterOffset(filter: Pick<RbmFilter, 'dimension' | 'width'>, index: number): number[] {
  const { dimension: d, width: w } = filter;
  const k = new Array<number>(d);
  for (let a = d - 1; a >= 0; a--) {
    k[a] = index % w;
    index = Math.floor(index / w);
  }
  return k;
}

function flatIndex(k: readonly number[], width: number): number {
  let i = 0;
  for (const v of k) i = i * width + v;
  return i;
}

/**
 * `value` on the b^d block at offsets {0..b−1}^d from the corner (shifted by `at` when given),
 * zero elsewhere. With a large value (50) the RBM is majority rule, with a fair coin on ties
 * since h = 0 there. (Decimation is the 1-wide filter `rbmFilter({ width: 1, weights: [50] })`.)
 */
export function blockFilter(options: {
  dimension: number;
  blockSize?: number;
  width?: number;
  value?: number;
  /** Offset of the block's corner inside the window (default the window corner, 0). */
  at?: number;
}): RbmFilter {
  const b = options.blockSize ?? 2;
  const w = options.width ?? b;
  const at = options.at ?? 0;
  const value = options.value ?? 50;
  if (at < 0 || at + b > w) {
    throw new UsageError(`a block of side ${b} at offset ${at} does not fit a window of side ${w}`);
  }
  const f = rbmFilter({ dimension: options.dimension, width: w, blockSize: b });
  for (let i = 0; i < f.weights.length; i++) {
    if (filterOffset(f, i).every((k) => k >= at && k < at + b)) f.weights[i] = value;
  }
  return f;
}

/**
 * The filter translated by `shift` inside its window (new W_{k+shift} = old W_k). Moving the
 * filter by s moves every window by −s on the fine lattice, so the coarse configurations are
 * those of the fine configuration translated by s: MCRG statistics of a translation-invariant
 * ensemble are unchanged. Throws UsageError when a nonzero weight would leave the window.
 */
export function shiftFilter(filter: RbmFilter, shift: readonly number[]): RbmFilter {
  if (shift.length !== filter.dimension) {
    throw new UsageError(`shift has ${shift.length} axes, filter has ${filter.dimension}`);
  }
  const out = rbmFilter({ dimension: filter.dimension, width: filter.width, blockSize: filter.blockSize });
  for (let i = 0; i < filter.weights.length; i++) {
    if (filter.weights[i] === 0) continue;
    const k = filterOffset(filter, i).map((v, a) => v + shift[a]);
    if (k.some((v) => v < 0 || v >= filter.width)) {
      throw new UsageError(
        `shifting by ${JSON.stringify(shift)} moves weight ${i} out of the ${filter.width}-wide window`,
      );
    }
    out.weights[flatIndex(k, filter.width)] = filter.weights[i];
  }
  return out;
}

const orbitCache = new Map<string, Int32Array[]>();

/**
 * Orbits of the filter offsets under the hypercubic point group (axis permutations and
 * reflections, 2^d·d! elements) acting about the WINDOW CENTRE (w−1)/2 on every axis:
 * k ↦ g(k − c) + c. Each orbit is a sorted list of flat indices; orbits are ordered by their
 * smallest index.
 *
 * Why the window centre: the window {0..w−1}^d is anchored at the block's corner, and the
 * window centre is the only point about which every reflection maps it onto itself. A filter
 * invariant about it gives an RG map that commutes exactly with the reflection of the periodic
 * lattice about (w−1)/2 (hidden spin X goes to −X). Reflecting about the block centre (b−1)/2
 * instead maps the window onto {b−w..b−1}^d, outside the stored window unless w = b, and
 * wrapping it back modulo w changes the filter's support so that the RG map is no longer
 * reflection symmetric. So a filter that lives on the corner block (like the majority filter
 * at offsets 0..b−1) is not invariant here; centre it first with `shiftFilter` (a translation
 * of the fine lattice, harmless to MCRG): the majority filter at offset (w−b)/2 is invariant.
 */
export function symmetryOrbits(dimension: number, width: number): readonly Int32Array[] {
  const key = `${dimension}:${width}`;
  const cached = orbitCache.get(key);
  if (cached) return cached;
  const n = filterSize(dimension, width);
  const group = hypercubicPointGroup(dimension);
  const geometry = { dimension, width };
  const orbitOf = new Int32Array(n).fill(-1);
  const orbits: Int32Array[] = [];
  for (let i = 0; i < n; i++) {
    if (orbitOf[i] >= 0) continue;
    // Doubled coordinates relative to the centre are integers: 2k − (w − 1).
    const r = filterOffset(geometry, i).map((v) => 2 * v - (width - 1));
    const members = new Set<number>();
    for (const g of group) {
      members.add(
        flatIndex(
          g(r).map((v) => (v + width - 1) / 2),
          width,
        ),
      );
    }
    const orbit = Int32Array.from([...members].sort((u, v) => u - v));
    for (const m of orbit) orbitOf[m] = orbits.length;
    orbits.push(orbit);
  }
  orbitCache.set(key, orbits);
  return orbits;
}

/**
 * Replaces every weight by the mean of its orbit (see `symmetryOrbits`), in place: the
 * projection onto filters invariant under the point group about the window centre. Each orbit
 * is summed in a fixed order and every member gets the same value, so the result is exactly
 * (bitwise) symmetric.
 */
export function symmetrizeInPlace(weights: Float64Array, orbits: readonly Int32Array[]): void {
  for (let o = 0; o < orbits.length; o++) {
    const orbit = orbits[o];
    let s = 0;
    for (let m = 0; m < orbit.length; m++) s += weights[orbit[m]];
    s /= orbit.length;
    for (let m = 0; m < orbit.length; m++) weights[orbit[m]] = s;
  }
}

/** The point-group average of a filter about its window centre (see `symmetryOrbits`). */
export function symmetrizeFilter(filter: RbmFilter): RbmFilter {
  const out = cloneFilter(filter);
  symmetrizeInPlace(out.weights, symmetryOrbits(filter.dimension, filter.width));
  return out;
}
