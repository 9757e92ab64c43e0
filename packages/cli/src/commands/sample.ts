import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { prepareOutFile, writeOutFile } from '../files.js';
import { jsonHead, toJson } from '../format/json.js';
import { renderFields } from '../format/table.js';
import { integerAtLeast, keyValue } from '../options.js';
import {
  addResourceOptions,
  addSamplingOptions,
  chooseWorkers,
  ensembleFields,
  guardMemory,
  type ResourceOptions,
  SAMPLE_DEFAULTS,
  type SamplingOptions,
  sampleWithProgress,
  samplingConfig,
} from '../sampling.js';

interface SampleOptions extends SamplingOptions, ResourceOptions {
  model: string;
  modelOption?: Record<string, string>;
  size: number;
  samples: number;
  seed: number;
  workers?: number;
  out: string;
  json?: boolean;
}

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
      new Option(
        '--model-option <key=value>',
        'an option of the model, e.g. q=3 for the Potts model (repeatable)',
      ).argParser(keyValue('--model-option')),
    )
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
      new Option('--out <file>', 'the ensemble file to write (whole or not at all)').makeOptionMandatory(),
    )
    .addOption(new Option('--json', 'print one JSON object instead of text'));
  return addResourceOptions(command).action(async (opts: SampleOptions) => {
    const { io } = ctx;
    const out = prepareOutFile(resolve(io.cwd, opts.out), '--out');
    const registry = await ctx.registry();
    const started = performance.now();
    const { assertRunArraysFit, ensembleCodec, estimateSamplingMemory, prepareSampling } = await import(
      '@rsrg/mcrg'
    );
    // Checked before anything is allocated: the configuration, the worker threads, the memory.
    const config = {
      ...samplingConfig(opts, opts.seed, 1),
      ...(opts.modelOption !== undefined && { modelOptions: opts.modelOption }),
    };
    const setup = prepareSampling(registry, config);
    const workers = chooseWorkers(io, opts.workers, setup.config.chains, opts.forceWorkers);
    guardMemory(
      estimateSamplingMemory(setup, { workers }),
      opts.maxMemory,
      'use a smaller --size, fewer --samples or --workers, or set --max-memory',
    );
    assertRunArraysFit(setup, 'sample');
    io.signal?.throwIfAborted();
    const ensemble = await sampleWithProgress(ctx, registry, { ...config, workers });
    io.signal?.throwIfAborted();
    const bytes = ensembleCodec.encode(ensemble);
    writeOutFile(out, bytes);
    const wallSeconds = (performance.now() - started) / 1000;
    if (opts.json) {
      io.stdout(
        toJson({
          ...jsonHead('sample'),
          out,
          bytes: bytes.length,
          header: ensemble.header,
          count: ensemble.count,
          volume: ensemble.volume,
          wallSeconds,
          versions: { ...ensemble.header.versions, '@rsrg/cli': ctx.version },
        }),
      );
    } else {
      io.stdout(
        `${renderFields([
          ...ensembleFields(ensemble),
          ['file', `${out} (${bytes.length} bytes)`],
          ['wall time', `${wallSeconds.toFixed(2)} s`],
        ])}\n`,
      );
    }
  });
}
