/**
 * A slot worker of `trainRbmParallel` (built to dist/rbm-train-worker.js): for every minibatch
 * it claims and runs slots with a `SlotRunner`, beside the trainer's thread and the other
 * workers, until none is left, then stamps the generation as finished.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Lattice, RsrgError } from '@rsrg/core';
import { rbmKernel } from '../kernel/index.js';
import { RbmLayout } from '../layout.js';
import { Command, Control, SharedStep, type SlotWorkerMessage, type SlotWorkerSetup } from './shared-step.js';
import { SlotRunner } from './slot-runner.js';

const post = (m: SlotWorkerMessage) => parentPort?.postMessage(m);

/** Longest idle wait before the generation is read again (a safety net for a missed wakeup). */
const IDLE_MS = 100;

function serve(setup: SlotWorkerSetup): void {
  const lattice = new Lattice(setup.sizes);
  const layout = new RbmLayout(lattice, {
    dimension: lattice.dimension,
    width: setup.width,
    blockSize: setup.blockSize,
  });
  const step = new SharedStep(setup.shape, setup.step);
  const runner = new SlotRunner(
    rbmKernel(setup.kernel).contrastiveDivergence(layout, setup.cdSteps),
    step,
    new Int8Array(setup.configs),
  );
  const { control, finished } = step;

  post({ kind: 'ready' });
  let seen = 0;
  for (;;) {
    // Blocks until the trainer bumps the generation; a wakeup alone proves nothing, the value does.
    let generation = Atomics.load(control, Control.generation);
    while (generation === seen) {
      Atomics.wait(control, Control.generation, seen, IDLE_MS);
      generation = Atomics.load(control, Control.generation);
    }
    seen = generation;
    if (Atomics.load(control, Control.command) === Command.stop) return;
    const batch = control[Control.batch];
    let s = runner.claim();
    if (s < batch) runner.load();
    for (; s < batch; s = runner.claim()) {
      runner.run(s, seen);
      // The trainer may be waiting for this slot, to add it to the sum.
      Atomics.add(control, Control.progress, 1);
      Atomics.notify(control, Control.progress);
    }
    // No more claims in this generation: the trainer may start the next one.
    Atomics.store(finished, setup.index, seen);
    Atomics.add(control, Control.progress, 1);
    Atomics.notify(control, Control.progress);
  }
}

try {
  serve(workerData as SlotWorkerSetup);
} catch (err) {
  post({ kind: 'error', error: RsrgError.toPlain(err) });
  const setup = workerData as SlotWorkerSetup;
  const control = new Int32Array(setup.step, 0, Control.failed + 1);
  Atomics.store(control, Control.failed, 1 + setup.index);
  Atomics.notify(control, Control.progress);
}
