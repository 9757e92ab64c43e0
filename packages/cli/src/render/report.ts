import { checksummedJson, RNG_ALGORITHM } from '@rsrg/core';
import {
  type CurveLine,
  compareWithReference,
  STUDY_FILES,
  type StudyFigures,
  type StudyOutput,
  type StudyRun,
  studyFigures,
  studyResult,
  studySummary,
} from '@rsrg/studies';
import { formatPlain, formatValueError } from '../format/value-error.js';
import { renderComparisonMarkdown } from './comparison.js';
import { formatMetric } from './epoch-line.js';
import { filterFigureSpec, type ReferenceLine, renderPng, renderSvg, trainingFigureSpec } from './figures.js';

// The rendering of a study run: comparison.md, report.md, the figures (SVG and PNG) and
// result.json, from the report data of @rsrg/studies.

/** Labels of the comparison columns. */
export const COMPARISON_LABELS = { run: 'this run', reference: 'published' } as const;

const REFERENCE_COLORS = ['#c0392b', '#7d3c98', '#b9770e', '#117864'];
const TRAINED_COLOR = '#1f5fa8';
const EXACT_COLOR = '#222222';

/** The training curve's lines, labelled and coloured. */
function referenceLines(lines: readonly CurveLine[]): ReferenceLine[] {
  let other = 0;
  return lines.map((l) => {
    const value = formatValueError(l.y, l.error ?? Number.NaN);
    switch (l.kind) {
      case 'exact':
        return { label: `exact ${formatPlain(l.y)}`, y: l.y, color: EXACT_COLOR };
      case 'trained':
        return {
          label: `${l.projector} after training ${value}`,
          y: l.y,
          error: l.error,
          color: TRAINED_COLOR,
        };
      default:
        return {
          label: `${l.projector} ${value}`,
          y: l.y,
          error: l.error,
          color: REFERENCE_COLORS[other++ % REFERENCE_COLORS.length],
        };
    }
  });
}

/** Renders the filters and the training curve and writes them as SVG and PNG. */
async function writeFigures(figures: StudyFigures, out: StudyOutput): Promise<void> {
  const filters = filterFigureSpec(figures.filters.panels, figures.filters.title);
  const c = figures.trainingCurve;
  const curve = trainingFigureSpec(c.points, referenceLines(c.lines), {
    title: c.title,
    y: 'y_t',
    series: c.series,
  });
  for (const [spec, names] of [
    [filters, STUDY_FILES.filters],
    [curve, STUDY_FILES.trainingCurve],
  ] as const) {
    const svg = await renderSvg(spec);
    out.write(names.svg, svg);
    out.write(names.png, await renderPng(svg));
  }
}

function mdTable(header: string[], rows: string[][], right = true): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => (right ? '---:' : ':---')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function duration(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}

/** A model's options as ' (q = 3)', or nothing for a model without options. */
function modelOptionsText(options: Readonly<Record<string, unknown>> | undefined): string {
  const entries = Object.entries(options ?? {});
  return entries.length ? ` (${entries.map(([k, v]) => `${k} = ${String(v)}`).join(', ')})` : '';
}

function summaryLines(run: StudyRun, suffix: string): string[] {
  return studySummary(run).map(
    (s) =>
      `- ${s.projector}: ${s.within2} of ${s.compared} within 2σ${suffix}, largest |Δ|/σ = ${s.maxAbsDeviation.toFixed(1)}`,
  );
}

/** comparison.md: this run's estimates beside the published ones. */
export function comparisonMarkdown(run: StudyRun): string {
  return [
    `# ${run.study.id}: this run against the published estimates`,
    '',
    `${run.study.citation}.`,
    '',
    `This run: scale \`${run.scaleId}\`, ${run.measurement.samples} measurements on ${run.measurement.lattices[0]} ` +
      `(${run.measurement.bins} jackknife bins), seed ${run.seeds.master}. ` +
      'Δ/σ = (this run − published) / √(σ² + σ_published²).',
    '',
    renderComparisonMarkdown(run.comparison, run.study.projectors, COMPARISON_LABELS),
    '',
    ...summaryLines(run, ''),
    '',
  ].join('\n');
}

