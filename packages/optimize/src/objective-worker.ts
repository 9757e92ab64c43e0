/**
 * A worker thread of `ObjectiveThreads` (built to dist/objective-worker.js): owns the bins
 * `first`..`end` − 1 of the objective it was started with, and for every request rebuilds the
 * block rule from its data and sums its bins on both lattices (and the exponent gradients' sums
 * when asked). The configurations are shared, not copied; the level-0 sums of its bins are
 * cached here, on the first request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Lattice, RsrgError } from '@rsrg/core';
import { accumulatorBuffers } from '@rsrg/mcrg';
import { linearFieldFromData, projectorFromData } from './linear-field.js';
import { RgConvergenceObjective } from './objective.js';
import type {
  ObjectiveReply,
  ObjectiveRequest,
  ObjectiveWorkerSetup,
  SharedConfigurations,
} from './objective-protocol.js';
import type { StoredConfigurations } from './reblocking.js';

const setup = workerData as ObjectiveWorkerSetup;
const stored = (s: SharedConfigurations): StoredConfigurations => ({
  lattice: new Lattice(s.sizes),
  configurations: s.configurations,
  count: s.count,
});
// The objective made as the main thread made it: the same bins, streams and levels.
const objective = new RgConvergenceObjective(
  stored(setup.main),
  setup.other && stored(setup.other),
  setup.options,
);
const { first, end } = setup;

function sums(request: ObjectiveRequest): { reply: ObjectiveReply; transfer: ArrayBuffer[] } {
  const projector = projectorFromData(request.rule);
  const main = objective.main.accumulateBins(projector, first, end);
  const other = objective.other?.accumulateBins(projector, first, end);
  const transfer = [...accumulatorBuffers(main), ...(other ? accumulatorBuffers(other) : [])];
  let gradients: { main: Float64Array[]; other?: Float64Array[] } | undefined;
  if (request.gradient !== undefined) {
    const rule = linearFieldFromData(request.rule);
    const g = objective.exponentGradients('main', request.gradient).sumBins(rule, first, end);
    const h =
      objective.other && objective.exponentGradients('other', request.gradient).sumBins(rule, first, end);
    gradients = { main: g, ...(h && { other: h }) };
    for (const t of [...g, ...(h ?? [])]) transfer.push(t.buffer as ArrayBuffer);
  }
  return {
    reply: { kind: 'sums', id: request.id, main, ...(other && { other }), ...(gradients && { gradients }) },
    transfer,
  };
}

parentPort?.on('message', (request: ObjectiveRequest) => {
  try {
    const { reply, transfer } = sums(request);
    parentPort?.postMessage(reply, transfer);
  } catch (err) {
    parentPort?.postMessage({
      kind: 'error',
      id: request.id,
      error: RsrgError.toPlain(err),
    } satisfies ObjectiveReply);
  }
});
