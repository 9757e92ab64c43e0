import {
  assertTypedArrayLength,
  type Lattice,
  MAX_SITES,
  MAX_TYPED_ARRAY_LENGTH,
  type MemoryEstimate,
  UsageError,
} from '@rsrg/core';
import { TAU_SERIES_LENGTH } from '../chain.js';
import { bytesPerConfiguration } from '../packed-configurations.js';
import { chainSamples } from './partition.js';
import type { McrgSetup, SamplingSetup } from './types.js';

// What a run will allocate, estimated before it starts (see docs/cli.md, "Files and failures").

/**
 * Bytes per lattice site of one running chain, all levels included: spins, the sampler's
 * neighbour tables and work arrays (a WebAssembly sampler keeps its own copies), the compiled
 * couplings and the projector's tables. Measured for the default plugins (2D: 45-66, 3D: 61-88,
 * 1D: 34 bytes a site) and rounded up: base + per neighbour × coordination.
 */
export const CHAIN_BYTES_PER_SITE = {
  /** Bytes a site whatever the lattice: spins, work arrays, the first projector's levels. */
  base: 28,
  /** Bytes a site per neighbour (× the lattice's coordination): neighbour tables, couplings. */
  perNeighbour: 11,
} as const;
/** Each projector after the first: its own blocked levels and compiled couplings. */
const EXTRA_PROJECTOR_BYTES_PER_SITE = 8;
/** The process itself: node, the CLI and the default plugins. */
export const PROCESS_BYTES = 80 * 2 ** 20;
/** One worker thread: its isolate, the registry and the plugins it re-imports. */
export const WORKER_BYTES = 24 * 2 ** 20;

/** Chains that run at the same time: one per worker thread, one in this thread with one worker. */
export function concurrentChains(workers: number, chains: number): number {
  return workers <= 1 ? 1 : Math.min(workers, chains);
}

/** Bytes of one running chain's lattice state and tables (`projectors` blocking each configuration). */
export function chainStateBytes(lattice: Lattice, projectors = 1): number {
  const { base, perNeighbour } = CHAIN_BYTES_PER_SITE;
  const perSite =
    base + perNeighbour * lattice.coordination + EXTRA_PROJECTOR_BYTES_PER_SITE * Math.max(0, projectors - 1);
  return lattice.volume * perSite;
}

