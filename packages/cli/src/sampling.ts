import {
  assertMemoryFits,
  capWorkers,
  defaultWorkerCount,
  type MemoryEstimate,
  memoryLimit,
  type Registry,
} from '@rsrg/core';
import type { Ensemble, SamplingConfig } from '@rsrg/mcrg';
import { type Command, Option } from 'commander';
import type { CommandContext } from './context.js';
import type { CliIo } from './io.js';
import { byteSize, integerAtLeast, keyValue, real } from './options.js';
import { progressBar } from './progress.js';

// The sampling options and their use, shared by `rsrg sample` and `rsrg train`.

/** Options of `rsrg sample` that describe the chains (shared with `rsrg train`). */
export interface SamplingOptions {
  model?: string;
  size?: number;
  coupling?: number;
  sampler?: string;
  samples?: number;
  thermalize: number;
  interval?: number;
  chains?: number;
  modelOption?: Record<string, string>;
}

export const SAMPLE_DEFAULTS = { thermalize: 1000, seed: 1 } as const;

/** Adds the sampling options (model and its options, size, coupling, sampler, samples, thermalize, interval, chains). */
export function addSamplingOptions(command: Command, required: boolean): Command {
  const opt = (flags: string, description: string, parse?: (text: string) => unknown) => {
    const o = new Option(flags, description);
    return parse ? o.argParser(parse) : o;
  };
  const must = (o: Option) => (required ? o.makeOptionMandatory() : o);
  return command
    .addOption(must(opt('--model <id>', 'model to simulate (see rsrg list)')))
    .addOption(must(opt('--size <L>', 'linear lattice size', integerAtLeast('--size', 1))))
    .addOption(
      opt(
        '--coupling <K>',
        "coupling K of the model's Hamiltonian (default: the model's default coupling, normally its K_c)",
        real('--coupling'),
      ),
    )
    .addOption(opt('--sampler <id>', "Monte Carlo sampler (default: the model's)"))
    .addOption(
      must(opt('--samples <n>', 'configurations to keep, over all chains', integerAtLeast('--samples', 1))),
    )
    .addOption(
      opt(
        '--thermalize <n>',
        'sampler moves per chain before the first kept configuration',
        integerAtLeast('--thermalize', 0),
      ).default(SAMPLE_DEFAULTS.thermalize),
    )
    .addOption(
      opt(
        '--interval <n>',
        "sampler moves between kept configurations (default: the model's)",
        integerAtLeast('--interval', 1),
      ),
    )
    .addOption(opt('--chains <n>', 'independent Markov chains (default: 8)', integerAtLeast('--chains', 1)))
    .addOption(
      opt(
        '--model-option <key=value>',
        'an option of the model, e.g. q=3 for the Potts model (repeatable)',
        keyValue('--model-option'),
      ),
    );
}

/** The sampling configuration of parsed options. */
export function samplingConfig(
  o: SamplingOptions & { model: string; size: number; samples: number },
  seed: number,
  workers: number,
): SamplingConfig {
  return {
    model: o.model,
    size: o.size,
    samples: o.samples,
    thermalize: o.thermalize,
    seed,
    workers,
    ...(o.coupling !== undefined && { coupling: o.coupling }),
    ...(o.sampler !== undefined && { sampler: o.sampler }),
    ...(o.interval !== undefined && { interval: o.interval }),
    ...(o.chains !== undefined && { chains: o.chains }),
    ...(o.modelOption !== undefined && { modelOptions: o.modelOption }),
  };
}

/** Samples an ensemble with a progress bar on the terminal. */
export async function sampleWithProgress(
  ctx: CommandContext,
  registry: Registry,
  config: SamplingConfig,
  label = 'sample',
): Promise<Ensemble> {
  const { sampleEnsemble } = await import('@rsrg/mcrg');
  const progress = progressBar(ctx.io);
  try {
    return await sampleEnsemble(registry, config, {
      onProgress: (p) => progress.update({ ...p, phase: `${label} ${p.phase}` }),
      signal: ctx.io.signal,
    });
  } finally {
    progress.stop();
  }
}

/** Header fields of an ensemble for people. */
export function ensembleFields(e: Ensemble): [string, string][] {
  const h = e.header;
  const options = Object.entries(h.modelOptions ?? {}).map(([k, v]) => `${k} = ${v}`);
  return [
    ['model', options.length ? `${h.model} (${options.join(', ')})` : h.model],
    ['lattice', h.sizes.join('×')],
    ['K', String(h.coupling)],
    ['sampler', h.sampler],
    ['configurations', `${e.count} in ${h.chains} chains`],
    ['thermalize', `${h.thermalize} moves per chain`],
    ['interval', `${h.interval} moves per configuration`],
    ['seed', `${h.seed} (${h.rng})`],
  ];
}

/** The resource options of a command that runs chains (`--max-memory`, `--force-workers`). */
export interface ResourceOptions {
  maxMemory?: number;
  forceWorkers?: boolean;
}

/** Adds `--max-memory <size>` and `--force-workers` (see `guardMemory` and `chooseWorkers`). */
export function addResourceOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--max-memory <size>',
        "refuse a run estimated to need more memory than this, e.g. 4G or 512M (default: the machine's memory)",
      ).argParser(byteSize('--max-memory')),
    )
    .addOption(
      new Option(
        '--force-workers',
        'run as many worker threads as --workers says, even more than the cores or the chains',
      ),
    );
}

/**
 * The worker threads to run `chains` chains with: `requested` (default: the cores), capped at
 * the chains and the cores unless `force` (core's `capWorkers`). When a number the user gave
 * is reduced, one line on stderr says so:
 * "rsrg: note: 256 workers asked for, 8 cores: using 8 (--force-workers to insist)".
 */
export function chooseWorkers(
  io: CliIo,
  requested: number | undefined,
  chains: number,
  force = false,
): number {
  const choice = capWorkers({
    requested: requested ?? defaultWorkerCount(),
    chains,
    cores: defaultWorkerCount(),
    force,
  });
  if (choice.reduced && requested !== undefined) {
    io.stderr(`rsrg: note: ${choice.reduced} (--force-workers to insist)\n`);
  }
  return choice.workers;
}

/**
 * Refuses, before anything is allocated, a run whose estimate exceeds the memory available
 * (or `--max-memory`): a usage error in one line with the estimate, the limit and `hint`.
 */
export function guardMemory(
  estimate: MemoryEstimate,
  maxMemory: number | undefined,
  hint = 'use a smaller --size or fewer --workers, or set --max-memory',
): void {
  const limit = memoryLimit(
    maxMemory === undefined ? undefined : { bytes: maxMemory, source: '--max-memory' },
  );
  assertMemoryFits(estimate, limit, hint);
}
