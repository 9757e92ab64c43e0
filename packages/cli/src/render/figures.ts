import type { ComparisonSeries, ParameterPanel } from '@rsrg/studies';

/**
 * The study figures as Vega-Lite specifications (plain data, testable without rendering) and
 * their rendering to SVG (vega, headless) and PNG (resvg). The renderers are imported on first
 * use, so commands that draw nothing do not load them.
 */

/** One y estimate at a training step (the training curve). */
export interface TrainingPoint {
  readonly step: number;
  readonly y: number;
  readonly error: number;
}

/** A horizontal reference line of the training curve. */
export interface ReferenceLine {
  readonly label: string;
  readonly y: number;
  /** Shown as a band y ± error when given. */
  readonly error?: number;
  readonly color: string;
}

type Spec = Record<string, unknown>;

const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const CONFIG = {
  font: FONT,
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#e8e8e8' },
  legend: { labelFontSize: 11, titleFontSize: 11 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start', offset: 12 },
};

/** `epoch 3`, or `epoch 2.50` for a snapshot within an epoch. */
function epochLabel(epoch: number): string {
  return `epoch ${Number.isInteger(epoch) ? epoch : epoch.toFixed(2)}`;
}

/** A number for a panel's range: three significant digits. */
function short(x: number): string {
  return Number(x.toPrecision(3)).toString().replace('-', '−');
}

/**
 * The filters figure: the trained parameters at each snapshot as a heatmap over the offset
 * (row, column) from the block's corner, each panel on its own diverging colour scale,
 * symmetric about 0 (blue negative, red positive) and with its own legend, and the panel's
 * range under its title, so that an early filter near zero shows its pattern as well as a
 * late one. Parameters of more than two axes show one panel row per slice of the leading axes;
 * one axis is one row.
 */
export function filterFigureSpec(panels: readonly ParameterPanel[], title: string): Spec {
  const side = 150;
  const sliced = panels.some((p) => p.shape.length > 2);
  const panel = ({ epoch, shape, values: weights, min, max }: ParameterPanel): Spec => {
    const dimension = shape.length;
    const w = dimension ? shape[dimension - 1] : 1;
    const plane = dimension >= 2 ? w * shape[dimension - 2] : w;
    const values = Array.from({ length: weights.length }, (_, k) => {
      const inPlane = k % plane;
      return {
        slice: dimension > 2 ? sliceLabel(Math.floor(k / plane), w, dimension - 2) : '',
        row: dimension >= 2 ? Math.floor(inPlane / w) : 0,
        col: dimension >= 2 ? inPlane % w : inPlane,
        w: weights[k],
      };
    });
    const extent = Math.max(Math.abs(min), Math.abs(max)) || 1;
    const cell = {
      width: side,
      height: side,
      mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x: { field: 'col', type: 'ordinal', title: 'column', axis: { labelAngle: 0, grid: false } },
        y: { field: 'row', type: 'ordinal', title: 'row', axis: { grid: false } },
        color: {
          field: 'w',
          type: 'quantitative',
          title: 'W',
          scale: { scheme: 'redblue', reverse: true, domain: [-extent, extent] },
          legend: { gradientLength: side, format: '.2~g', orient: 'bottom', direction: 'horizontal' },
        },
        tooltip: [
          { field: 'row', type: 'ordinal' },
          { field: 'col', type: 'ordinal' },
          { field: 'w', type: 'quantitative', format: '.4f' },
        ],
      },
    };
    return {
      title: {
        text: [epochLabel(epoch), `${short(min)} ≤ W ≤ ${short(max)}`],
        fontSize: 12,
        anchor: 'middle',
      },
      data: { values },
      ...(sliced ? { facet: { row: { field: 'slice', type: 'ordinal', title: null } }, spec: cell } : cell),
    };
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: 'W at offset (row, column) from the block corner; each panel on its own scale',
    },
    hconcat: panels.map(panel),
    spacing: 24,
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    config: CONFIG,
  };
}

function sliceLabel(index: number, w: number, axes: number): string {
  const coords: number[] = [];
  for (let a = 0; a < axes; a++) {
    coords.unshift(index % w);
    index = Math.floor(index / w);
  }
  return `slice ${coords.join(',')}`;
}

/**
 * The training curve: y at the first RG step and the largest truncation against the training step, with
 * ±1σ error bars, and dashed horizontal lines for the references (another projector's measured
 * value, the exact exponent), each labelled at its right end.
 */
