import { Lattice, type Rng } from '@rsrg/core';
import type { RbmFilter } from '../src/rbm/filter.js';
import { pottsRbmProjector } from '../src/rbm/potts/index.js';

/**
 * Exact oracles for the q-state RBM tests, by enumeration and straight from the definitions
 * (no kernel code): the joint weight e^{E(σ,μ)} with E = Σ_J Σ_k W_k δ(σ_{b·X_J+k}, μ_J) read
 * off `Lattice.window`, and the nearest-neighbour Potts model on a small torus.
 */

/** Configuration number c in base q (site 0 the lowest digit), into `out`. */
export function statesFromIndex(c: number, q: number, out: Int8Array): Int8Array {
  for (let i = 0; i < out.length; i++) {
    out[i] = c % q;
    c = Math.floor(c / q);
  }
  return out;
}

/** E(σ, μ) = Σ_J Σ_k W_k δ(σ_{b·X_J+k}, μ_J), from `Lattice.window`. */
export function jointEnergy(lattice: Lattice, filter: RbmFilter, sigma: Int8Array, mu: Int8Array): number {
  const wd = filter.weights.length;
  const window = lattice.window(filter.blockSize, filter.width);
  let e = 0;
  for (let J = 0; J < window.length / wd; J++) {
    for (let k = 0; k < wd; k++) if (sigma[window[J * wd + k]] === mu[J]) e += filter.weights[k];
  }
  return e;
}

/** log Σ_x e^{v_x}. */
export function logSumExp(v: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < v.length; i++) max = Math.max(max, v[i]);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.exp(v[i] - max);
  return max + Math.log(s);
}

/**
 * The q-state Potts model p(σ) ∝ exp(K Σ_i Σ_{e ∈ axes} δ(σ_i, σ_{i+e})) on a small periodic
 * lattice, enumerated (a side of 2 counts its bond twice, from both ends: part of the model here).
 */
export class PottsExact {
  readonly lattice: Lattice;
  readonly states: number;
  readonly p: Float64Array;
  private readonly cdf: Float64Array;

  constructor(
    sizes: readonly number[],
    readonly q: number,
    readonly K: number,
  ) {
    this.lattice = new Lattice(sizes);
    const V = this.lattice.volume;
    this.states = q ** V;
    const bonds: [number, number][] = [];
    for (let i = 0; i < V; i++) {
      const x = this.lattice.coords(i);
      for (let a = 0; a < x.length; a++) {
        const y = [...x];
        y[a] += 1;
        bonds.push([i, this.lattice.index(y)]);
      }
    }
    const logW = new Float64Array(this.states);
    const sigma = new Int8Array(V);
    for (let c = 0; c < this.states; c++) {
      statesFromIndex(c, q, sigma);
      let s = 0;
      for (const [i, j] of bonds) if (sigma[i] === sigma[j]) s++;
      logW[c] = K * s;
    }
    const z = logSumExp(logW);
    this.p = logW.map((v) => Math.exp(v - z));
    this.cdf = new Float64Array(this.states);
    let acc = 0;
    for (let c = 0; c < this.states; c++) this.cdf[c] = acc += this.p[c];
  }

  /** n independent configurations drawn from p. */
  sample(n: number, rng: Rng): Int8Array {
    const V = this.lattice.volume;
    const out = new Int8Array(n * V);
    for (let t = 0; t < n; t++) {
      const u = rng.nextFloat() * this.cdf[this.states - 1];
      let lo = 0;
      let hi = this.states - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.cdf[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      statesFromIndex(lo, this.q, out.subarray(t * V, (t + 1) * V));
    }
    return out;
  }

  /**
   * D(p ‖ Y/ΣY) and the exact log-likelihood gradient ⟨G⟩_p − ⟨G⟩_{Y/ΣY}, G = ∂ log Y/∂W, with
   * Y from the projector and the brute-force normalisation over all configurations.
   */
  divergence(filter: RbmFilter): { kl: number; gradient: Float64Array } {
    const { lattice, p, q } = this;
    const projector = pottsRbmProjector({ q, filter });
    const wd = filter.weights.length;
    const logY = new Float64Array(this.states);
    const G = new Float64Array(this.states * wd);
    const sigma = new Int8Array(lattice.volume);
    for (let c = 0; c < this.states; c++) {
      statesFromIndex(c, q, sigma);
      logY[c] = projector.logY(lattice, sigma);
      projector.logYGradient(lattice, sigma, G.subarray(c * wd, (c + 1) * wd));
    }
    const logZ = logSumExp(logY);
    let kl = 0;
    const gradient = new Float64Array(wd);
    for (let c = 0; c < this.states; c++) {
      const y = Math.exp(logY[c] - logZ);
      if (p[c] > 0) kl += p[c] * (Math.log(p[c]) - (logY[c] - logZ));
      for (let k = 0; k < wd; k++) gradient[k] += (p[c] - y) * G[c * wd + k];
    }
    return { kl, gradient };
  }
}
