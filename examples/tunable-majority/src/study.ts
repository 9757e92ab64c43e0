import { TUNABLE_MAJORITY_ID } from './tunable-majority.js';

/**
 * A study this plugin brings along: majority rule against the tunable majority rule with w
 * fitted by `tunableMajorityTrainer`, on the 16×16 Ising model at K_c. `quick` runs in seconds:
 * `rsrg --plugin <this package>/dist/index.js reproduce tunable-majority-ising2d`. There is no
 * published table for this comparison; the training curve shows the exact y_t = 1.
 */
export const tunableMajorityStudy = {
  id: 'tunable-majority-ising2d',
  description: 'majority rule vs the tunable majority rule with w by maximum likelihood, 16×16 Ising at K_c',
  citation:
    'R. H. Swendsen, "Monte Carlo renormalization group" (1979), for the rule; w by maximum likelihood of the RBM marginal, as in J.-H. Chung and Y.-J. Kao (2019)',
  model: 'ising2d',
  size: 16,
  projectors: ['majority', TUNABLE_MAJORITY_ID],
  training: { trainer: TUNABLE_MAJORITY_ID, options: { wMax: 2, points: 41 } },
  defaultScale: 'quick',
  scales: {
    quick: {
      description: 'seconds: 400 training configurations, w on 41 points, 4000 measurements',
      trainingConfigurations: 400,
      measurementSamples: 4000,
      evaluationSamples: 400,
      // 41 grid points: the best w so far at 10, 20, 30, 40 and 41.
      evaluateEvery: 10,
      thermalize: 200,
    },
  },
  reference: [],
} as const;
