import { type EstimateKey, estimateKey, type ReferenceEstimate, type Sector } from '@rsrg/core';
import { type Align, renderTable } from '../format/table.js';
import { formatValueError } from '../format/value-error.js';

/** A measured estimate labelled by the projector it was measured with. */
export interface LabelledEstimate extends EstimateKey {
  readonly y: number;
  readonly error: number;
}

/** One cell of the comparison: this run's y beside the published one. */
export interface ComparisonEntry extends EstimateKey {
  /** This run's value and error (NaN when not measured). */
  readonly y: number;
  readonly error: number;
  /** The published value, when there is one. */
  readonly reference?: { readonly y: number; readonly error: number };
  /** (y − y_ref) / sqrt(error² + error_ref²): the difference in combined standard errors. */
  readonly deviation?: number;
}

/**
 * Every (projector, sector, N_r, N_c) that was measured in a sector the reference covers, or
 * that the reference lists, with both values and their difference in combined standard
 * errors. Ordered by sector, N_r, N_c, then projector in the order given.
 */
export function compareWithReference(
  measured: readonly LabelledEstimate[],
  reference: readonly ReferenceEstimate[],
  projectors: readonly string[],
): ComparisonEntry[] {
  const sectors = new Set(reference.map((r) => r.sector));
  if (sectors.size === 0) sectors.add('even');
  const byKey = new Map(measured.map((e) => [estimateKey(e), e]));
  const refByKey = new Map(reference.map((r) => [estimateKey(r), r]));
  const cells = new Map<string, Omit<EstimateKey, 'projector'>>();
  for (const e of [...measured.filter((m) => sectors.has(m.sector)), ...reference]) {
    cells.set(`${e.sector}|${e.nr}|${e.nc}`, { sector: e.sector, nr: e.nr, nc: e.nc });
  }
  const order = (s: string) => (s === 'even' ? 0 : 1);
  const sorted = [...cells.values()].sort(
    (a, b) => order(a.sector) - order(b.sector) || a.nr - b.nr || a.nc - b.nc,
  );
  const out: ComparisonEntry[] = [];
  for (const cell of sorted) {
    for (const projector of projectors) {
      const m = byKey.get(estimateKey({ projector, ...cell }));
      const r = refByKey.get(estimateKey({ projector, ...cell }));
      if (!m && !r) continue;
      const y = m?.y ?? Number.NaN;
      const error = m?.error ?? Number.NaN;
      const entry: ComparisonEntry = { projector, ...cell, y, error };
      if (r) {
        const sigma = Math.sqrt(error * error + r.error * r.error);
        out.push({ ...entry, reference: { y: r.y, error: r.error }, deviation: (y - r.y) / sigma });
      } else out.push(entry);
    }
  }
  return out;
}

const SECTOR_TITLE = { even: 'y_t from the even couplings', odd: 'y_h from the odd couplings' } as const;

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
  for (const sector of ['even', 'odd'] as const) {
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
    .map((t) => `${SECTOR_TITLE[t.sector]}\n${renderTable(t.header, t.rows, t.align)}`)
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
      return [`${'#'.repeat(level)} ${SECTOR_TITLE[t.sector]}`, '', head, rule, ...body].join('\n');
    })
    .join('\n\n');
}

/** Summary numbers of the comparison: how many cells and how far they lie, per projector. */
export function comparisonSummary(entries: readonly ComparisonEntry[]): {
  projector: string;
  compared: number;
  within2: number;
  maxAbsDeviation: number;
}[] {
  const out = new Map<
    string,
    { projector: string; compared: number; within2: number; maxAbsDeviation: number }
  >();
  for (const e of entries) {
    if (e.deviation === undefined || !Number.isFinite(e.deviation)) continue;
    const s = out.get(e.projector) ?? { projector: e.projector, compared: 0, within2: 0, maxAbsDeviation: 0 };
    s.compared++;
    if (Math.abs(e.deviation) <= 2) s.within2++;
    s.maxAbsDeviation = Math.max(s.maxAbsDeviation, Math.abs(e.deviation));
    out.set(e.projector, s);
  }
  return [...out.values()];
}
