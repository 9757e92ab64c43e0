export * from './ising/index.js';
export { plugin, plugin as default } from './plugin.js';
export * from './potts/index.js';
export * from './studies/index.js';
