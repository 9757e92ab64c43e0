import { defineConfig } from 'tsup';

export default defineConfig({
  // The slot workers of trainRbmParallel run dist/rbm-train-worker.js.
  entry: { index: 'src/index.ts', 'rbm-train-worker': 'src/rbm/parallel/slot-worker.ts' },
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
  dts: false,
});
