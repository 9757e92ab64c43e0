import type { Sector } from '@rsrg/core';
import type { ComparisonEntry } from '@rsrg/studies';
import { type Align, renderTable } from '../format/table.js';
import { formatValueError } from '../format/value-error.js';

const SECTOR_TITLE: Readonly<Record<string, string>> = {
  even: 'y_t from the even couplings',
  odd: 'y_h from the odd couplings',
  thermal: 'y_t from the thermal couplings',
  magnetic: 'y_h from the magnetic couplings',
};

/** A sector's table title: the Ising ones as they always were, any other by its name. */
function sectorTitle(sector: string): string {
  return SECTOR_TITLE[sector] ?? `the ${sector} couplings`;
}

function cellText(value: number, error: number): string {
  return Number.isFinite(value) ? formatValueError(value, error) : '—';
}

function deviationText(d: number | undefined): string {
  if (d === undefined) return '';
  if (!Number.isFinite(d)) return '—';
  return `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(1)}`;
}

interface SectorTable {
  readonly sector: Sector;
  readonly header: string[];
  readonly rows: string[][];
  readonly align: Align[];
}

/** The comparison as one table per sector: N_r, N_c, then per projector: this run, reference, Δ/σ. */
function sectorTables(
  entries: readonly ComparisonEntry[],
  projectors: readonly string[],
  labels: { run: string; reference: string },
): SectorTable[] {
  const tables: SectorTable[] = [];
  // In the order of the entries (y_t's sector first), whatever the model calls them.
  for (const sector of new Set(entries.map((e) => e.sector))) {
    const inSector = entries.filter((e) => e.sector === sector);
    if (inSector.length === 0) continue;
    const shown = projectors.filter((p) => inSector.some((e) => e.projector === p));
    const header = ['N_r', 'N_c', ...shown.flatMap((p) => [`${p} (${labels.run})`, labels.reference, 'Δ/σ'])];
    const cells = new Map(inSector.map((e) => [`${e.projector}|${e.nr}|${e.nc}`, e]));
    const pairs = [...new Set(inSector.map((e) => `${e.nr}|${e.nc}`))].map((s) => s.split('|').map(Number));
    const rows = pairs.map(([nr, nc]) => [
      String(nr),
      String(nc),
      ...shown.flatMap((p) => {
        const e = cells.get(`${p}|${nr}|${nc}`);
        if (!e) return ['', '', ''];
        return [
          Number.isNaN(e.y) && !e.reference ? '' : cellText(e.y, e.error),
          e.reference ? cellText(e.reference.y, e.reference.error) : '',
          deviationText(e.deviation),
        ];
      }),
    ]);
    tables.push({ sector, header, rows, align: header.map(() => 'right' as const) });
  }
  return tables;
}

/** Plain-text tables for the terminal. */
export function renderComparisonText(
  entries: readonly ComparisonEntry[],
  projectors: readonly string[],
  labels: { run: string; reference: string },
): string {
  return sectorTables(entries, projectors, labels)
    .map((t) => `${sectorTitle(t.sector)}\n${renderTable(t.header, t.rows, t.align)}`)
    .join('\n\n');
}

/** Markdown tables (GitHub style), one per sector, each under a heading of level `level`. */
export function renderComparisonMarkdown(
  entries: readonly ComparisonEntry[],
  projectors: readonly string[],
  labels: { run: string; reference: string },
  level = 2,
): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return sectorTables(entries, projectors, labels)
    .map((t) => {
      const head = `| ${t.header.map(cell).join(' | ')} |`;
      const rule = `|${t.align.map((a) => (a === 'right' ? '---:' : ':---')).join('|')}|`;
      const body = t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`);
      return [`${'#'.repeat(level)} ${sectorTitle(t.sector)}`, '', head, rule, ...body].join('\n');
    })
    .join('\n\n');
}
