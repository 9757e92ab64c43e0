import { defineConfig } from 'tsup';

export default defineConfig({
  // `plugin`: what every run loads (the trainer's registration), without the analyzer.
  // `objective-worker`: the threads that sum the objective's bins (`ObjectiveThreads`).
  entry: { index: 'src/index.ts', plugin: 'src/plugin.ts', 'objective-worker': 'src/objective-worker.ts' },
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
  dts: false,
});
