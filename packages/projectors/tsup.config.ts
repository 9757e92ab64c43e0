import { defineConfig } from 'tsup';

export default defineConfig({
  // The slot workers of trainRbmParallel run dist/rbm-train-worker.js; trainer `rbm` runs
  // trainRbmParallel itself in dist/rbm-trainer.js.
  entry: {
    index: 'src/index.ts',
    'rbm-train-worker': 'src/rbm/parallel/slot-worker.ts',
    'rbm-trainer': 'src/rbm/trainer/thread.ts',
  },
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
  dts: false,
});
