export { decimate, decimation, decimationProjector } from './decimation.js';
export {
  assertBlockSupport,
  blockSizeOption,
  blockSupport,
  majority,
  majorityProjector,
  majorityRule,
} from './majority.js';
export { plugin, plugin as default } from './plugin.js';
export * from './rbm/index.js';
