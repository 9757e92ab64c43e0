import { allUp, Lattice, Registry, Rng } from '@rsrg/core';
import { modelCouplings } from '@rsrg/mcrg';
import { plugin as models } from '@rsrg/models';
import { wolff } from '@rsrg/samplers';
import type { StoredConfigurations } from '../src/index.js';

/** The registry of the models, for their couplings. */
export const registry = new Registry().use(models);

/** Even and odd couplings of a model. */
export function couplingsOf(model: string) {
  const { even, odd } = modelCouplings(registry, model);
  return { even, odd };
}

/**
 * `count` configurations of the model on side L at K_c, `interval` Wolff flips apart after
 * 500 flips of thermalization, from stream 0 of `seed`: a fixed, in-process ensemble.
 */
export function sampleCritical(
  model: string,
  L: number,
  count: number,
  seed: number,
  interval = 5,
): StoredConfigurations {
  const m = registry.models.get(model);
  const lattice: Lattice = m.lattice(L);
  const kernel = wolff.create(lattice, m.hamiltonian(m.criticalCoupling as number));
  const state = { spins: allUp(lattice), rng: Rng.stream(seed, 0), moves: 0 };
  for (let i = 0; i < 500; i++) kernel.step(state);
  const configurations = new Int8Array(count * lattice.volume);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < interval; k++) kernel.step(state);
    configurations.set(state.spins, i * lattice.volume);
  }
  return { lattice: new Lattice(lattice.sizes), configurations, count };
}
