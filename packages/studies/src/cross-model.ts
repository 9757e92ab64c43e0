/**
 * Models and projectors side by side: y_t and y_h against N_r from any number of result
 * documents (`rsrg mcrg --json` / `--out`, `rsrg merge --out`, a run directory's or a study's
 * `result.json`), each series beside its model's exact exponent. Campaign results take part
 * like any other: only the result files are read.
 */
import { type Exponent, FileFormatError, legacySectorExponent, UsageError } from '@rsrg/core';

/** One estimate of a result document, as every result file writes it. */
export interface ResultEstimate {
  /** The projector's label (in documents of several projectors). */
  readonly projector?: string;
  /** The coupling sector the model names ('even' / 'odd' for Ising). */
  readonly sector: string;
  /** Which exponent; documents written before it existed name Ising sectors only (even → y_t). */
  readonly exponent?: Exponent;
  /** RG step. */
  readonly nr: number;
  /** Truncation. */
  readonly nc: number;
  /** The estimate; null or NaN where undefined. */
  readonly y: number | null;
  /** Its jackknife error. */
  readonly error: number | null;
}

/** What `crossModelComparison` reads of a result document. */
export interface ResultDocument {
  /** The run's parameters: model, size, model options, projectors. */
  readonly parameters?: {
    /** The model id. */
    readonly model?: string;
    /** The linear lattice size L. */
    readonly size?: number;
    /** The model's options, e.g. `{ q: 3 }`. */
    readonly modelOptions?: Readonly<Record<string, unknown>>;
    /** The projectors measured, in run order. */
    readonly projectors?: readonly {
      /** The projector's label within the run. */
      readonly label: string;
    }[];
  };
  /** The model: id and exact exponents. */
  readonly model?: {
    /** The model id. */
    readonly id?: string;
    /** Exact or best-known exponents. */
    readonly exponents?: {
      /** y_t. */
      readonly yt?: number;
      /** y_h. */
      readonly yh?: number;
    };
  };
  /** Every estimate. */
  readonly estimates?: readonly ResultEstimate[];
}

/** One result document to compare, named for messages, with an optional label for its series. */
export interface ComparisonInput {
  /** The file it came from. */
  readonly name: string;
  /** Its contents. */
  readonly document: ResultDocument;
  /** Overrides the series label (`<model> L=<size> <projector>`); projectors are appended when several. */
  readonly label?: string;
}

/** One line of the comparison: a model, lattice and projector, one exponent, against N_r. */
export interface ComparisonSeries {
  /** How tables and the figure name it. */
  readonly label: string;
  /** The model id with its options, e.g. `potts2d q=3`. */
  readonly model: string;
  /** The linear size of the lattice measured. */
  readonly size?: number;
  /** The projector's label. */
  readonly projector: string;
  /** y_t or y_h. */
  readonly exponent: Exponent;
  /** The truncation shown. */
  readonly nc: number;
  /** The model's exact value, when known. */
  readonly exact?: number;
  /** y ± error at each N_r, in order. */
  readonly points: readonly {
    /** RG step N_r. */
    readonly nr: number;
    /** y (NaN where undefined). */
    readonly y: number;
    /** Its jackknife error. */
    readonly error: number;
  }[];
  /** The input file. */
  readonly source: string;
}

const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

function exponentOf(e: ResultEstimate, name: string): Exponent {
  if (e.exponent === 'y_t' || e.exponent === 'y_h') return e.exponent;
  const exponent = legacySectorExponent(e.sector);
  if (exponent === undefined)
    throw new FileFormatError(`${name}: estimate of sector '${e.sector}' names no exponent`);
  return exponent;
}

function modelLabel(doc: ResultDocument): string {
  const id = doc.model?.id ?? doc.parameters?.model ?? '?';
  const options = Object.entries(doc.parameters?.modelOptions ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  return [id, ...options].join(' ');
}

/**
 * The series of every input: per projector and exponent, y at N_c = `nc` (or the largest
 * truncation the series has, when smaller) for every N_r; without `nc`, the largest N_c whose
 * y is defined at every N_r. Throws a FileFormatError naming a document that is not a result,
 * and a UsageError for a bad `nc`.
 *
 * @example
 * const series = crossModelComparison([
 *   { name: 'ising2d.json', document: JSON.parse(readFileSync('ising2d.json', 'utf8')) },
 *   { name: 'potts-q3.json', document: JSON.parse(readFileSync('potts-q3.json', 'utf8')) },
 * ]);
 */
export function crossModelComparison(
  inputs: readonly ComparisonInput[],
  options: { readonly nc?: number } = {},
): ComparisonSeries[] {
  if (options.nc !== undefined && !(Number.isSafeInteger(options.nc) && options.nc >= 1))
    throw new UsageError(`--nc must be a positive integer, got ${options.nc}`);
  const series: ComparisonSeries[] = [];
  for (const { name, document: doc, label } of inputs) {
    if (!Array.isArray(doc.estimates) || doc.estimates.length === 0 || typeof doc.model?.id !== 'string')
      throw new FileFormatError(`${name} is not an rsrg result (no model or no estimates)`);
    const projectors = [
      ...new Set(doc.estimates.map((e) => e.projector ?? doc.parameters?.projectors?.[0]?.label ?? '?')),
    ];
    for (const projector of projectors) {
      for (const exponent of ['y_t', 'y_h'] as const) {
        const rows = doc.estimates.filter(
          (e) => (e.projector ?? projectors[0]) === projector && exponentOf(e, name) === exponent,
        );
        if (rows.length === 0) continue;
        const levels = [...new Set(rows.map((e) => e.nr))].sort((a, b) => a - b);
        const maxNc = Math.max(...rows.map((e) => e.nc));
        const at = (nr: number, nc: number) => rows.find((e) => e.nr === nr && e.nc === nc);
        let nc = Math.min(options.nc ?? maxNc, maxNc);
        if (options.nc === undefined) while (nc > 1 && !levels.every((nr) => finite(at(nr, nc)?.y))) nc--;
        const model = modelLabel(doc);
        const size = doc.parameters?.size;
        const base = label ?? `${model}${size !== undefined ? ` L=${size}` : ''}`;
        const exact = exponent === 'y_t' ? doc.model.exponents?.yt : doc.model.exponents?.yh;
        series.push({
          label: label === undefined || projectors.length > 1 ? `${base} ${projector}` : base,
          model,
          ...(size !== undefined && { size }),
          projector,
          exponent,
          nc,
          ...(finite(exact) && { exact }),
          points: levels.map((nr) => {
            const e = at(nr, nc);
            return { nr, y: finite(e?.y) ? e.y : Number.NaN, error: finite(e?.error) ? e.error : Number.NaN };
          }),
          source: name,
        });
      }
    }
  }
  // Two inputs of the same model, size and projector: the file tells their series apart.
  const count = new Map<string, number>();
  for (const s of series)
    count.set(`${s.label}|${s.exponent}`, (count.get(`${s.label}|${s.exponent}`) ?? 0) + 1);
  return series.map((s) =>
    count.get(`${s.label}|${s.exponent}`)! > 1 ? { ...s, label: `${s.label} (${s.source})` } : s,
  );
}
