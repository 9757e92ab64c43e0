import { extname, resolve } from 'node:path';
import { assertDistinctPaths, readCodecFile, UsageError } from '@rsrg/core';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { prepareOutFile } from '../files.js';
import { toJson } from '../format/json.js';
import { renderFields } from '../format/table.js';

interface ExportOptions {
  format?: 'hdf5' | 'npy';
  out: string;
  json?: boolean;
}

/** The format an --out name implies: .h5/.hdf5 → hdf5, .npy → npy. */
function formatOf(out: string): 'hdf5' | 'npy' | undefined {
  const ext = extname(out).toLowerCase();
  if (ext === '.h5' || ext === '.hdf5') return 'hdf5';
  if (ext === '.npy') return 'npy';
  return undefined;
}

/** `rsrg export`: an ensemble's configurations as HDF5 or .npy, for numpy and h5py. */
export function exportCommand(program: Command, ctx: CommandContext): Command {
  return program
    .command('export')
    .description(
      'write the configurations of an ensemble file (rsrg sample) as an int8 array [N, L, L(, L)] for numpy/h5py',
    )
    .argument('<ensemble>', 'the ensemble file to export')
    .addOption(
      new Option(
        '--format <format>',
        'hdf5 (/configs, gzip, header as attributes) or npy (plus <out>.json)',
      ).choices(['hdf5', 'npy']),
    )
    .addOption(
      new Option('--out <file>', 'the file to write (default format from .h5 or .npy)').makeOptionMandatory(),
    )
    .addOption(new Option('--json', 'print one JSON object instead of text'))
    .action(async (input: string, opts: ExportOptions) => {
      const { io } = ctx;
      const inputPath = resolve(io.cwd, input);
      const outPath = resolve(io.cwd, opts.out);
      const format = opts.format ?? formatOf(opts.out);
      assertDistinctPaths(
        [{ option: 'the ensemble file', path: inputPath }],
        [
          { option: '--out', path: outPath },
          ...(format === 'npy' ? [{ option: 'the --out sidecar', path: `${outPath}.json` }] : []),
        ],
      );
      if (format === undefined) {
        throw new UsageError(`--format is needed: hdf5 or npy (the name '${opts.out}' does not say)`);
      }
      const started = performance.now();
      const { ensembleCodec } = await import('@rsrg/mcrg');
      const { value: ensemble } = readCodecFile(inputPath, ensembleCodec, { option: 'ensemble file' });
      prepareOutFile(outPath, '--out');
      const { exportEnsemble } = await import('@rsrg/campaigns');
      const summary = await exportEnsemble(ensemble, {
        format,
        out: outPath,
        label: `--out file ${outPath}`,
        signal: io.signal,
      });
      const wallSeconds = (performance.now() - started) / 1000;
      if (opts.json) {
        io.stdout(
          toJson({
            command: 'export',
            input: inputPath,
            ...summary,
            header: ensemble.header,
            wallSeconds,
            versions: { ...ensemble.header.versions, '@rsrg/cli': ctx.version },
          }),
        );
      } else {
        io.stdout(
          `${renderFields([
            ['ensemble', `${inputPath} (${ensemble.count} configurations)`],
            ['format', format],
            ['array', `int8 [${summary.shape.join(', ')}]${format === 'hdf5' ? ' at /configs' : ''}`],
            ['file', summary.out],
            ...(summary.sidecar ? ([['metadata', summary.sidecar]] as [string, string][]) : []),
            ['wall time', `${wallSeconds.toFixed(2)} s`],
          ])}\n`,
        );
      }
    });
}
