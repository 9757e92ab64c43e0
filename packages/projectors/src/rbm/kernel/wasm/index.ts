import type { RbmKernel } from '../types.js';
import { WasmContrastiveDivergence } from './contrastive-divergence.js';
import { WasmHiddenUnits } from './hidden-units.js';

/**
 * The `wasm` RBM kernel: asm/rbm.ts compiled to WebAssembly, the fast default; the host lays
 * out its memory and builds its lookup tables (./memory.ts).
 */
export const wasmKernel: RbmKernel = Object.freeze<RbmKernel>({
  id: 'wasm',
  contrastiveDivergence: (layout, cdSteps) => new WasmContrastiveDivergence(layout, cdSteps),
  hiddenUnits: (layout, W) => new WasmHiddenUnits(layout, W),
});

export { WasmContrastiveDivergence, WasmHiddenUnits };
