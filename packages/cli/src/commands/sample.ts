import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultWorkerCount } from '@rsrg/core';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { prepareOutFile } from '../files.js';
import { toJson } from '../format/json.js';
import { renderFields } from '../format/table.js';
import { integerAtLeast } from '../options.js';
import {
  addSamplingOptions,
  ensembleFields,
  SAMPLE_DEFAULTS,
  type SamplingOptions,
  sampleWithProgress,
  samplingConfig,
} from '../sampling.js';

interface SampleOptions extends SamplingOptions {
  model: string;
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
  return command
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
    .addOption(new Option('--out <file>', 'the ensemble file to write').makeOptionMandatory())
    .addOption(new Option('--json', 'print one JSON object instead of text'))
    .action(async (opts: SampleOptions) => {
      const { io } = ctx;
      const out = prepareOutFile(resolve(io.cwd, opts.out), '--out');
      const registry = await ctx.registry();
      const started = performance.now();
      const ensemble = await sampleWithProgress(
        ctx,
        registry,
        samplingConfig(opts, opts.seed, opts.workers ?? defaultWorkerCount()),
      );
      const { ensembleCodec } = await import('@rsrg/mcrg');
      const bytes = ensembleCodec.encode(ensemble);
      writeFileSync(out, bytes);
      const wallSeconds = (performance.now() - started) / 1000;
      if (opts.json) {
        io.stdout(
          toJson({
            command: 'sample',
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
