import { basename, join, resolve } from 'node:path';
import { checksummedJson, readChecksummedJson, UsageError } from '@rsrg/core';
import type { ComparisonSeries, ResultDocument } from '@rsrg/studies';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { inputPath, makeDirectories, noteUnverified, writeOutFile } from '../files.js';
import { jsonHead, toJson } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { formatPlain, formatValueError } from '../format/value-error.js';
import { collect, integerAtLeast } from '../options.js';

interface CompareOptions {
  label?: string[];
  nc?: number;
  out?: string;
  title: string;
  json?: boolean;
}

/** The files `--out <dir>` writes. */
export const COMPARE_FILES = {
  markdown: 'comparison.md',
  json: 'comparison.json',
  svg: 'comparison.svg',
  png: 'comparison.png',
} as const;

/** The comparison as text: one table per exponent, a row per series, N_r across, the exact value last. */
export function renderCrossModel(series: readonly ComparisonSeries[], markdown = false): string {
  const out: string[] = [];
  for (const exponent of ['y_t', 'y_h'] as const) {
    const rows = series.filter((s) => s.exponent === exponent);
    if (rows.length === 0) continue;
    const levels = [...new Set(rows.flatMap((s) => s.points.map((p) => p.nr)))].sort((a, b) => a - b);
    const header = ['series', 'N_c', ...levels.map((nr) => `N_r = ${nr}`), 'exact'];
    const body = rows.map((s) => [
      s.label,
      String(s.nc),
      ...levels.map((nr) => {
        const p = s.points.find((q) => q.nr === nr);
        return p && Number.isFinite(p.y) ? formatValueError(p.y, p.error) : '—';
      }),
      s.exact === undefined ? '—' : formatPlain(s.exact),
    ]);
    if (markdown) {
      out.push(
        `**${exponent}**\n`,
        `| ${header.join(' | ')} |`,
        `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
        ...body.map((r) => `| ${r.join(' | ')} |`),
        '',
      );
    } else {
      out.push(
        `${exponent}`,
        renderTable(header, body, ['left', ...header.slice(1).map(() => 'right' as const)]),
        '',
      );
    }
  }
  return `${out.join('\n')}`;
}

/**
 * `rsrg compare <result files…>`: models and projectors side by side, y_t and y_h against N_r
 * with their exact values, from result files (so campaigns take part).
 */
export function compareCommand(program: Command, ctx: CommandContext): Command {
  return program
    .command('compare')
    .description('put the exponents of several result files (models, projectors, campaigns) side by side')
    .argument(
      '<results...>',
      'result files: rsrg mcrg --out, rsrg merge --out, result.json of a run directory or study',
    )
    .addOption(
      new Option(
        '--label <text>',
        'the label of the next result file’s series, in order (repeatable)',
      ).argParser(collect),
    )
    .addOption(
      new Option(
        '--nc <n>',
        'the truncation N_c shown (default: the largest whose y is defined at every N_r, per series)',
      ).argParser(integerAtLeast('--nc', 1)),
    )
    .addOption(
      new Option(
        '--out <dir>',
        'also write comparison.md, comparison.json, comparison.svg and comparison.png there',
      ),
    )
    .addOption(new Option('--title <text>', 'the figure’s title').default('y_t and y_h against N_r'))
    .addOption(new Option('--json', 'print one JSON object instead of text'))
    .action(async (files: string[], opts: CompareOptions) => {
      const { io } = ctx;
      const labels = opts.label ?? [];
      if (labels.length > files.length)
        throw new UsageError(`${labels.length} --label for ${files.length} result files`);
      const inputs = files.map((given, i) => {
        const path = inputPath(io.cwd, given);
        const { value, checksum } = readChecksummedJson(path, { option: 'compare' });
        if (checksum === 'absent') noteUnverified(io.stderr, 'result', given);
        return {
          name: given,
          document: value as ResultDocument,
          ...(labels[i] !== undefined && { label: labels[i] }),
        };
      });
      const { crossModelComparison } = await import('@rsrg/studies');
      const series = crossModelComparison(inputs, { nc: opts.nc });
      const doc = { ...jsonHead('compare'), version: ctx.version, inputs: files, series };
      if (opts.out !== undefined) {
        const dir = resolve(io.cwd, opts.out);
        makeDirectories(dir);
        const { crossModelFigureSpec, renderPng, renderSvg } = await import('../render/figures.js');
        const svg = await renderSvg(crossModelFigureSpec(series, opts.title));
        const sources = files.map((f) => `- \`${basename(f)}\`: ${f}`).join('\n');
        writeOutFile(
          join(dir, COMPARE_FILES.markdown),
          `# ${opts.title}\n\n${renderCrossModel(series, true)}\nFrom:\n${sources}\n\n![${opts.title}](${COMPARE_FILES.svg})\n`,
        );
        writeOutFile(join(dir, COMPARE_FILES.json), checksummedJson(doc));
        writeOutFile(join(dir, COMPARE_FILES.svg), svg);
        writeOutFile(join(dir, COMPARE_FILES.png), await renderPng(svg));
      }
      io.stdout(opts.json ? toJson(doc) : renderCrossModel(series));
    });
}
