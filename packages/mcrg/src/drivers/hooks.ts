import type { ChainPhase } from '../protocol.js';

/**
 * Progress over all chains, in sampler moves (in configurations when measuring an
 * ensemble); `phase` is that of the chain that reported last.
 */
export interface McrgProgress {
  /** Moves (or configurations) done so far, over all chains. */
  readonly done: number;
  /** Moves (or configurations) of the whole run: `done` reaches it at the end. */
  readonly total: number;
  /** 'thermalize' or 'measure': what the reporting chain was doing. */
  readonly phase: ChainPhase;
}

/** Optional observers of a run (of `runMcrg`, `sampleMcrg` and `sampleEnsemble`). */
export interface McrgHooks {
  /** Called about every 1% of each chain's moves. */
  readonly onProgress?: (progress: McrgProgress) => void;
  /** Aborts the run: the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}
