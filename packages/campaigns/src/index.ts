/**
 * @rsrg/campaigns: runs that survive kills and spread over a cluster. Run directories with a
 * stored plan and checksummed checkpoints, shards of chains and their merge, Slurm job arrays,
 * and HDF5 / .npy output for Python (docs/campaigns.md).
 */
export const CAMPAIGN_FORMAT_VERSION = 1;

export * from './run/index.js';
