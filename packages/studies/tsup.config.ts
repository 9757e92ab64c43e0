import { defineConfig } from 'tsup';

export default defineConfig({
  // The y_t evaluations during training run in dist/evaluate-worker.js.
  entry: { index: 'src/index.ts', 'evaluate-worker': 'src/evaluate-worker.ts' },
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
  dts: false,
});
