import { type EstimateKey, type Exponent, estimateKey, type ReferenceEstimate } from '@rsrg/core';

/** A measured estimate labelled by the projector it was measured with. */
export interface LabelledEstimate extends EstimateKey {
  /** The eigenvalue exponent y = ln λ / ln b (y_t in the even sector, y_h in the odd). */
  readonly y: number;
  /** Its jackknife error. */
  readonly error: number;
  /** Which exponent its sector gives (absent: read from the Ising sector names). */
  readonly exponent?: Exponent;
}

/** One cell of the comparison: this run's y beside the published one. */
export interface ComparisonEntry extends EstimateKey {
  /** This run's value and error (NaN when not measured). */
  readonly y: number;
  /** This run's jackknife error of `y` (NaN when not measured). */
  readonly error: number;
  /** The published value, when there is one. */
  readonly reference?: {
    /** The published y. */
    readonly y: number;
    /** Its published error. */
    readonly error: number;
  };
  /** (y − y_ref) / sqrt(error² + error_ref²): the difference in combined standard errors. */
  readonly deviation?: number;
}

/**
 * Every (projector, sector, N_r, N_c) that was measured in a sector the reference covers, or
 * that the reference lists, with both values and their difference in combined standard
 * errors; without a reference, the y_t sector's ('even' for Ising, 'thermal' for Potts).
 * Ordered by sector (y_t first), N_r, N_c, then projector in the order given.
 */
export function compareWithReference(
  measured: readonly LabelledEstimate[],
  reference: readonly ReferenceEstimate[],
  projectors: readonly string[],
): ComparisonEntry[] {
  // The sectors giving y_t: the model names them ('thermal'); Ising's 'even' is one too.
  const thermal = new Set(['even', ...measured.filter((m) => m.exponent === 'y_t').map((m) => m.sector)]);
  const sectors = new Set(reference.map((r) => r.sector));
  if (sectors.size === 0) for (const s of thermal) sectors.add(s);
  const byKey = new Map(measured.map((e) => [estimateKey(e), e]));
  const refByKey = new Map(reference.map((r) => [estimateKey(r), r]));
  const cells = new Map<string, Omit<EstimateKey, 'projector'>>();
  for (const e of [...measured.filter((m) => sectors.has(m.sector)), ...reference]) {
    cells.set(`${e.sector}|${e.nr}|${e.nc}`, { sector: e.sector, nr: e.nr, nc: e.nc });
  }
  const order = (s: string) => (thermal.has(s) ? 0 : 1);
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

/** How one projector's estimates lie against the reference. */
export interface ComparisonSummary {
  /** The projector id. */
  readonly projector: string;
  /** Cells with a finite deviation. */
  readonly compared: number;
  /** Of those, the ones within 2σ. */
  readonly within2: number;
  /** The largest |deviation| of those cells, in combined standard errors. */
  readonly maxAbsDeviation: number;
}

/** Summary numbers of the comparison: how many cells and how far they lie, per projector. */
export function comparisonSummary(entries: readonly ComparisonEntry[]): ComparisonSummary[] {
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
