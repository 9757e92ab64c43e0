import { estimateRow, UsageError } from '@rsrg/core';
import type { Accumulator, McrgResult } from '@rsrg/mcrg';
import {
  type BinnedObservable,
  type CampaignFileContents,
  type EstimateRow,
  writeCampaignFile,
} from './campaign-file.js';

/**
 * The level-0 couplings as Carlo.jl-style binned observables, one per coupling name: the mean
 * of S⁽⁰⁾_α over each bin of `acc` (level 0 does not depend on the projector). The first even
 * coupling is the nearest-neighbour sum, the energy up to −K: the series behind τ_int.
 * `binLength` is the bins' common size, or the mean rounded down when they differ (by one
 * measurement at most within a chain); `counts` holds each bin's size.
 */
export function couplingObservables(
  acc: Accumulator,
  couplings: { readonly even: readonly string[]; readonly odd: readonly string[] },
): Record<string, BinnedObservable> {
  const names = [...couplings.even, ...couplings.odd];
  const m = acc.nEven + acc.nOdd;
  if (names.length !== m) throw new UsageError(`${names.length} coupling names for ${m} couplings`);
  const stride = (acc.levels + 1) * m;
  const counts = Array.from(acc.count);
  const total = counts.reduce((s, n) => s + n, 0);
  const binLength = counts.every((n) => n === counts[0]) ? counts[0] : Math.floor(total / acc.bins);
  const out: Record<string, BinnedObservable> = {};
  names.forEach((name, alpha) => {
    let key = name;
    for (let i = 2; Object.hasOwn(out, key); i++) key = `${name} (${i})`;
    const samples = Float64Array.from(counts, (n, k) => acc.sum[k * stride + alpha] / n);
    out[key] = { samples, binLength, counts };
  });
  return out;
}

/** Options of `writeResultH5`. */
export interface ResultH5Options {
  /** The run's parameters to record (default: the result's resolved configuration). */
  readonly parameters?: unknown;
  /** The chains the bins come from, in bin order (default: all of the run's, 0..chains−1). */
  readonly chains?: readonly number[];
  /** More binned observables, beside the level-0 couplings. */
  readonly observables?: Readonly<Record<string, BinnedObservable>>;
  /** More root attributes. */
  readonly attributes?: Readonly<Record<string, string | number>>;
  /** How the file is named in error messages (default: the path). */
  readonly label?: string;
}

/**
 * The campaign-file contents of an MCRG result and its bins (`accumulators`: one per
 * projector of the run, in order, as `sampleMcrg` returns them, or merged from shards).
 */
export function resultContents(
  result: McrgResult,
  accumulators: readonly Accumulator[],
  options: ResultH5Options = {},
): CampaignFileContents {
  if (accumulators.length !== result.projectors.length) {
    throw new UsageError(
      `${accumulators.length} accumulators for the ${result.projectors.length} projectors of the result`,
    );
  }
  const { config } = result;
  const chains = options.chains ?? Array.from({ length: config.chains }, (_, c) => c);
  const estimates = result.estimates.map((e) => estimateRow(e) as EstimateRow);
  return {
    parameters: options.parameters ?? config,
    seed: config.seed,
    versions: result.versions,
    chains,
    binsPerChain: config.binsPerChain,
    couplings: result.couplings,
    projectors: result.projectors.map((p, i) => ({
      label: p.label,
      id: p.id,
      options: p.options,
      accumulator: accumulators[i],
    })),
    lattices: result.lattices,
    estimates,
    observables: { ...couplingObservables(accumulators[0], result.couplings), ...options.observables },
    attributes: {
      model: result.model.id,
      rng: result.rng,
      samples: result.samples,
      tau_int: result.tauInt.value,
      tau_int_error: result.tauInt.error,
      ...options.attributes,
    },
  };
}

/**
 * Writes `result.h5` of an MCRG run (layout in docs/campaigns.md): the estimates of `result`,
 * the bins they came from, and the level-0 couplings as binned observables, atomically.
 * `accumulators` are the run's bins, one per projector in order (`sampleMcrg`'s, or the
 * merge of the shards'); reading the file back (`readCampaignFile`) gives them bit for bit.
 *
 * @example
 * const sample = await sampleMcrg(registry, config);
 * const result = await runMcrg(registry, config); // or analyze sample.accumulators
 * await writeResultH5('run/result.h5', result, sample.accumulators);
 */
export async function writeResultH5(
  path: string,
  result: McrgResult,
  accumulators: readonly Accumulator[],
  options: ResultH5Options = {},
): Promise<void> {
  await writeCampaignFile(path, resultContents(result, accumulators, options), {
    ...(options.label !== undefined && { label: options.label }),
  });
}
