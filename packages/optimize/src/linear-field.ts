import { type Lattice, type Projector, UsageError } from '@rsrg/core';
import {
  fieldSites,
  filterOffset,
  type RbmFilter,
  rbmFilter,
  rbmProjector,
  stochasticMajorityProjector,
  symmetryOrbits,
} from '@rsrg/projectors';
import type { BlockRuleData } from './rule-data.js';

/**
 * The sites behind the features of every block on one lattice: block J adds σ at
 * `sites[J·r + q]` to φ_{parameterOf[q]}, for q < r. A feature is then a sum of fine spins,
 * φ_j(J, σ) = Σ_{q: parameterOf[q] = j} σ_{sites[J·r + q]}.
 */
export interface BlockFeatures {
  /** r fine sites per block, block after block in coarse-site order. */
  readonly sites: Int32Array;
  /** For each of the r positions of a block, the parameter whose feature it feeds. */
  readonly parameterOf: Int32Array;
  /** Sites per block. */
  readonly r: number;
}

/**
 * A block rule P(μ|σ) = Π_B e^{μ_B h_B} / (2 cosh h_B) whose field is linear in its parameters,
 * h_B = Σ_j θ_j φ_j(B, σ), so that ∂ ln P/∂θ_j = Σ_B (μ_B − tanh h_B) φ_j(B, σ): the one
 * abstraction behind the score-function gradients. The stochastic majority rule
 * (φ = Σ_B σ, Σ_shell σ) and the RBM filter (φ_k = σ_{bX_B + k}) are instances. Its projector
 * must draw a fixed number of numbers per block whatever θ is (common random numbers).
 */
export interface LinearFieldRule {
  /** θ, one number per parameter. */
  readonly theta: readonly number[];
  /** The name of each parameter, e.g. 'w', 'w1' or 'W[0,1]'. */
  readonly names: readonly string[];
  /** Lower bound of each parameter (−Infinity where there is none). */
  readonly lower: readonly number[];
  /** Block size b. */
  readonly blockSize: number;
  /** The projector at θ. */
  readonly projector: Projector;
  /** The same rule at other parameters (same number of them). */
  at(theta: readonly number[]): LinearFieldRule;
  /** The feature sites of every block on `fine`. */
  features(fine: Lattice): BlockFeatures;
  /** The rule as plain data, from which a worker thread rebuilds it (`linearFieldFromData`). */
  readonly data: BlockRuleData;
}

/** Throws UsageError unless θ has `p` finite entries. */
function checkTheta(theta: readonly number[], p: number, what: string): void {
  if (theta.length !== p) throw new UsageError(`${what} has ${p} parameters, got ${theta.length}`);
  for (let j = 0; j < p; j++)
    if (!Number.isFinite(theta[j]))
      throw new UsageError(`${what}: parameter ${j} is not finite (${theta[j]})`);
}

/**
 * The stochastic majority rule as a linear-field rule, θ = (w, w₁): φ_0 = Σ_B σ (the v = b^d
 * block sites) and φ_1 = Σ_shell(B) σ (its u shell sites), in `fieldSites` order. The shell is
 * always among the features, so that ∂/∂w₁ exists at w₁ = 0. w must be finite: the gradient
 * of majority rule itself (w = ∞) is not defined.
 */
export function stochasticMajorityField(
  theta: { readonly w: number; readonly w1: number },
  b = 2,
): LinearFieldRule {
  if (!Number.isFinite(theta.w)) throw new UsageError('the gradient in w needs a finite w');
  const projector = stochasticMajorityProjector(theta, b);
  return {
    theta: [theta.w, theta.w1],
    names: ['w', 'w1'],
    lower: [0, Number.NEGATIVE_INFINITY],
    blockSize: b,
    projector,
    data: { kind: 'stochastic-majority', w: theta.w, w1: theta.w1, blockSize: b },
    at: (t) => {
      checkTheta(t, 2, 'the stochastic majority rule');
      return stochasticMajorityField({ w: t[0], w1: t[1] }, b);
    },
    features(fine) {
      const { table, v, u } = fieldSites(fine, b, true);
      const parameterOf = new Int32Array(v + u);
      parameterOf.fill(1, v);
      return { sites: table, parameterOf, r: v + u };
    },
  };
}

