import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RNG_ALGORITHM } from '@rsrg/core';
import { toJson } from '../format/json.js';
import { formatPlain, formatValueError } from '../format/value-error.js';
import { comparisonSummary, renderComparisonMarkdown } from './comparison.js';
import { filterFigureSpec, type ReferenceLine, renderPng, renderSvg, trainingFigureSpec } from './figures.js';
import { STUDY_FILES, type StudyRun } from './run-study.js';

/** Labels of the comparison columns. */
export const COMPARISON_LABELS = { run: 'this run', reference: 'published' } as const;

const REFERENCE_COLORS = ['#c0392b', '#7d3c98', '#b9770e', '#117864'];
const EXACT_COLOR = '#222222';

/** The file names written, relative to the output directory. */
export function studyFiles(run: StudyRun): Record<string, string | { svg: string; png: string }> {
  return {
    projector: STUDY_FILES.projector,
    table: STUDY_FILES.table,
    figure1: STUDY_FILES.figure1,
    figure2: STUDY_FILES.figure2,
    report: STUDY_FILES.report,
    result: STUDY_FILES.result,
    ...(run.trainingData.kept && { trainingData: STUDY_FILES.trainingData }),
  };
}

/** The `reproduce --json` document, also written as result.json. */
export function studyJson(run: StudyRun, outDir: string, cliVersion: string) {
  const m = run.measurement;
  const { study, scale } = run;
  return {
    command: 'reproduce',
    study: { id: study.id, description: study.description, citation: study.citation },
    scale: { id: run.scaleId, ...scale },
    outDir,
    files: studyFiles(run),
    parameters: {
      model: m.config.model,
      size: m.config.size,
      coupling: m.config.coupling,
      sampler: m.config.sampler,
      interval: m.config.interval,
      thermalize: m.config.thermalize,
      trainingConfigurations: run.trainingData.count,
      trainingSize: run.trainingData.header.size,
      evaluationSamples: run.evaluationSamples,
      evaluateEvery: run.training.evaluateEvery,
      measurementSamples: m.samples,
      projectors: study.projectors,
      training: { projector: study.training.projector, ...run.training.options },
      measurement: m.config,
    },
    seeds: run.seeds,
    model: m.model,
    blockSize: m.blockSize,
    lattices: m.lattices,
    couplings: m.couplings,
    estimates: run.estimates,
    reference: study.reference,
    comparison: run.comparison,
    training: {
      steps: run.training.steps,
      stepsPerEpoch: run.training.stepsPerEpoch,
      history: run.training.history,
      evaluation: run.training.evaluation,
      snapshots: run.training.snapshots.map((s) => ({
        epoch: s.epoch,
        weights: Array.from(s.filter.weights),
      })),
      filter: { ...run.training.filter, weights: Array.from(run.training.filter.weights) },
    },
    samples: m.samples,
    bins: m.bins,
    tauInt: m.tauInt,
    movesPerMeasurement: m.movesPerMeasurement,
    spinsUpdatedPerMove: m.spinsUpdatedPerMove,
    wallSeconds: run.seconds,
    rng: RNG_ALGORITHM,
    versions: { ...m.versions, '@rsrg/cli': cliVersion },
  };
}

/** Figure 2's reference lines: every other projector's y at N_r = 1 and the largest N_c, and the exact value. */
function referenceLines(run: StudyRun, nc: number): ReferenceLine[] {
  const lines: ReferenceLine[] = [];
  const learned = run.study.training.projector;
  run.study.projectors
    .filter((p) => p !== learned)
    .forEach((p, i) => {
      const e = run.estimates.find(
        (x) => x.projector === p && x.sector === 'even' && x.nr === 1 && x.nc === nc,
      );
      if (e && Number.isFinite(e.y)) {
        lines.push({
          label: `${p} ${formatValueError(e.y, e.error)}`,
          y: e.y,
          error: Number.isFinite(e.error) ? e.error : undefined,
          color: REFERENCE_COLORS[i % REFERENCE_COLORS.length],
        });
      }
    });
  const exact = run.measurement.model.exponents.yt;
  if (exact !== undefined) lines.push({ label: `exact ${formatPlain(exact)}`, y: exact, color: EXACT_COLOR });
  return lines;
}

