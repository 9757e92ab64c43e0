import type { TrainingEpoch, TrainingMetric } from '@rsrg/core';
import type { EvaluationPoint } from '@rsrg/studies';
import { formatValueError } from '../format/value-error.js';

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A metric's value as its trainer asks (fixed or exponential notation, so many digits). */
export function formatMetric(metric: TrainingMetric, value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (!Number.isFinite(value)) return String(value);
  return metric.notation === 'exponential'
    ? value.toExponential(metric.digits)
    : value.toFixed(metric.digits);
}

/**
 * One progress line per training epoch: epoch, rate, the trainer's metrics (for the RBM:
 * learning rate, reconstruction error, mean |gradient|, pseudo-log-likelihood per site), the
 * latest y_t evaluation and the time left.
 */
export function epochLine(
  info: TrainingEpoch,
  epochs: number,
  metrics: readonly TrainingMetric[],
  latest?: EvaluationPoint,
): string {
  const rate = info.seconds > 0 ? info.steps / info.seconds : Number.NaN;
  const left = ((epochs - info.epoch) * info.seconds) / info.epoch;
  const parts = [
    `epoch ${String(info.epoch).padStart(String(epochs).length)}/${epochs}`,
    `${info.steps} steps`,
    `${rate.toFixed(rate < 10 ? 1 : 0)} steps/s`,
    ...metrics.flatMap((m) => {
      const v = info.metrics[m.key];
      return v === null || v === undefined ? [] : [`${m.symbol ?? m.label} ${formatMetric(m, v)}`];
    }),
    ...(latest ? [`y_t ${formatValueError(latest.y, latest.error)} @${latest.step}`] : []),
    `ETA ${clock(left)}`,
  ];
  return `${parts.join('  ')}\n`;
}
