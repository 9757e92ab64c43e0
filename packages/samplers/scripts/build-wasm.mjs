#!/usr/bin/env node
/**
 * This package's WebAssembly kernels, built by the shared scripts/build-wasm.mjs (see there).
 *
 * usage: node scripts/build-wasm.mjs [--force | --check]
 */
import { wasmBuild } from '../../../scripts/build-wasm.mjs';

export const { WASM_MODULES, ascVersion, inputsHash, recordedHash, main } = wasmBuild(import.meta.url, [
  { name: 'wolff', source: 'asm/wolff.ts', generated: 'src/wasm/wolff-module.generated.ts' },
  {
    name: 'potts',
    source: 'asm/potts-wolff.ts',
    generated: 'src/potts/wasm/potts-wolff-module.generated.ts',
  },
]);

main(import.meta.url);
