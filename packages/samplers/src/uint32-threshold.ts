/**
 * 2^32. Kernels compare a raw uint32 draw r with p · 2^32, which is exactly
 * `rng.nextFloat() < p` (scaling by a power of two is exact) without the multiply.
 */
export const U32_RANGE = 4294967296;
