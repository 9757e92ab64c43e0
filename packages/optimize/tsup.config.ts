import { defineConfig } from 'tsup';

export default defineConfig({
  // `plugin`: what every run loads (the trainer's registration), without the analyzer.
  entry: { index: 'src/index.ts', plugin: 'src/plugin.ts' },
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
  dts: false,
});
