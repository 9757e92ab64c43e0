import { Lattice, type TrainingData } from '@rsrg/core';
import { type Ensemble, ensembleConfigurations } from '@rsrg/mcrg';

/** How an ensemble was made, in one line (recorded as the training data's description). */
export function ensembleDescription(e: Ensemble): string {
  const h = e.header;
  return `${h.model} ${h.sizes.join('×')} at K = ${h.coupling}, sampler ${h.sampler}, interval ${h.interval}, thermalize ${h.thermalize}, seed ${h.seed}, ${e.count} configurations`;
}

/**
 * An ensemble's configurations unpacked for a trainer (±1 per site, one after the other), on a
 * SharedArrayBuffer when `shared`: a trainer's worker threads then read them without a copy.
 */
export function trainingData(
  e: Ensemble,
  description = ensembleDescription(e),
  shared = false,
): TrainingData {
  const lattice = new Lattice(e.header.sizes);
  const n = e.count * e.volume;
  const configurations = ensembleConfigurations(
    e,
    0,
    e.count,
    shared ? new Int8Array(new SharedArrayBuffer(n)) : new Int8Array(n),
  );
  return { lattice, configurations, count: e.count, description, model: e.header.model };
}
