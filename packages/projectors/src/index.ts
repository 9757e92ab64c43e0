export { decimate, decimation, decimationProjector } from './decimation.js';
export {
  assertBlockSupport,
  blockSizeOption,
  blockSupport,
  checkBlockSize,
  majority,
  majorityProjector,
  majorityRule,
  pluralityRule,
} from './majority.js';
export { plugin, plugin as default } from './plugin.js';
export * from './rbm/index.js';
export * from './stochastic-majority/index.js';
export {
  WindowLayout,
  type WindowPlacement,
  WindowReader,
  WindowTable,
  windowFactors,
  windowFields,
  windowPatterns,
} from './window/index.js';
