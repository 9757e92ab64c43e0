import type { EpochInfo } from '@rsrg/projectors';
import { formatValueError } from '../format/value-error.js';
import type { EvaluationPoint } from './evaluation.js';

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * One progress line per training epoch: epoch, rate, the trainer's diagnostics (learning
 * rate, reconstruction error, mean |gradient|, pseudo-log-likelihood per site), the latest y_t
 * evaluation and the time left.
 */
export function epochLine(info: EpochInfo, epochs: number, latest?: EvaluationPoint): string {
  const rate = info.seconds > 0 ? info.steps / info.seconds : Number.NaN;
  const left = ((epochs - info.epoch) * info.seconds) / info.epoch;
  const parts = [
    `epoch ${String(info.epoch).padStart(String(epochs).length)}/${epochs}`,
    `${info.steps} steps`,
    `${rate.toFixed(rate < 10 ? 1 : 0)} steps/s`,
    `η ${info.learningRate.toExponential(1)}`,
    `recon ${info.reconstructionError.toFixed(3)}`,
    `|∇| ${info.meanAbsGradient.toExponential(1)}`,
    ...(info.pseudoLogLikelihood === null ? [] : [`PLL ${info.pseudoLogLikelihood.toFixed(4)}`]),
    ...(latest ? [`y_t ${formatValueError(latest.y, latest.error)} @${latest.step}`] : []),
    `ETA ${clock(left)}`,
  ];
  return `${parts.join('  ')}\n`;
}
