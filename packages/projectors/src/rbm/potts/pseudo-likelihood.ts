import type { PottsRbmUnits } from './kernel/types.js';

/**
 * The pseudo-log-likelihood per site of the q-state RBM marginal Y(σ)/ΣY,
 * PLL(σ) = (1/N) Σ_i log P(σ_i | σ_{−i}) = −(1/N) Σ_i log Σ_c e^{log Y(σ^{i→c}) − log Y(σ)},
 * exact (no sampling, no ΣY): setting site i from s to c moves W_k from φ_{J,s} to φ_{J,c} for
 * every (J, k) whose window holds i. A training diagnostic: it rises as Y/ΣY fits the data
 * (−ln q at W = 0).
 */
export class PottsPseudoLikelihood {
  private readonly work: Float64Array;
  private readonly seen: Uint8Array;
  private readonly delta: Float64Array;

  constructor(private readonly units: PottsRbmUnits) {
    this.work = new Float64Array(units.hiddenField.length);
    this.seen = new Uint8Array(units.layout.hidden);
    this.delta = new Float64Array(units.q);
  }

  /** Mean over the configurations at `offsets` of PLL per site, for the weights W. */
  mean(W: Float64Array, configs: Int8Array, offsets: ArrayLike<number>): number {
    const { units, work, seen, delta } = this;
    const { q, layout: l } = units;
    const { visibleStart: start, visibleUnit: unit, visibleWeight: weight } = l;
    units.setWeights(W);
    const phi = units.hiddenField;
    const z = units.hiddenLogNorm;
    let total = 0;
    for (let n = 0; n < offsets.length; n++) {
      const offset = offsets[n];
      units.hiddenFields(configs, offset);
      work.set(phi);
      for (let i = 0; i < l.visible; i++) {
        const s = configs[offset + i] & 255;
        const end = start[i + 1];
        // Δ_c = log Y(σ^{i→c}) − log Y(σ), Δ_s = 0.
        delta[s] = 0;
        for (let c = 0; c < q; c++) {
          if (c === s) continue;
          for (let e = start[i]; e < end; e++) {
            const b = unit[e] * q;
            work[b + s] -= W[weight[e]];
            work[b + c] += W[weight[e]];
          }
          let d = 0;
          for (let e = start[i]; e < end; e++) {
            const J = unit[e];
            if (seen[J]) continue;
            seen[J] = 1;
            const b = J * q;
            let max = work[b];
            for (let a = 1; a < q; a++) if (work[b + a] > max) max = work[b + a];
            let t = 0;
            for (let a = 0; a < q; a++) t += Math.exp(work[b + a] - max);
            d += max + Math.log(t) - z[J];
          }
          for (let e = start[i]; e < end; e++) {
            const J = unit[e];
            seen[J] = 0;
            const b = J * q;
            for (let a = 0; a < q; a++) work[b + a] = phi[b + a];
          }
          delta[c] = d;
        }
        let max = 0;
        for (let c = 0; c < q; c++) if (delta[c] > max) max = delta[c];
        let sum = 0;
        for (let c = 0; c < q; c++) sum += Math.exp(delta[c] - max);
        total -= max + Math.log(sum);
      }
    }
    return total / (offsets.length * l.visible);
  }
}