export function trainingFigureSpec(
  points: readonly TrainingPoint[],
  lines: readonly ReferenceLine[],
  /** `series` describes the points (shown as the subtitle). */
  labels: { title: string; y: string; series: string },
): Spec {
  const finite = points.filter((p) => Number.isFinite(p.y));
  const data = finite.map((p) => ({
    step: p.step,
    y: p.y,
    lo: p.y - (Number.isFinite(p.error) ? p.error : 0),
    hi: p.y + (Number.isFinite(p.error) ? p.error : 0),
  }));
  const ys = [
    ...data.flatMap((d) => [d.lo, d.hi]),
    ...lines.flatMap((l) => [l.y - (l.error ?? 0), l.y + (l.error ?? 0)]),
  ];
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const pad = Math.max((hi - lo) * 0.08, 0.005);
  const domain = ys.length ? [lo - pad, hi + pad] : [0, 1];
  const maxStep = Math.max(1, ...data.map((d) => d.step));
  const xScale = { domain: [0, maxStep], nice: false };
  const lineData = lines.map((l) => ({
    ...l,
    lo: l.y - (l.error ?? 0),
    hi: l.y + (l.error ?? 0),
    step: maxStep,
  }));
  const yScale = { domain, zero: false, nice: false };
  const color = '#1f5fa8';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: labels.title, subtitle: labels.series },
    width: 520,
    height: 320,
    layer: [
      {
        data: { values: lineData.filter((l) => l.error !== undefined) },
        mark: { type: 'rect', opacity: 0.12 },
        encoding: {
          y: { field: 'lo', type: 'quantitative', scale: yScale },
          y2: { field: 'hi' },
          color: { field: 'color', type: 'nominal', scale: null },
        },
      },
      {
        data: { values: lineData },
        mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5 },
        encoding: {
          y: { field: 'y', type: 'quantitative', scale: yScale },
          color: { field: 'color', type: 'nominal', scale: null },
        },
      },
      {
        data: { values: lineData },
        // Labels stand right of the plot, where no point can hide them.
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 6, fontSize: 11 },
        encoding: {
          x: { field: 'step', type: 'quantitative', scale: xScale },
          y: { field: 'y', type: 'quantitative', scale: yScale },
          text: { field: 'label' },
          color: { field: 'color', type: 'nominal', scale: null },
        },
      },
      {
        data: { values: data },
        mark: { type: 'rule', color, strokeWidth: 1.2 },
        encoding: {
          x: { field: 'step', type: 'quantitative', scale: xScale },
          y: { field: 'lo', type: 'quantitative', scale: yScale },
          y2: { field: 'hi' },
        },
      },
      {
        data: { values: data },
        mark: { type: 'line', color, strokeWidth: 1, opacity: 0.5 },
        encoding: {
          x: { field: 'step', type: 'quantitative', scale: xScale },
          y: { field: 'y', type: 'quantitative', scale: yScale },
        },
      },
      {
        data: { values: data },
        mark: { type: 'point', filled: true, color, size: 36 },
        encoding: {
          x: {
            field: 'step',
            type: 'quantitative',
            title: 'training step (minibatch updates)',
            scale: xScale,
          },
          y: { field: 'y', type: 'quantitative', title: labels.y, scale: yScale },
          tooltip: [
            { field: 'step', type: 'quantitative' },
            { field: 'y', type: 'quantitative', format: '.4f' },
          ],
        },
      },
    ],
    config: CONFIG,
  };
}

/** An SVG document of a Vega-Lite specification, rendered headlessly. */
export async function renderSvg(spec: Spec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A PNG of an SVG document at twice its size, with the system's fonts. */
export async function renderPng(svg: string): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/**
 * The cross-model figure (`rsrg compare`): y_t and y_h against N_r, one panel each with its own
 * y scale, one colour per series, error bars, and each series' exact value as a dashed line in
 * its colour.
 */
export function crossModelFigureSpec(series: readonly ComparisonSeries[], title: string): Spec {
  const points = series.flatMap((s) =>
    s.points
      .filter((p) => Number.isFinite(p.y))
      .map((p) => ({
        kind: 'estimate',
        series: s.label,
        exponent: s.exponent,
        nr: p.nr,
        y: p.y,
        low: p.y - (Number.isFinite(p.error) ? p.error : 0),
        high: p.y + (Number.isFinite(p.error) ? p.error : 0),
        nc: s.nc,
      })),
  );
  const exact = series
    .filter((s) => s.exact !== undefined)
    .map((s) => ({ kind: 'exact', series: s.label, exponent: s.exponent, y: s.exact }));
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    legend: { orient: 'bottom', columns: 2, labelLimit: 0 },
  };
  const estimate = { filter: "datum.kind === 'estimate'" };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    data: { values: [...points, ...exact] },
    facet: { column: { field: 'exponent', type: 'nominal', title: null, sort: ['y_t', 'y_h'] } },
    spec: {
      width: 300,
      height: 260,
      layer: [
        {
          transform: [estimate],
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'nr', type: 'ordinal', title: 'N_r (RG steps)', axis: { labelAngle: 0 } },
            y: { field: 'y', type: 'quantitative', title: 'y', scale: { zero: false } },
            color,
            tooltip: [
              { field: 'series' },
              { field: 'nr', title: 'N_r' },
              { field: 'nc', title: 'N_c' },
              { field: 'y', type: 'quantitative', format: '.4f' },
            ],
          },
        },
        {
          transform: [estimate],
          mark: { type: 'rule' },
          encoding: {
            x: { field: 'nr', type: 'ordinal' },
            y: { field: 'low', type: 'quantitative' },
            y2: { field: 'high' },
            color,
          },
        },
        {
          transform: [{ filter: "datum.kind === 'exact'" }],
          mark: { type: 'rule', strokeDash: [5, 4], opacity: 0.8 },
          encoding: { y: { field: 'y', type: 'quantitative' }, color },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: CONFIG,
  };
}
