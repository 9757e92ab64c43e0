import type { ReferenceEstimate, Study } from '@rsrg/core';

/**
 * Table 1 of Chung & Kao (2019): y_t of the 32×32 Ising model at K_c, 10⁶ measurements, for
 * N_r = 1, 2 and N_c = 1..7, with the learned ("optimal") weight factor and majority rule.
 * Rows are [N_c, optimal, its error, majority, its error], values as printed: 0.9217(09) is
 * 0.9217 ± 0.0009 and 0.904(1) is 0.904 ± 0.001.
 */
const TABLE_1: Readonly<Record<1 | 2, readonly (readonly [number, number, number, number, number])[]>> = {
  1: [
    [1, 0.9217, 0.0009, 0.904, 0.001],
    [2, 0.991, 0.0008, 0.966, 0.002],
    [3, 0.9971, 0.0009, 0.968, 0.002],
    [4, 1.0004, 0.0009, 0.968, 0.002],
    [5, 1.0005, 0.001, 0.968, 0.003],
    [6, 1.0009, 0.001, 0.968, 0.003],
    [7, 1.0001, 0.0011, 0.967, 0.003],
  ],
  2: [
    [1, 0.9281, 0.0008, 0.953, 0.002],
    [2, 0.9875, 0.0008, 0.998, 0.002],
    [3, 0.9977, 0.0008, 1.0, 0.002],
    [4, 1.002, 0.001, 0.998, 0.002],
    [5, 1.0032, 0.0011, 0.997, 0.002],
    [6, 1.0018, 0.001, 0.997, 0.002],
    [7, 1.0016, 0.001, 0.997, 0.003],
  ],
};

const reference: ReferenceEstimate[] = ([1, 2] as const).flatMap((nr) =>
  TABLE_1[nr].flatMap(([nc, optimal, optimalError, majority, majorityError]) => [
    { projector: 'rbm', sector: 'even' as const, nr, nc, y: optimal, error: optimalError },
    { projector: 'majority', sector: 'even' as const, nr, nc, y: majority, error: majorityError },
  ]),
);

/**
 * Chung & Kao (2019): an RBM weight factor trained by contrastive divergence on 10⁴ critical
 * configurations of the 32×32 Ising model, compared with majority rule by MCRG (Table 1), with
 * the filter as it trains (Figure 1, epochs 1, 3, 5 and the last) and y_t at N_r = 1 against the
 * training step on 5×10⁴ fresh configurations (Figure 2).
 *
 * Training uses the `nmcrg` preset (the authors' public code: minibatch 50, constant η = 10⁻³,
 * 100 epochs, CD-3). The paper's own schedule (`chung-kao-2019`: minibatch 10, η decaying to
 * 10⁻⁴ by epoch 25, 50 epochs) stops before the filter converges and gives y_t ≈ 0.984–0.992 at
 * N_r = 1, N_c = 7 over three seeds; trained to convergence the filter gives 0.999(3)
 * (docs/learned-projector.md).
 *
 * Scales: `paper` is the paper's data sizes (10⁴ training configurations, 10⁶ measurements,
 * y_t evaluated on 5×10⁴ fresh configurations); `quick` finishes in under a minute on two
 * cores (4000 configurations, 150 epochs of 80 minibatches of 50, 10⁵ measurements) and trains
 * the filter to convergence too, with larger errors.
 */
export const chungKao2019: Study = {
  id: 'chung-kao-2019',
  description: 'learned RBM weight factor vs majority rule for the 2D Ising model (Table 1, Figures 1 and 2)',
  citation:
    'J.-H. Chung and Y.-J. Kao, "Optimal real-space renormalization-group transformations with artificial neural networks" (2019)',
  model: 'ising2d',
  size: 32,
  sampler: 'wolff-wasm',
  interval: 5,
  // Trainer `rbm` (registered by @rsrg/projectors) trains projector `rbm`; the filter figure
  // shows epochs 1, 3, 5 and the last, the trainer's default snapshots.
  training: { trainer: 'rbm', options: { preset: 'nmcrg' } },
  projectors: ['majority', 'rbm'],
  defaultScale: 'quick',
  scales: {
    paper: {
      description: "the paper's sizes: 10⁴ training configurations, 100 epochs (nmcrg), 10⁶ measurements",
      trainingConfigurations: 10_000,
      measurementSamples: 1_000_000,
      evaluationSamples: 50_000,
      // 100 epochs × 200 minibatches: 40 points in Figure 2.
      evaluateEvery: 500,
      thermalize: 1000,
    },
    quick: {
      description:
        'under a minute on two cores: 4000 training configurations, 150 epochs (nmcrg), 10⁵ measurements',
      trainingConfigurations: 4000,
      measurementSamples: 100_000,
      evaluationSamples: 5000,
      // 150 epochs × 80 minibatches of 50: 10 points in Figure 2. y_t levels off after about
      // 8000 updates, as at the paper's scale.
      evaluateEvery: 1200,
      thermalize: 1000,
      training: { epochs: 150 },
    },
  },
  reference,
};