/** report.md: parameters, seeds, versions, wall times, the comparison, the figures and the training record. */
export function reportMarkdown(run: StudyRun, versions: Readonly<Record<string, string>>): string {
  const m = run.measurement;
  const s = run.seeds;
  const [t] = run.trainings;
  const h = run.trainingData?.header;
  const lines: string[] = [
    `# ${run.study.id} (scale \`${run.scaleId}\`)`,
    '',
    run.study.description,
    '',
    `Reference: ${run.study.citation}.`,
    '',
    'Reproduce with:',
    '',
    '```sh',
    `rsrg reproduce ${run.study.id} --scale ${run.scaleId} --seed ${s.master}`,
    '```',
    '',
    '## Parameters',
    '',
    mdTable(
      ['parameter', 'value'],
      [
        [
          'model',
          `${m.model.id}${modelOptionsText(m.config.modelOptions)} (d = ${m.model.dimension}), lattice ${m.lattices[0]}, K = ${m.config.coupling}`,
        ],
        [
          'sampler',
          `${m.config.sampler}, ${m.config.interval} moves between configurations, ${m.config.thermalize} moves of thermalization per chain`,
        ],
        ...(run.trainingData && h
          ? [
              [
                'training data',
                `${run.trainingData.count} configurations of ${h.sizes.join('×')} in ${h.chains} chains`,
              ],
            ]
          : []),
        ...run.trainings.flatMap((x) => [
          [
            run.trainings.length > 1 ? `trainer of ${x.label}` : 'trainer',
            `\`${x.trainer}\` (projector \`${x.projector}\`), ${x.trained.plan.steps} steps`,
          ],
          ...x.description.map(([k, v]) => [k, v]),
        ]),
        ...(t
          ? [
              [
                'evaluation',
                run.evaluationSamples > 0 && h
                  ? `y_t every ${t.evaluateEvery} steps on ${run.evaluationSamples} fresh configurations of ${h.sizes.join('×')}`
                  : 'none',
              ],
            ]
          : []),
        [
          'measurement',
          `${m.samples} configurations, ${m.config.chains} chains × ${m.config.binsPerChain} bins = ${m.bins} jackknife bins, ${m.config.levels} RG step${m.config.levels === 1 ? '' : 's'} (${m.lattices.join(' → ')})`,
        ],
        ['projectors', run.study.projectors.join(', ')],
        ['τ_int', `${formatValueError(m.tauInt.value, m.tauInt.error)} ${m.tauInt.unit} (energy, level 0)`],
        ['spins per move', formatPlain(m.spinsUpdatedPerMove)],
      ],
      false,
    ),
    '',
    '## Seeds',
    '',
    `Master seed ${s.master} (${RNG_ALGORITHM}). Training data, evaluation data and measurement use seeds derived from it, so the three sets of configurations are independent (docs/reproduce.md).`,
    '',
    mdTable(
      ['use', 'seed'],
      [
        ...(t
          ? [
              ['training data (`rsrg sample --seed`)', String(s.trainingData)],
              ['trainer (its own random streams)', String(s.training)],
              ['evaluation data and its projections', String(s.evaluation)],
            ]
          : []),
        ['measurement (`rsrg mcrg --seed`)', String(s.measurement)],
        ...(run.confirmation ? [['confirmation measurement', String(run.confirmation.seed)]] : []),
      ],
      false,
    ),
    '',
    '## Wall time',
    '',
    mdTable(
      ['phase', 'time'],
      [
        ['training data', duration(run.seconds.trainingData)],
        ['evaluation data', duration(run.seconds.evaluationData)],
        ['training (with evaluations)', duration(run.seconds.training)],
        ['measurement', duration(run.seconds.measurement)],
        ...(run.confirmation ? [['confirmation', duration(run.confirmation.seconds)]] : []),
        ['figures and report', duration(run.seconds.report)],
        ['total', duration(run.seconds.total)],
      ],
      false,
    ),
    '',
    `On ${m.config.workers} worker thread${m.config.workers === 1 ? '' : 's'}.`,
    '',
    '## Comparison with the published estimates',
    '',
    renderComparisonMarkdown(run.comparison, run.study.projectors, COMPARISON_LABELS, 3),
    '',
    ...summaryLines(run, ' of the published value'),
    '',
  ];
  const c = run.confirmation;
  if (c) {
    const cm = c.measurement;
    lines.push(
      `## Confirmation on ${cm.lattices[0]}`,
      '',
      `Every projector measured again on ${cm.samples} fresh configurations of ${cm.lattices[0]} (${cm.config.levels} RG steps: ${cm.lattices.join(' → ')}; ${cm.bins} jackknife bins, τ_int ${formatValueError(cm.tauInt.value, cm.tauInt.error)} ${cm.tauInt.unit}).`,
      '',
      renderComparisonMarkdown(
        compareWithReference(c.estimates, [], run.study.projectors),
        run.study.projectors,
        COMPARISON_LABELS,
        3,
      ),
      '',
    );
  }
  if (t) {
    const epochs = t.trained.snapshots.map((x) =>
      Number.isInteger(x.epoch) ? String(x.epoch) : x.epoch.toFixed(2),
    );
    lines.push(
      '## Figures',
      '',
      `The trained parameters at epochs ${epochs.join(', ')}, each panel on its own colour scale ([SVG](${STUDY_FILES.filters.svg})):`,
      '',
      `![The trained parameters](${STUDY_FILES.filters.png})`,
      '',
      `y_t at N_r = 1 during training, with the measurements after training as lines ([SVG](${STUDY_FILES.trainingCurve.svg})):`,
      '',
      `![y_t during training](${STUDY_FILES.trainingCurve.png})`,
      '',
      run.trainings.length > 1 ? `## Training of ${t.label}` : '## Training',
      '',
      mdTable(
        ['epoch', 'steps', ...t.metrics.map((x) => x.label), 'seconds'],
        t.trained.history.map((e) => [
          String(e.epoch),
          String(e.steps),
          ...t.metrics.map((x) => formatMetric(x, e.metrics[x.key])),
          e.seconds.toFixed(1),
        ]),
      ),
      '',
    );
    if (t.evaluation.length) {
      lines.push(
        '### y_t during training (N_r = 1)',
        '',
        mdTable(
          ['step', 'epoch', ...t.evaluation[0].estimates.map((e) => `N_c = ${e.nc}`)],
          t.evaluation.map((p) => [
            String(p.step),
            p.epoch.toFixed(2),
            ...p.estimates.map((e) => (Number.isFinite(e.y) ? formatValueError(e.y, e.error) : '—')),
          ]),
        ),
        '',
        `Each point: ${t.evaluation[0].samples} configurations, ${t.evaluation[0].bins} jackknife bins.`,
        '',
      );
    }
  }
  for (const x of run.trainings.slice(1)) {
    lines.push(
      `## Training of ${x.label}`,
      '',
      mdTable(
        ['epoch', 'steps', ...x.metrics.map((k) => k.label), 'seconds'],
        x.trained.history.map((e) => [
          String(e.epoch),
          String(e.steps),
          ...x.metrics.map((k) => formatMetric(k, e.metrics[k.key])),
          e.seconds.toFixed(1),
        ]),
      ),
      '',
    );
  }
  const link = (name: string) => `[${name}](${name})`;
  lines.push(
    '## Versions',
    '',
    mdTable(
      ['package', 'version'],
      Object.entries(versions).map(([k, v]) => [k, v]),
      false,
    ),
    '',
    `Files: ${[
      link(STUDY_FILES.comparison),
      link(STUDY_FILES.result),
      ...run.trainings.map((x) => `the trained projector ${link(x.fileName)}`),
      ...(run.trainingData?.kept ? [`the training data ${link(STUDY_FILES.trainingData)}`] : []),
    ].join(', ')}.`,
    '',
  );
  return lines.join('\n');
}

/**
 * Writes the figures, comparison.md, report.md and result.json of a finished run and returns
 * the JSON document (with the report phase's wall time filled in).
 */
export async function writeStudyReport(run: StudyRun, out: StudyOutput, cliVersion: string) {
  const started = performance.now();
  const figures = studyFigures(run);
  if (figures) await writeFigures(figures, out);
  out.write(STUDY_FILES.comparison, comparisonMarkdown(run));
  const report = (performance.now() - started) / 1000;
  const done: StudyRun = { ...run, seconds: { ...run.seconds, report, total: run.seconds.total + report } };
  const doc = studyResult(done, { outDir: out.path, versions: { '@rsrg/cli': cliVersion } });
  out.write(STUDY_FILES.report, reportMarkdown(done, doc.versions));
  out.write(STUDY_FILES.result, checksummedJson(doc));
  return { run: done, doc };
}
