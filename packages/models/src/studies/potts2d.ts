import type { Study, StudyScale } from '@rsrg/core';

const CITATION =
  'R. H. Swendsen, "Monte Carlo renormalization group" (1979); learned projector after J.-H. Chung and Y.-J. Kao (2019); exact exponents of the 2D q-state Potts model from its Coulomb-gas solution (den Nijs 1979, Nienhuis 1982): q = 3: y_t = 6/5, y_h = 28/15; q = 4: y_t = 3/2, y_h = 15/8, with logarithmic corrections';

/**
 * Quick scale: the whole pipeline in under a minute on two cores. The 4² filter is learned on
 * 16×16 (it is translation invariant, and an update there costs a sixteenth of one on 64×64).
 */
const quick: StudyScale = {
  description:
    'under a minute, measured on two shared, busy cores (q = 3: 43 s, q = 4: 19 s): symmetric 4² filter learned on 1000 configurations of 16×16 (20 epochs of 50 minibatches of 20), 10⁴ measurements on 64×64',
  trainingSize: 16,
  trainingConfigurations: 1000,
  measurementSamples: 10_000,
  evaluationSamples: 1000,
  // 20 epochs × 50 minibatches: 10 points in the training curve.
  evaluateEvery: 100,
  thermalize: 1000,
  training: { epochs: 20, batchSize: 20, snapshotEpochs: '1,3,5,20' },
};

/**
 * Campaign scale: the filter trained until the pseudo-likelihood levels off (about 2500
 * updates at η = 0.01 on 16×16), then 10⁵ measurements on 64×64 (as the plurality-rule run of
 * docs/potts.md).
 */
const campaign: StudyScale = {
  description:
    'at most 8 min, measured on two shared, busy cores (q = 3: 7 min 0 s, q = 4: 4 min 14 s): symmetric 4² filter learned on 10⁴ configurations of 16×16 (30 epochs of 200 minibatches of 50), 10⁵ measurements on 64×64',
  trainingSize: 16,
  trainingConfigurations: 10_000,
  measurementSamples: 100_000,
  evaluationSamples: 5000,
  // 30 epochs × 200 minibatches: 12 points in the training curve.
  evaluateEvery: 500,
  thermalize: 2000,
  training: { epochs: 30, snapshotEpochs: '1,3,5,30' },
};

/**
 * The study of the q-state Potts model: plurality rule against the learned q-state RBM weight
 * factor on the same 64×64 configurations at K_c = ln(1 + √q), N_r = 1..4.
 *
 * Training: trainer `potts-rbm` (nmcrg preset: minibatch 50, CD-3, Adam), a 4² filter with
 * stride 2, η = 0.01 constant rather than the preset's 10⁻³: Adam moves a weight by about η per
 * update, and the learned centre weight grows to about 5, which at 10⁻³ takes more updates than
 * these scales afford. The filter is symmetrized over the square's point group about its centre
 * (its four central sites {1, 2}² weigh most), as a block rule is: unsymmetrized, 3200 updates on 16×16 drift
 * to one strong site (4.9) with weaker neighbours, a soft decimation. The initial weights are uniform in [0, 0.01], the trainer's default, which
 * starts in the plurality-like basin (W > 0), not the anti-plurality one (packages/projectors
 * README).
 */
function pottsStudy(q: 3 | 4, exponents: string): Study {
  return {
    id: `potts2d-q${q}`,
    description: `learned q-state RBM weight factor (4² filter) vs plurality rule for the ${q}-state Potts model on 64×64 at K_c = ln(1+√${q}) (${exponents})`,
    citation: CITATION,
    model: 'potts2d',
    modelOptions: { q },
    size: 64,
    sampler: 'potts-wolff-wasm',
    interval: 5,
    // The trainer is told q too: it trains the categorical units of the study's model.
    training: {
      trainer: 'potts-rbm',
      options: { q, preset: 'nmcrg', width: 4, learningRate: 0.01, symmetrize: true },
    },
    projectors: ['majority', 'potts-rbm'],
    defaultScale: 'quick',
    scales: { quick, campaign },
    // No published table of y per N_r, N_c: the exact exponents are the model's.
    reference: [],
  };
}

/** The 3-state Potts model on 64×64 at K_c: y_t = 6/5, y_h = 28/15 (docs/potts.md). */
export const potts2dQ3 = pottsStudy(3, 'y_t = 6/5, y_h = 28/15');

/**
 * The 4-state Potts model on 64×64 at K_c: y_t = 3/2, y_h = 15/8, approached with logarithmic
 * corrections (a marginal operator), so finite N_r lies further off (docs/potts.md).
 */
export const potts2dQ4 = pottsStudy(4, 'y_t = 3/2, y_h = 15/8, with log corrections');
