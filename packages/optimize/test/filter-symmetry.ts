import { hypercubicPointGroup } from '@rsrg/core';
import { filterOffset, type RbmFilter } from '@rsrg/projectors';

/** Whether W_{g(k)} = W_k bit for bit for every g of the point group about the window centre. */
export function invariant(filter: RbmFilter): boolean {
  const { dimension, width, weights } = filter;
  for (const g of hypercubicPointGroup(dimension))
    for (let i = 0; i < weights.length; i++) {
      const r = g(filterOffset(filter, i).map((k) => 2 * k - (width - 1)));
      const j = r.reduce((flat, x) => flat * width + (x + width - 1) / 2, 0);
      if (!Object.is(weights[j], weights[i])) return false;
    }
  return true;
}
