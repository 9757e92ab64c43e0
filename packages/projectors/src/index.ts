export { decimate, decimation, decimationProjector } from './decimation.js';
export {
  assertBlockSupport,
  blockSizeOption,
  blockSupport,
  checkBlockSize,
  majority,
  majorityProjector,
  majorityRule,
} from './majority.js';
export * from './models/index.js';
export { plugin, plugin as default } from './plugin.js';
export * from './rbm/index.js';
export { chungKao2019 } from './studies/chung-kao-2019.js';
export { ising3d16, ising3d32 } from './studies/ising3d.js';
export {
  WindowLayout,
  type WindowPlacement,
  WindowReader,
  WindowTable,
  windowFactors,
  windowFields,
  windowPatterns,
} from './window/index.js';
