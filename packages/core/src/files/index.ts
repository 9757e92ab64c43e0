export {
  type AtomicWriteOptions,
  type AtomicWriterOptions,
  writeFileAtomic,
  writeFileAtomicWith,
} from './atomic-write.js';
export {
  type CheckpointFile,
  type CheckpointFileStoreOptions,
  type CheckpointStore,
  checkpointFileList,
  checkpointFileStore,
  storedStage,
} from './checkpoint-files.js';
export {
  type CheckedJson,
  checksummedJson,
  JSON_CHECKSUM_FIELD,
  parseChecksummedJson,
  readChecksummedJson,
} from './checksummed-json.js';
export { assertDistinctPaths, type NamedPath } from './distinct-paths.js';
export { type ReadCheckedOptions, readCodecFile, readFileChecked } from './read-checked.js';
export { describeSystemError } from './system-error.js';
