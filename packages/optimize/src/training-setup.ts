import {
  Lattice,
  Registry,
  readCodecFile,
  type TrainingData,
  type TrainingRun,
  UsageError,
} from '@rsrg/core';
import type { Ensemble } from '@rsrg/mcrg';
import type { RgConvergenceObjective } from './objective.js';
import type { ObjectiveOptions } from './objective-options.js';
import type { ObjectiveEvaluator } from './objective-threads.js';

/** What a trainer of the RG-convergence objective works with. */
export interface TrainingObjective {
  /** The objective over the run's configurations (and the second lattice's). */
  readonly objective: RgConvergenceObjective;
  /** How the trainer evaluates it: on the run's `workers` threads; the trainer must `close` it. */
  readonly evaluator: ObjectiveEvaluator;
  /** The model id. */
  readonly model: string;
  /** Names of the even and odd couplings, in N_c order, for the record. */
  readonly couplings: { readonly even: readonly string[]; readonly odd: readonly string[] };
  /** The second lattice's file, sizes, count and seed, for the record. */
  readonly other?: { file: string; sizes: readonly number[]; count: number; seed: unknown };
}

/** Spins for `n` values: shared (worker threads read them) or not. */
const spinArray = (n: number, shared: boolean) =>
  shared ? new Int8Array(new SharedArrayBuffer(n)) : new Int8Array(n);

/**
 * The RG-convergence objective of a training run: the model's couplings from the registry
 * rebuilt from the run's plugin modules, the second lattice's ensemble when given, the run's
 * seed as the seed of the common random numbers, evaluated on the run's `workers` threads
 * (the configurations then shared with them). `rule` names the block rule in the error for a
 * model with q-state spins; `signal` aborts a pending evaluation.
 */
export async function trainingObjective(
  trainer: string,
  rule: string,
  data: TrainingData,
  o: ObjectiveOptions,
  run: TrainingRun,
  signal?: AbortSignal,
): Promise<TrainingObjective> {
  const model = o.model ?? data.model;
  if (model === undefined)
    throw new UsageError(`trainer '${trainer}' needs the model of the data: give the option model`);
  if (run.sources.length === 0)
    throw new UsageError(
      `trainer '${trainer}' finds the model's couplings through the registry's plugin modules; none were given`,
    );
  const registry = await Registry.fromSources(run.sources);
  if (registry.models.get(model).spins?.kind === 'state') {
    throw new UsageError(
      `trainer '${trainer}' tunes ${rule}, which takes Ising ±1 spins; model '${model}' has q-state spins`,
    );
  }
  // The analyzer is loaded here, not with the plugin: registering the trainer stays light.
  const [
    { ensembleCodec, ensembleConfigurations, modelCouplings },
    { RgConvergenceObjective },
    { objectiveEvaluator, sharedConfigurations },
  ] = await Promise.all([import('@rsrg/mcrg'), import('./objective.js'), import('./objective-threads.js')]);
  const shared = run.workers > 1;
  const { even, odd, evenNames, oddNames } = modelCouplings(registry, model);
  let other: Ensemble | undefined;
  if (o.other !== undefined) {
    other = readCodecFile(o.other, ensembleCodec, { option: `trainer option other` }).value;
    if (other.header.model !== model)
      throw new UsageError(`the ensemble ${o.other} holds ${other.header.model}, not ${model}`);
  }
  const stored = { lattice: data.lattice, configurations: data.configurations, count: data.count };
  const objective = new RgConvergenceObjective(
    shared ? sharedConfigurations(stored) : stored,
    other && {
      lattice: new Lattice(other.header.sizes),
      configurations: ensembleConfigurations(
        other,
        0,
        other.count,
        spinArray(other.count * other.volume, shared),
      ),
      count: other.count,
    },
    {
      couplings: { even, odd },
      blockSize: o.blockSize,
      seed: run.seed,
      bins: o.bins,
      mu: o.mu,
      weighted: o.weighted,
      ...(o.nc !== undefined && { nc: o.nc }),
      ...(o.levels !== undefined && { levels: o.levels }),
      ...(o.otherLevels !== undefined && { otherLevels: o.otherLevels }),
    },
  );
  return {
    objective,
    evaluator: objectiveEvaluator(objective, Math.max(1, run.workers), signal),
    model,
    couplings: { even: evenNames, odd: oddNames },
    ...(other &&
      o.other !== undefined && {
        other: { file: o.other, sizes: other.header.sizes, count: other.count, seed: other.header.seed },
      }),
  };
}

/** Lets the event loop run (progress output, signals) between two steps of a trainer's loop. */
export const breathe = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
