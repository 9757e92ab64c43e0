/**
 * @rsrg/campaigns: runs that survive kills and spread over a cluster. Run directories with a
 * stored plan and checksummed checkpoints, shards of chains and their merge, Slurm job arrays,
 * and HDF5 / .npy output for Python (docs/campaigns.md).
 */
export const CAMPAIGN_FORMAT_VERSION = 1;

export {
  type ExportFormat,
  type ExportOptions,
  type ExportSummary,
  ensembleMetadata,
  exportEnsemble,
} from './export-ensemble.js';
export { type AtomicOutputOptions, writeAtomically } from './files/atomic-output.js';
export {
  type BinnedObservable,
  type CampaignFile,
  type CampaignFileContents,
  type CampaignProjector,
  type EstimateRow,
  H5_FORMAT,
  H5_LAYOUT_VERSION,
  projectorGroupPath,
  readCampaignFile,
  readShard,
  writeCampaignFile,
} from './hdf5/campaign-file.js';
export { loadH5wasm } from './hdf5/h5wasm.js';
export {
  couplingObservables,
  type ResultH5Options,
  resultContents,
  writeResultH5,
} from './hdf5/result-file.js';
export { decodeNpy, encodeNpy, type NpyDtype, npyData, npyHeader, writeNpy } from './npy.js';
// Run directories: the plan, checkpoints, resumable runs, shards and their merge.
export * from './run/index.js';
// Slurm: the job-array and merge scripts of `rsrg submit`, their submission and the wait.
export * from './scheduler/index.js';
