import type { McrgConfig, McrgResult } from '@rsrg/mcrg';

/** A small run: 8×8 Ising, 8 chains, two projectors (majority draws from the projecting stream). */
export const config: McrgConfig = {
  model: 'ising2d',
  size: 8,
  samples: 8 * 150 + 5,
  thermalize: 60,
  interval: 2,
  chains: 8,
  binsPerChain: 4,
  seed: 31,
  projectors: [{ id: 'majority' }, { id: 'decimation', label: 'corner' }],
  workers: 1,
};

/** Everything but timing and the worker count. */
export function reproducible(r: McrgResult) {
  const {
    wallSeconds: _,
    config: { workers: __, ...rest },
    ...others
  } = r;
  return { ...others, config: rest };
}
