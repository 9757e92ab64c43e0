import type { Hamiltonian, Lattice } from '@rsrg/core';

/** Largest number of distinct local fields for which exp tables replace Math.exp. */
export const MAX_FIELD_TABLE = 1 << 16;

/**
 * The local field of every site as flat tables. Writing H = σ_i h_i + (terms without σ_i),
 * h_i = Σ_e weight_e · Π_{j ∈ others(i, e)} σ_j over the E term instances e that contain
 * site i an odd number of times (a term wrapping onto itself can hold a site twice; σ² = 1).
 * Every site has the same structure, so entry e's other spins of site i are
 * `others[i * othersPerSite + k]` for `otherStart[e] ≤ k < otherStart[e + 1]`.
 *
 * Field mode (`table` empty): weight_e = K of the entry's coupling and the sum is h_i itself.
 * Table mode, when coupling α has n_α entries and Π (n_α + 1) ≤ MAX_FIELD_TABLE: weight_e is
 * the mixed-radix stride of its coupling, so the sum `code` lies in [−W, W] and
 * `(code + W) >> 1` = Σ_α stride_α · (number of +1 products of α) indexes `fields`.
 */
export interface LocalFieldTable {
  readonly entries: number;
  readonly otherStart: Int32Array;
  readonly othersPerSite: number;
  readonly others: Int32Array;
  readonly weight: Float64Array;
  /** Σ weight (table mode), 0 in field mode. */
  readonly totalWeight: number;
  /** h for each table index (table mode); empty in field mode. */
  readonly fields: Float64Array;
}

export function localFieldTable(lattice: Lattice, h: Hamiltonian): LocalFieldTable {
  const N = lattice.volume;
  const coupling: number[] = [];
  const relative: number[][][] = [];
  h.couplings.forEach((c, a) => {
    if (h.K[a] === 0) return;
    for (const term of c.terms) {
      // Instances of this term that contain site 0: anchored at −o_j for each offset o_j.
      const anchors = new Set<number>();
      for (const oj of term) {
        const anchor = lattice.index(oj.map((v) => -v));
        if (anchors.has(anchor)) continue;
        anchors.add(anchor);
        let multiplicity = 0;
        const rest: number[][] = [];
        for (const ok of term) {
          const d = ok.map((v, axis) => v - oj[axis]);
          if (lattice.index(d) === 0) multiplicity++;
          else rest.push(d);
        }
        if (multiplicity % 2 === 1) {
          coupling.push(a);
          relative.push(rest);
        }
      }
    }
  });
  const entries = coupling.length;
  const otherStart = new Int32Array(entries + 1);
  for (let e = 0; e < entries; e++) otherStart[e + 1] = otherStart[e] + relative[e].length;
  const othersPerSite = otherStart[entries];
  const others = new Int32Array(N * othersPerSite);
  for (let e = 0; e < entries; e++) {
    relative[e].forEach((d, k) => {
      const shift = lattice.shift(d);
      for (let x = 0; x < N; x++) others[x * othersPerSite + otherStart[e] + k] = shift[x];
    });
  }

  const count = new Array(h.couplings.length).fill(0);
  for (const a of coupling) count[a]++;
  const stride = new Array(h.couplings.length).fill(0);
  let size = 1;
  for (let a = 0; a < count.length; a++) {
    stride[a] = size;
    size *= count[a] + 1;
  }
  if (size > MAX_FIELD_TABLE) {
    const weight = Float64Array.from(coupling, (a) => h.K[a]);
    return {
      entries,
      otherStart,
      othersPerSite,
      others,
      weight,
      totalWeight: 0,
      fields: new Float64Array(0),
    };
  }
  const weight = Float64Array.from(coupling, (a) => stride[a]);
  let totalWeight = 0;
  for (const w of weight) totalWeight += w;
  const fields = new Float64Array(size);
  for (let index = 0; index < size; index++) {
    let field = 0;
    for (let a = 0; a < count.length; a++) {
      const plus = Math.floor(index / stride[a]) % (count[a] + 1);
      if (count[a] > 0) field += h.K[a] * (2 * plus - count[a]);
    }
    fields[index] = field;
  }
  return { entries, otherStart, othersPerSite, others, weight, totalWeight, fields };
}
