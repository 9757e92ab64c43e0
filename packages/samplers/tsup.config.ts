import { defineConfig } from 'tsup';

export default defineConfig({
  // src/potts/index.ts as its own entry too: bench/run.mjs loads the Potts kernels from
  // dist/potts/index.js while the package index does not re-export them.
  entry: ['src/index.ts', 'src/potts/index.ts'],
  format: ['esm'],
  // No shared chunk: dist/index.js stays one self-contained file, as before.
  splitting: false,
  target: 'node20',
  sourcemap: true,
  clean: true,
  dts: false,
});