/** Elements of one accumulator (count, sum, sumSq, sumCross) with `bins` bins. */
export function accumulatorLength(levels: number, couplings: number, bins: number): number {
  const m = couplings;
  return bins * (1 + (levels + 1) * m + (levels + 1) * m * m + levels * m * m);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function detail(lattice: Lattice, running: number, extra = ''): string {
  return `${lattice.label} lattice, ${plural(running, 'chain')} at a time${extra}`;
}

/**
 * The memory an MCRG run (`runMcrg`) needs at its peak: the process and its worker threads,
 * every running chain's lattice state (`chainStateBytes`), energy series and bins, the merged
 * bins of all chains, and over an ensemble its configurations (held about three times: the
 * decoded file, the selection and the chunks sent to the workers). `workers` overrides the
 * setup's (as capped by the caller).
 *
 * @example
 * const setup = await prepareMcrg(registry, config);
 * assertMemoryFits(estimateMcrgMemory(setup, { ensembleBytes: ensemble.packed.length }), memoryLimit());
 */
export function estimateMcrgMemory(
  setup: McrgSetup,
  options: { readonly workers?: number; readonly ensembleBytes?: number } = {},
): MemoryEstimate {
  const { chains, samples, levels, binsPerChain } = setup.config;
  const workers = options.workers ?? setup.config.workers;
  const running = concurrentChains(workers, chains);
  const projectors = setup.projectors.length;
  const m = setup.couplings.even.length + setup.couplings.odd.length;
  const perChainSamples = chainSamples(samples, chains, 0);
  const accumulator = 8 * projectors * accumulatorLength(levels, m, binsPerChain);
  const chain =
    chainStateBytes(setup.lattice, projectors) +
    8 * Math.min(perChainSamples, TAU_SERIES_LENGTH) +
    accumulator;
  const ensembleBytes = options.ensembleBytes ?? 0;
  const chunk = ensembleBytes === 0 ? 0 : Math.ceil(ensembleBytes / chains);
  const bytes =
    PROCESS_BYTES +
    (workers <= 1 ? 0 : running * WORKER_BYTES) +
    running * (chain + chunk) +
    // Every chain's bins as they come back, and the merged copy.
    2 * chains * accumulator +
    3 * ensembleBytes;
  return { bytes, detail: detail(setup.lattice, running, `, ${plural(levels, 'level')}`) };
}

/**
 * The memory `sampleEnsemble` needs at its peak: the process and its workers, every running
 * chain's lattice state and its packed configurations, and the ensemble about three times
 * (the chains' parts, the joined configurations, the encoded file). A `checkpointed` run
 * (`rsrg sample --run-dir`) holds it twice more: the checkpoint's copy of every configuration
 * kept so far, and the encoded checkpoint.
 */
export function estimateSamplingMemory(
  setup: SamplingSetup,
  options: { readonly workers?: number; readonly checkpointed?: boolean } = {},
): MemoryEstimate {
  const { chains, samples } = setup.config;
  const workers = options.workers ?? setup.config.workers;
  const running = concurrentChains(workers, chains);
  const ensemble = ensembleBytes(setup);
  const perChain =
    chainSamples(samples, chains, 0) * bytesPerConfiguration(setup.lattice.volume, setup.model.spins);
  const bytes =
    PROCESS_BYTES +
    (workers <= 1 ? 0 : running * WORKER_BYTES) +
    running * (chainStateBytes(setup.lattice) + perChain) +
    (options.checkpointed ? 5 : 3) * ensemble;
  return {
    bytes,
    detail: detail(
      setup.lattice,
      running,
      `, ${plural(samples, 'configuration')} of ${bytesPerConfiguration(setup.lattice.volume, setup.model.spins)} bytes`,
    ),
  };
}

/** Bytes of the configurations an ensemble of this sampling setup holds (bit-packed). */
export function ensembleBytes(setup: SamplingSetup): number {
  return setup.config.samples * bytesPerConfiguration(setup.lattice.volume, setup.model.spins);
}

/**
 * Refuses a lattice (or an ensemble, or bins) larger than one typed array can hold, before
 * anything is allocated: a UsageError saying which limit, instead of V8's "Invalid typed
 * array length" or an index that wraps around in the middle of a run.
 */
export function assertRunArraysFit(setup: SamplingSetup | McrgSetup, kind: 'sample' | 'mcrg'): void {
  const { lattice } = setup;
  const volume = lattice.volume;
  if (volume > MAX_SITES) {
    throw new UsageError(
      `the ${lattice.label} lattice has ${volume} sites, more than the ${MAX_SITES} (2^31 − 1) a chain can index: use a smaller size`,
    );
  }
  assertTypedArrayLength(
    volume * lattice.coordination,
    `the neighbour table of the ${lattice.label} lattice`,
    'use a smaller size',
  );
  if (kind === 'sample') {
    // The whole ensemble is one array, and one msgpack binary field of at most 2^32 − 1 bytes.
    const bytes = ensembleBytes(setup);
    const limit = Math.min(MAX_TYPED_ARRAY_LENGTH, 2 ** 32 - 1) - 2 ** 20;
    if (bytes > limit) {
      throw new UsageError(
        `an ensemble of ${setup.config.samples} configurations of the ${lattice.label} lattice holds ${bytes} bytes, more than one ensemble file can (${limit}): sample fewer configurations, or several ensembles with different seeds`,
      );
    }
    return;
  }
  const mcrg = setup as McrgSetup;
  const { levels, binsPerChain, chains } = mcrg.config;
  const m = mcrg.couplings.even.length + mcrg.couplings.odd.length;
  // The largest array of the merged bins: the second moments, bins × (levels + 1) × m².
  assertTypedArrayLength(
    binsPerChain * chains * (levels + 1) * m * m,
    `the bins of ${chains} chains × ${binsPerChain} bins`,
    'ask for fewer bins or chains',
  );
}
