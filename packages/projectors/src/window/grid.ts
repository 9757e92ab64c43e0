/** Row-major index arithmetic on boxes (last axis fastest), shared by the window layouts. */

/** Strides of a row-major box of these sizes. */
export function strides(sizes: readonly number[]): number[] {
  const s = new Array<number>(sizes.length);
  let v = 1;
  for (let a = sizes.length - 1; a >= 0; a--) {
    s[a] = v;
    v *= sizes[a];
  }
  return s;
}

export function dot(u: readonly number[], v: readonly number[]): number {
  let s = 0;
  for (let a = 0; a < u.length; a++) s += u[a] * v[a];
  return s;
}

/** Flat index of k in the cube {0..side−1}^d. */
export function flat(k: readonly number[], side: number): number {
  let i = 0;
  for (const v of k) i = i * side + v;
  return i;
}

/** The point of the cube {0..side−1}^d with flat index i. */
export function unflat(i: number, side: number, d: number): number[] {
  const k = new Array<number>(d);
  for (let a = d - 1; a >= 0; a--) {
    k[a] = i % side;
    i = Math.floor(i / side);
  }
  return k;
}