/** Renders the two figures and writes them as SVG and PNG. */
async function writeFigures(run: StudyRun, outDir: string): Promise<void> {
  const learned = run.study.training.projector;
  const fig1 = filterFigureSpec(
    run.training.snapshots,
    `The learned ${learned} filter during training (${run.study.id}, scale ${run.scaleId})`,
  );
  const points = run.training.evaluation;
  const nc = points.length ? points[points.length - 1].nc : run.measurement.couplings.even.length;
  const fig2 = trainingFigureSpec(
    points.map((p) => ({ step: p.step, y: p.y, error: p.error })),
    referenceLines(run, nc),
    {
      title: `y_t at N_r = 1, N_c = ${nc} during training (${run.study.id}, scale ${run.scaleId})`,
      y: 'y_t',
      series: `${learned} on ${run.evaluationSamples} fresh configurations, ±1σ; lines: ${run.measurement.samples} measurements`,
    },
  );
  for (const [spec, names] of [
    [fig1, STUDY_FILES.figure1],
    [fig2, STUDY_FILES.figure2],
  ] as const) {
    const svg = await renderSvg(spec);
    writeFileSync(join(outDir, names.svg), svg);
    writeFileSync(join(outDir, names.png), await renderPng(svg));
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

/** table1.md: the comparison with the published numbers. */
export function tableMarkdown(run: StudyRun): string {
  const summary = comparisonSummary(run.comparison)
    .map(
      (s) =>
        `- ${s.projector}: ${s.within2} of ${s.compared} within 2σ, largest |Δ|/σ = ${s.maxAbsDeviation.toFixed(1)}`,
    )
    .join('\n');
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
    summary,
    '',
  ].join('\n');
}

/** report.md: parameters, seeds, versions, wall times, the table, the figures and the training record. */
export function reportMarkdown(run: StudyRun, cliVersion: string): string {
  const m = run.measurement;
  const o = run.training.options;
  const s = run.seeds;
  const schedule =
    o.schedule.kind === 'constant'
      ? `constant η = ${o.schedule.rate}`
      : `η = ${o.schedule.initial} decaying as a square root to ${o.schedule.final} at epoch ${o.schedule.decayEpochs}, then constant`;
  const h = run.trainingData.header;
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
          `${m.model.id} (d = ${m.model.dimension}), lattice ${m.lattices[0]}, K = ${m.config.coupling}`,
        ],
        [
          'sampler',
          `${m.config.sampler}, ${m.config.interval} moves between configurations, ${m.config.thermalize} moves of thermalization per chain`,
        ],
        [
          'training data',
          `${run.trainingData.count} configurations of ${h.sizes.join('×')} in ${h.chains} chains`,
        ],
        [
          'training',
          `preset \`${o.preset}\`: ${o.epochs} epochs × ${run.training.stepsPerEpoch} steps (minibatch ${o.batchSize}), CD-${o.cdSteps}${o.persistent ? ' (persistent)' : ''}, Adam, ${schedule}`,
        ],
        [
          'filter',
          `${o.width}^${m.model.dimension} weights, stride b = ${o.blockSize}, initial weights uniform in ±${o.initScale}${o.symmetrize ? ', symmetrized' : ''}`,
        ],
        [
          'evaluation',
          run.evaluationSamples > 0
            ? `y_t every ${run.training.evaluateEvery} steps on ${run.evaluationSamples} fresh configurations of ${h.sizes.join('×')}`
            : 'none',
        ],
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
        ['training data (`rsrg sample --seed`)', String(s.trainingData)],
        ['trainer (initial filter, shuffles, CD chains)', String(s.training)],
        ['evaluation data and its projections', String(s.evaluation)],
        ['measurement (`rsrg mcrg --seed`)', String(s.measurement)],
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
        ['figures and report', duration(run.seconds.report)],
        ['total', duration(run.seconds.total)],
      ],
      false,
    ),
    '',
    `On ${m.config.workers} worker thread${m.config.workers === 1 ? '' : 's'}.`,
    '',
    '## Table 1',
    '',
    renderComparisonMarkdown(run.comparison, run.study.projectors, COMPARISON_LABELS, 3),
    '',
    ...comparisonSummary(run.comparison).map(
      (x) =>
        `- ${x.projector}: ${x.within2} of ${x.compared} within 2σ of the published value, largest |Δ|/σ = ${x.maxAbsDeviation.toFixed(1)}`,
    ),
    '',
    '## Figures',
    '',
    `Figure 1, the filter at epochs ${run.training.snapshots.map((x) => x.epoch).join(', ')} ([SVG](${STUDY_FILES.figure1.svg})):`,
    '',
    `![Figure 1](${STUDY_FILES.figure1.png})`,
    '',
    `Figure 2, y_t at N_r = 1 during training ([SVG](${STUDY_FILES.figure2.svg})):`,
    '',
    `![Figure 2](${STUDY_FILES.figure2.png})`,
    '',
    '## Training',
    '',
    mdTable(
      [
        'epoch',
        'steps',
        'η',
        'reconstruction error',
        'mean abs gradient',
        'pseudo-log-likelihood / site',
        'seconds',
      ],
      run.training.history.map((e) => [
        String(e.epoch),
        String(e.steps),
        e.learningRate.toExponential(2),
        e.reconstructionError.toFixed(4),
        e.meanAbsGradient.toExponential(2),
        e.pseudoLogLikelihood === null ? '' : e.pseudoLogLikelihood.toFixed(4),
        e.seconds.toFixed(1),
      ]),
    ),
    '',
  ];
  if (run.training.evaluation.length) {
    lines.push(
      '### y_t during training (N_r = 1)',
      '',
      mdTable(
        ['step', 'epoch', ...run.training.evaluation[0].estimates.map((e) => `N_c = ${e.nc}`)],
        run.training.evaluation.map((p) => [
          String(p.step),
          p.epoch.toFixed(2),
          ...p.estimates.map((e) => (Number.isFinite(e.y) ? formatValueError(e.y, e.error) : '—')),
        ]),
      ),
      '',
      `Each point: ${run.training.evaluation[0].samples} configurations, ${run.training.evaluation[0].bins} jackknife bins.`,
      '',
    );
  }
  lines.push(
    '## Versions',
    '',
    mdTable(
      ['package', 'version'],
      Object.entries({ ...m.versions, '@rsrg/cli': cliVersion }).map(([k, v]) => [k, v]),
      false,
    ),
    '',
    `Files: [${STUDY_FILES.table}](${STUDY_FILES.table}), [${STUDY_FILES.result}](${STUDY_FILES.result}), the trained projector [${STUDY_FILES.projector}](${STUDY_FILES.projector})` +
      (run.trainingData.kept
        ? `, the training data [${STUDY_FILES.trainingData}](${STUDY_FILES.trainingData}).`
        : '.'),
    '',
  );
  return lines.join('\n');
}

/**
 * Writes the figures, table1.md, report.md and result.json of a finished run into `outDir`
 * and returns the JSON document (with the report phase's wall time filled in).
 */
export async function writeStudyReport(run: StudyRun, outDir: string, cliVersion: string) {
  const started = performance.now();
  await writeFigures(run, outDir);
  writeFileSync(join(outDir, STUDY_FILES.table), tableMarkdown(run));
  const report = (performance.now() - started) / 1000;
  const done: StudyRun = { ...run, seconds: { ...run.seconds, report, total: run.seconds.total + report } };
  writeFileSync(join(outDir, STUDY_FILES.report), reportMarkdown(done, cliVersion));
  const doc = studyJson(done, outDir, cliVersion);
  writeFileSync(join(outDir, STUDY_FILES.result), toJson(doc));
  return { run: done, doc };
}
