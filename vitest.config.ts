import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests import the TypeScript sources; worker threads and the CLI binary use the built dist.
export default defineConfig({
  resolve: {
    alias: {
      '@rsrg/core': src('core'),
      '@rsrg/models': src('models'),
      '@rsrg/samplers': src('samplers'),
      '@rsrg/projectors': src('projectors'),
      '@rsrg/mcrg': src('mcrg'),
      '@rsrg/campaigns': src('campaigns'),
      '@rsrg/studies': src('studies'),
      '@rsrg/optimize': src('optimize'),
      '@rsrg/cli': src('cli'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
