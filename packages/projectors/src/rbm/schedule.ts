import { UsageError } from '@rsrg/core';

/**
 * Learning rate as a function of training progress e, measured in epochs (fractional: step s
 * of an epoch of S steps is at e = epochsDone + s/S, so the first update uses η(0)).
 *
 * - `constant`: η(e) = rate.
 * - `sqrt-decay` (Chung–Kao): η(e) = η0 / sqrt(1 + (e/e_f)·((η0/η_f)² − 1)) for e ≤ e_f, and
 *   η_f after; so η(0) = η0, η(e_f) = η_f, and 1/η² grows linearly in e up to e_f. With
 *   η0 = 1e-3, η_f = 1e-4, e_f = 25 the last 25 of 50 epochs run at 1e-4.
 */
export type LearningRateSchedule =
  | {
      /** η(e) = rate throughout. */
      readonly kind: 'constant';
      /** The learning rate η. */
      readonly rate: number;
    }
  | {
      /** 1/η² grows linearly from 1/η0² to 1/η_f² over `decayEpochs`, then η stays η_f. */
      readonly kind: 'sqrt-decay';
      /** η0, the rate of the first update. */
      readonly initial: number;
      /** η_f, the rate from epoch `decayEpochs` on. */
      readonly final: number;
      /** e_f, the epochs over which η decays. */
      readonly decayEpochs: number;
    };

/** η(e) for the schedule; see `LearningRateSchedule`. */
export function learningRate(schedule: LearningRateSchedule, epoch: number): number {
  if (schedule.kind === 'constant') return schedule.rate;
  const { initial, final, decayEpochs } = schedule;
  if (epoch >= decayEpochs) return final;
  const ratio = initial / final;
  return initial / Math.sqrt(1 + (Math.max(0, epoch) / decayEpochs) * (ratio * ratio - 1));
}

/** Throws UsageError unless every rate is positive and finite and e_f > 0. */
export function validateSchedule(schedule: LearningRateSchedule): void {
  const positive = (name: string, v: number) => {
    if (!(Number.isFinite(v) && v > 0)) {
      throw new UsageError(`learning-rate ${name} must be positive, got ${v}`);
    }
  };
  if (schedule.kind === 'constant') {
    positive('rate', schedule.rate);
  } else if (schedule.kind === 'sqrt-decay') {
    positive('initial rate', schedule.initial);
    positive('final rate', schedule.final);
    positive('decay epochs', schedule.decayEpochs);
  } else {
    throw new UsageError(`unknown learning-rate schedule '${(schedule as { kind: unknown }).kind}'`);
  }
}

/** Adam's constants (Kingma & Ba). */
export interface AdamOptions {
  /** Decay rate of the first-moment (mean) estimate m, in [0, 1). */
  readonly beta1: number;
  /** Decay rate of the second-moment estimate v, in [0, 1). */
  readonly beta2: number;
  /** ε > 0 in the denominator sqrt(v̂) + ε, against division by zero. */
  readonly epsilon: number;
}

/** Kingma & Ba's recommended constants: β1 = 0.9, β2 = 0.999, ε = 1e-8. */
export const DEFAULT_ADAM: AdamOptions = Object.freeze({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });

/**
 * Adam for gradient ASCENT on a parameter vector: moments m, v with bias correction,
 * W += η m̂ / (sqrt(v̂) + ε). Element-wise, so a symmetric gradient keeps W symmetric.
 */
export class Adam {
  readonly m: Float64Array;
  readonly v: Float64Array;
  /** Updates done so far. */
  t = 0;

  constructor(
    size: number,
    readonly options: AdamOptions = DEFAULT_ADAM,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  step(W: Float64Array, grad: Float64Array, eta: number): void {
    const { beta1, beta2, epsilon } = this.options;
    this.t++;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    const m = this.m;
    const v = this.v;
    for (let k = 0; k < W.length; k++) {
      const g = grad[k];
      m[k] = beta1 * m[k] + (1 - beta1) * g;
      v[k] = beta2 * v[k] + (1 - beta2) * g * g;
      W[k] += (eta * (m[k] / c1)) / (Math.sqrt(v[k] / c2) + epsilon);
    }
  }
}