/**
 * The RBM filter (projector `rbm`) as a linear-field rule: θ = W, the w^d weights row-major in
 * the offset k from the block's corner, and φ_k(B, σ) = σ_{bX_B + k} (periodic), so that
 * h_B = Σ_k W_k σ_{bX_B + k} is the filter's hidden field. The projector draws one number per
 * hidden unit whatever W is.
 */
export function rbmFilterField(filter: RbmFilter): LinearFieldRule {
  const projector = rbmProjector(filter);
  const { dimension, width, blockSize } = filter;
  const p = filter.weights.length;
  checkTheta(Array.from(filter.weights), p, 'the RBM filter');
  return {
    theta: Array.from(filter.weights),
    names: Array.from({ length: p }, (_, k) => `W[${filterOffset(filter, k).join(',')}]`),
    lower: new Array<number>(p).fill(Number.NEGATIVE_INFINITY),
    blockSize,
    projector,
    data: { kind: 'rbm-filter', dimension, width, blockSize, weights: Array.from(filter.weights) },
    at: (t) => {
      checkTheta(t, p, 'the RBM filter');
      return rbmFilterField(rbmFilter({ dimension, width, blockSize, weights: t }));
    },
    features(fine) {
      if (fine.dimension !== dimension)
        throw new UsageError(`the RBM filter is ${dimension}-dimensional, lattice ${fine.label} is not`);
      const parameterOf = new Int32Array(p);
      for (let k = 0; k < p; k++) parameterOf[k] = k;
      return { sites: fine.window(blockSize, width), parameterOf, r: p };
    },
  };
}

/** The geometry of an RBM filter: dimension d, side w, block size b. */
export type FilterGeometry = Pick<RbmFilter, 'dimension' | 'width' | 'blockSize'>;

/**
 * The filter whose weights are tied by the point group about the window centre: every site of
 * orbit o (`symmetryOrbits`) gets θ_o, so the filter is invariant bit for bit.
 */
export function orbitFilter(geometry: FilterGeometry, theta: readonly number[]): RbmFilter {
  const orbits = symmetryOrbits(geometry.dimension, geometry.width);
  checkTheta(theta, orbits.length, 'the symmetric RBM filter');
  const filter = rbmFilter(geometry);
  for (let o = 0; o < orbits.length; o++) for (const k of orbits[o]) filter.weights[k] = theta[o];
  return filter;
}

/**
 * The orbit weights θ of a filter invariant under the point group about its window centre
 * (every orbit's weights equal); throws UsageError naming the first orbit that is not.
 */
export function orbitWeights(filter: RbmFilter): number[] {
  const orbits = symmetryOrbits(filter.dimension, filter.width);
  return orbits.map((orbit) => {
    const value = filter.weights[orbit[0]];
    for (const k of orbit)
      if (filter.weights[k] !== value)
        throw new UsageError(
          `the filter is not symmetric about its window centre: W[${filterOffset(filter, k).join(',')}] = ${filter.weights[k]} but W[${filterOffset(filter, orbit[0]).join(',')}] = ${value}`,
        );
    return value;
  });
}

/**
 * The RBM filter tied by the point group of the hypercubic lattice (axis permutations and
 * reflections about the window centre, `symmetryOrbits`) as a linear-field rule: one parameter
 * θ_o per orbit o, the weight of all its sites, and the orbit feature
 * φ_o(B, σ) = Σ_{k∈o} σ_{bX_B + k}. Then h_B is the filter's field and ∂/∂θ_o = Σ_{k∈o} ∂/∂W_k:
 * the same draws and the same score as `rbmFilterField` of `orbitFilter(θ)`, with fewer and
 * better determined parameters. A parameter is named by the smallest offset of its orbit and
 * the orbit's size, e.g. 'W[0,0,0]×8'.
 */
