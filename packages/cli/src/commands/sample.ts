import { resolve } from 'node:path';
import { UsageError } from '@rsrg/core';
import type { SamplingConfig } from '@rsrg/mcrg';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { prepareOutFile, writeOutFile } from '../files.js';
import { toJson } from '../format/json.js';
import { integerAtLeast, positiveSeconds } from '../options.js';
import { renderSample, sampleJson } from '../render/sample.js';
import {
  addResourceOptions,
  addSamplingOptions,
  chooseWorkers,
  guardMemory,
  type ResourceOptions,
  SAMPLE_DEFAULTS,
  type SamplingOptions,
  sampleWithProgress,
  samplingConfig,
} from '../sampling.js';

interface SampleOptions extends SamplingOptions, ResourceOptions {
  model: string;
  size: number;
  samples: number;
  seed: number;
  workers?: number;
  out?: string;
  json?: boolean;
  runDir?: string;
  checkpointEvery: number;
  planOnly?: boolean;
}

/**
 * The options of `rsrg sample` that make up its configuration (checked against a run
 * directory's plan); `--model-option` too, as the configuration's `modelOptions`.
 */
const CONFIG_OPTIONS = [
  'model',
  'size',
  'coupling',
  'sampler',
  'samples',
  'thermalize',
  'interval',
  'chains',
  'seed',
] as const;

/** `rsrg sample`: Monte Carlo configurations of a model, stored as an ensemble file. */
export function sampleCommand(program: Command, ctx: CommandContext): Command {
  const command = program
    .command('sample')
    .description(
      'sample configurations of a model and store them as an ensemble file (for rsrg train and rsrg mcrg --ensemble)',
    );
  addSamplingOptions(command, true);
  command
    .addOption(
      new Option('--seed <n>', 'master seed; chain c samples with random stream 2c of it')
        .argParser(integerAtLeast('--seed', 0))
        .default(SAMPLE_DEFAULTS.seed),
    )
    .addOption(
      new Option(
        '--workers <n>',
        'worker threads (default: the available cores); never changes the configurations',
      ).argParser(integerAtLeast('--workers', 1)),
    )
    .addOption(
      new Option('--out <file>', 'the ensemble file to write (whole or not at all); optional with --run-dir'),
    )
    .addOption(
      new Option(
        '--run-dir <dir>',
        'run in this directory: write its plan (or check it), checkpoint, resume after a stop; it ends with ensemble.rsrg, result.json and result.h5',
      ),
    )
    .addOption(
      new Option('--checkpoint-every <seconds>', 'with --run-dir: seconds between checkpoints')
        .argParser(positiveSeconds('--checkpoint-every'))
        .default(60),
    )
    .addOption(new Option('--plan-only', 'with --run-dir: write the plan and stop'))
    .addOption(new Option('--json', 'print one JSON object instead of text'));
  return addResourceOptions(command).action(async (opts: SampleOptions, cmd: Command) => {
    const { io } = ctx;
    if (opts.runDir === undefined) {
      if (cmd.getOptionValueSource('checkpointEvery') === 'cli')
        throw new UsageError('--checkpoint-every needs --run-dir');
      if (opts.planOnly) throw new UsageError('--plan-only needs --run-dir');
      if (opts.out === undefined) throw new UsageError("required option '--out <file>' not specified");
    }
    const out = opts.out === undefined ? undefined : prepareOutFile(resolve(io.cwd, opts.out), '--out');
    const registry = await ctx.registry();
    const started = performance.now();
    const { assertRunArraysFit, ensembleCodec, estimateSamplingMemory, prepareSampling } = await import(
      '@rsrg/mcrg'
    );
    // Checked before anything is allocated: the configuration, the worker threads, the memory.
    const config = samplingConfig(opts, opts.seed, 1);
    const setup = prepareSampling(registry, config);
    const workers = chooseWorkers(io, opts.workers, setup.config.chains, opts.forceWorkers);
    guardMemory(
      estimateSamplingMemory(setup, { workers, checkpointed: opts.runDir !== undefined }),
      opts.maxMemory,
      'use a smaller --size, fewer --samples or --workers, or set --max-memory',
    );
    assertRunArraysFit(setup, 'sample');
    io.signal?.throwIfAborted();
    if (opts.runDir !== undefined) {
      const { workers: _, ...planned } = config;
      const typed = Object.fromEntries(
        CONFIG_OPTIONS.filter((k) => cmd.getOptionValueSource(k) === 'cli').map((k) => [k, opts[k]]),
      ) as Partial<SamplingConfig>;
      if (cmd.getOptionValueSource('modelOption') === 'cli')
        Object.assign(typed, { modelOptions: opts.modelOption });
      // Loaded here, not at start-up: the campaign layer is only for run directories.
      const { sampleInRunDir } = await import('../sample-run-dir.js');
      await sampleInRunDir(ctx, registry, {
        runDir: resolve(io.cwd, opts.runDir),
        config: planned,
        typed,
        checkpointEvery: opts.checkpointEvery,
        planOnly: opts.planOnly === true,
        workers,
        out,
        asJson: opts.json === true,
      });
      return;
    }
    const ensemble = await sampleWithProgress(ctx, registry, { ...config, workers });
    io.signal?.throwIfAborted();
    const bytes = ensembleCodec.encode(ensemble);
    writeOutFile(out!, bytes);
    const wallSeconds = (performance.now() - started) / 1000;
    io.stdout(
      opts.json
        ? toJson(sampleJson(ensemble, out!, bytes.length, wallSeconds, ctx.version))
        : renderSample(ensemble, out!, bytes.length, wallSeconds),
    );
  });
}
