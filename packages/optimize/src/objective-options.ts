import type { OptionSpec, ParsedOptions } from '@rsrg/core';

/** The options every trainer of the RG-convergence objective reads: which loss, and on what. */
export interface ObjectiveOptions {
  /** The sector whose L(θ) is minimized: 'even' (y_t) or 'odd' (y_h). */
  readonly sector: 'even' | 'odd';
  /** Weight μ of the lattice-size term. */
  readonly mu: number;
  /** Each squared difference divided by its squared error, (d/s)². */
  readonly weighted: boolean;
  /** N_c of the exponents (default: the whole coupling set). */
  readonly nc?: number;
  /** RG steps on the training lattice (default: coarsest side ≥ 4). */
  readonly levels?: number;
  /** RG steps on the second lattice (default: coarsest side ≥ 4). */
  readonly otherLevels?: number;
  /** Jackknife bins. */
  readonly bins: number;
  /** Block size b. */
  readonly blockSize: number;
  /** Path of an ensemble file of the same model at a second size (e.g. L/2), for the size term. */
  readonly other?: string;
  /** Model id of the configurations (default: the training data's). */
  readonly model?: string;
}

/** `readOptions` specs of `ObjectiveOptions`, with their defaults; a trainer adds its own beside them. */
export const OBJECTIVE_OPTION_SPECS = {
  sector: { kind: 'string', choices: ['even', 'odd'], default: 'even' },
  mu: { kind: 'number', min: 0, default: 1 },
  weighted: { kind: 'boolean', default: false },
  nc: { kind: 'integer', min: 1 },
  levels: { kind: 'integer', min: 1 },
  otherLevels: { kind: 'integer', min: 1 },
  bins: { kind: 'integer', min: 2, default: 32 },
  blockSize: { kind: 'integer', min: 2, default: 2 },
  other: { kind: 'string' },
  model: { kind: 'string' },
} as const satisfies Record<string, OptionSpec>;

/** The `ObjectiveOptions` of options read with `OBJECTIVE_OPTION_SPECS` (absent ones left out). */
export function objectiveOptions(o: ParsedOptions<typeof OBJECTIVE_OPTION_SPECS>): ObjectiveOptions {
  return {
    sector: o.sector as 'even' | 'odd',
    mu: o.mu,
    weighted: o.weighted,
    bins: o.bins,
    blockSize: o.blockSize,
    ...(o.nc !== undefined && { nc: o.nc }),
    ...(o.levels !== undefined && { levels: o.levels }),
    ...(o.otherLevels !== undefined && { otherLevels: o.otherLevels }),
    ...(o.other !== undefined && { other: o.other }),
    ...(o.model !== undefined && { model: o.model }),
  };
}