export function symmetricFilterField(geometry: FilterGeometry, theta: readonly number[]): LinearFieldRule {
  const { dimension, width, blockSize } = geometry;
  const orbits = symmetryOrbits(dimension, width);
  const filter = orbitFilter(geometry, theta);
  const p = orbits.length;
  return {
    theta: [...theta],
    names: orbits.map((orbit) => `W[${filterOffset(filter, orbit[0]).join(',')}]×${orbit.length}`),
    lower: new Array<number>(p).fill(Number.NEGATIVE_INFINITY),
    blockSize,
    projector: rbmProjector(filter),
    data: { kind: 'symmetric-filter', dimension, width, blockSize, weights: [...theta] },
    at: (t) => symmetricFilterField(geometry, t),
    features(fine) {
      if (fine.dimension !== dimension)
        throw new UsageError(`the RBM filter is ${dimension}-dimensional, lattice ${fine.label} is not`);
      const parameterOf = new Int32Array(filter.weights.length);
      for (let o = 0; o < p; o++) for (const k of orbits[o]) parameterOf[k] = o;
      return { sites: fine.window(blockSize, width), parameterOf, r: parameterOf.length };
    },
  };
}

/**
 * The score of one blocking on one lattice: adds Σ_J (μ_J − tanh h_J) φ_j(J, σ) to G_j, with
 * h_J = Σ_j θ_j φ_j(J, σ). Made once per lattice; `add` allocates nothing.
 */
export class BlockScore {
  private readonly sites: Int32Array;
  private readonly parameterOf: Int32Array;
  private readonly r: number;
  private readonly theta: Float64Array;
  private readonly phi: Float64Array;

  /** @param rule the rule at θ @param fine the lattice it blocks */
  constructor(rule: LinearFieldRule, fine: Lattice) {
    const { sites, parameterOf, r } = rule.features(fine);
    this.sites = sites;
    this.parameterOf = parameterOf;
    this.r = r;
    this.theta = Float64Array.from(rule.theta);
    this.phi = new Float64Array(rule.theta.length);
  }

  /** G_j += Σ_J (μ_J − tanh h_J) φ_j(J, σ) over the n = μ.length blocks. */
  add(sigma: Int8Array, mu: Int8Array, G: Float64Array): void {
    const { sites, parameterOf, r, theta, phi } = this;
    const p = theta.length;
    for (let J = 0; J < mu.length; J++) {
      phi.fill(0);
      const base = J * r;
      for (let q = 0; q < r; q++) phi[parameterOf[q]] += sigma[sites[base + q]];
      let h = 0;
      for (let j = 0; j < p; j++) h += theta[j] * phi[j];
      const residual = mu[J] - Math.tanh(h);
      for (let j = 0; j < p; j++) G[j] += residual * phi[j];
    }
  }
}

/** The projector `data` describes (also majority rule, w = ∞, which is no linear-field rule). */
export function projectorFromData(data: BlockRuleData): Projector {
  if (data.kind === 'stochastic-majority')
    return stochasticMajorityProjector({ w: data.w, w1: data.w1 }, data.blockSize);
  return linearFieldFromData(data).projector;
}

/** The linear-field rule `data` describes (its `data` is `data` again); w must be finite. */
export function linearFieldFromData(data: BlockRuleData): LinearFieldRule {
  if (data.kind === 'stochastic-majority') return stochasticMajorityField(data, data.blockSize);
  const { dimension, width, blockSize, weights } = data;
  if (data.kind === 'symmetric-filter') return symmetricFilterField({ dimension, width, blockSize }, weights);
  return rbmFilterField(rbmFilter({ dimension, width, blockSize, weights }));
}
