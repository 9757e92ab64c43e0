import { type Registry, RNG_ALGORITHM } from '@rsrg/core';
import { sampleEnsembleChain } from '../chain.js';
import type { SamplingConfig, SamplingSetup } from '../config/types.js';
import { prepareSampling } from '../config/validate.js';
import type { Ensemble } from '../ensemble-file.js';
import { packageVersions } from '../package-versions.js';
import { allChains, runInThisThread, runInWorkers } from '../pool.js';
import type { ChainPhase, EnsembleChain } from '../protocol.js';
import type { McrgHooks } from './hooks.js';

/**
 * Samples and stores configurations: the chains of `runMcrg` with the same model, size,
 * coupling, sampler, interval, thermalize, seed, chains and samples, so `runMcrg` over the
 * ensemble measures exactly the configurations a sampling run would. Chains run on worker
 * threads when `workers` > 1; the ensemble does not depend on the worker count.
 *
 * @example
 * const ensemble = await sampleEnsemble(registry, {
 *   model: 'ising2d', size: 32, samples: 20_000, thermalize: 1000, seed: 1,
 * });
 * writeFileAtomic('ising2d-L32.rsrg', ensembleCodec.encode(ensemble));
 * // Later, any projector over the same configurations:
 * const result = await runMcrg(registry, { ensemble, projector: 'majority' });
 */
export async function sampleEnsemble(
  registry: Registry,
  config: SamplingConfig,
  hooks: McrgHooks = {},
): Promise<Ensemble> {
  const { signal, onProgress } = hooks;
  signal?.throwIfAborted();
  const setup = prepareSampling(registry, config);
  const { chains, thermalize, interval, samples, workers } = setup.config;
  const total = chains * thermalize + samples * interval;
  let done = 0;
  const tick = (moves: number, phase: ChainPhase) => {
    done += moves;
    onProgress?.({ done, total, phase });
  };
  const parts =
    workers === 1
      ? await runInThisThread(allChains(chains), (c, t) => sampleEnsembleChain(setup, c, t), tick, { signal })
      : await runInWorkers<EnsembleChain>(
          Math.min(workers, chains),
          allChains(chains),
          (chain, port) => ({
            task: { kind: 'sample', sources: registry.sources, config: setup.config, chain, port },
          }),
          tick,
          { signal },
        );
  if (done < total) onProgress?.({ done: total, total, phase: 'measure' });
  return ensembleOf(registry, setup, parts);
}

/**
 * The ensemble of a sampling run's chains, `parts` in chain order: their configurations one
 * after the other, under the header of `setup`'s configuration. `createdAt` (ISO 8601) is
 * now by default; a resumable run passes its plan's, so that every session writes the same file.
 */
export function ensembleOf(
  registry: Registry,
  setup: SamplingSetup,
  parts: readonly EnsembleChain[],
  createdAt = new Date().toISOString(),
): Ensemble {
  const packed = new Uint8Array(parts.reduce((s, p) => s + p.packed.length, 0));
  let offset = 0;
  for (const p of parts) {
    packed.set(p.packed, offset);
    offset += p.packed.length;
  }
  const c = setup.config;
  return {
    header: {
      model: c.model,
      // Only for models with options and q-state spins: Ising headers stay as they always were.
      ...(c.modelOptions !== undefined && { modelOptions: { ...c.modelOptions } }),
      ...(setup.model.spins?.kind === 'state' && { states: setup.model.spins.states }),
      size: c.size,
      sizes: [...setup.lattice.sizes],
      coupling: c.coupling,
      sampler: c.sampler,
      interval: c.interval,
      thermalize: c.thermalize,
      seed: c.seed,
      chains: c.chains,
      rng: RNG_ALGORITHM,
      versions: packageVersions(registry.sources),
      createdAt,
    },
    count: c.samples,
    volume: setup.lattice.volume,
    packed,
  };
}
