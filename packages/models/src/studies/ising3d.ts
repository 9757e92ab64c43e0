import type { Study, StudyScale } from '@rsrg/core';

const CITATION =
  'R. H. Swendsen, "Monte Carlo renormalization group" (1979); learned projector after J.-H. Chung and Y.-J. Kao (2019); exact exponents from the conformal bootstrap, y_t = 3 − Δ_ε = 1.587375(10), y_h = 3 − Δ_σ = 2.4818511(10) (F. Kos, D. Poland, D. Simmons-Duffin and A. Vichi, "Precision islands in the Ising and O(N) models" (2016))';

/** Common part of both 3D studies: model, sampler and projectors. */
const common = {
  citation: CITATION,
  model: 'ising3d',
  sampler: 'wolff-wasm',
  interval: 5,
  projectors: ['majority', 'rbm'],
  defaultScale: 'quick',
  // No published table of y per N_r, N_c in 3D: the report shows the model's exponents instead.
  reference: [],
} as const;

/**
 * Trainer `rbm` with the nmcrg preset (constant η = 10⁻³, minibatch 50, CD-3: the preset that
 * converges in 2D); the filter figure shows epochs 1, 3, 5 and 100 (the last, in a shorter run).
 */
const RBM_TRAINING = { trainer: 'rbm', options: { preset: 'nmcrg', snapshotEpochs: '1,3,5,100' } } as const;

/** Quick scale (L = 16): checks the pipeline in about a minute on two cores. */
const quick16: StudyScale = {
  description:
    'about a minute on two cores: 2000 training configurations, 4³ filter, 10 epochs of 200 minibatches of 10, 5×10⁴ measurements',
  trainingConfigurations: 2000,
  measurementSamples: 50_000,
  evaluationSamples: 2000,
  // 10 epochs × 200 minibatches: 10 points in Figure 2.
  evaluateEvery: 200,
  thermalize: 1000,
  training: { width: 4, epochs: 10, batchSize: 10 },
};

/**
 * The simple cubic Ising model at K_c, 16³: RBM weight factor (4³ filter, b = 2) against
 * majority rule, y_t and y_h for N_r = 1, 2 (16 → 8 → 4) and the ten even and six odd couplings
 * of 'ising3d.even' / 'ising3d.odd'. Compared with y_t = 1.587375(10) and y_h = 2.4818511(10);
 * see docs/ising3d.md.
 */
export const ising3d16: Study = {
  ...common,
  id: 'ising3d-16',
  description:
    'learned RBM weight factor (4³ filter) vs majority rule for the 16³ Ising model at K_c (y_t = 1.587375(10), y_h = 2.4818511(10))',
  size: 16,
  training: RBM_TRAINING,
  scales: {
    quick: quick16,
    campaign: {
      description:
        'about 5 min on two cores: 10⁴ training configurations, 4³ filter, 100 epochs of 200 minibatches of 50, 4×10⁵ measurements',
      trainingConfigurations: 10_000,
      measurementSamples: 400_000,
      evaluationSamples: 5000,
      // 100 epochs × 200 minibatches: 20 points in Figure 2.
      evaluateEvery: 1000,
      thermalize: 1000,
      training: { width: 4, epochs: 100 },
    },
  },
};

/**
 * The simple cubic Ising model at K_c, 32³: as `ising3d-16` with N_r = 1..3 (32 → 16 → 8 → 4),
 * which separates the leading exponent from the corrections to scaling that limit 16³.
 */
export const ising3d32: Study = {
  ...common,
  id: 'ising3d-32',
  description:
    'learned RBM weight factor (4³ filter) vs majority rule for the 32³ Ising model at K_c (y_t = 1.587375(10), y_h = 2.4818511(10))',
  size: 32,
  training: RBM_TRAINING,
  // A Wolff cluster covers ~4.3% of 32³ at K_c (8.6% of 16³): twice the moves between
  // configurations, and 5000 moves (~200 sweeps) before the first; with 500 the chains start out
  // of equilibrium and y_t comes out above 3 (docs/ising3d.md).
  interval: 10,
  scales: {
    quick: {
      description:
        'under two minutes on two cores: 1000 training configurations, 4³ filter, 5 epochs of 100 minibatches of 10, 2×10⁴ measurements',
      trainingConfigurations: 1000,
      measurementSamples: 20_000,
      evaluationSamples: 500,
      // 5 epochs × 100 minibatches: 5 points in Figure 2.
      evaluateEvery: 100,
      thermalize: 5000,
      training: { width: 4, epochs: 5, batchSize: 10 },
    },
    campaign: {
      description:
        'about 5 min on two cores: 4³ filter learned on 10⁴ configurations of 16³ (as in the 16³ campaign: 100 epochs of 200 minibatches of 50), 10⁵ measurements on 32³',
      // The filter is translation invariant and blocks 16³ → 8³ at N_r = 2 anyway: learned on
      // 16³, an update costs an eighth of one on 32³, so it can be trained to convergence.
      trainingSize: 16,
      trainingConfigurations: 10_000,
      measurementSamples: 100_000,
      evaluationSamples: 5000,
      evaluateEvery: 1000,
      thermalize: 5000,
      training: { width: 4, epochs: 100 },
    },
  },
};
