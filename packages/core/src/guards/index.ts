export {
  assertMemoryFits,
  assertTypedArrayLength,
  capWorkers,
  formatBytes,
  MAX_SITES,
  MAX_TYPED_ARRAY_LENGTH,
  type MemoryEstimate,
  type MemoryLimit,
  memoryLimit,
  parseByteSize,
  type WorkerChoice,
} from './resources.js';
