import {
  type CouplingOperator,
  type CouplingSet,
  couplingFromOrbit,
  couplingSet,
  type CouplingOperator as Operator,
  type Term,
} from '@rsrg/core';

/** Π δ: every site of a term in one state. Invariant under every permutation of the states. */
export const EQUAL: CouplingOperator = Object.freeze({ kind: 'equal' });

/** [every site in state 0] − [every site in one state]/q: the component along state 0 of the order parameter. */
export function alongStateZero(q: number): Operator {
  return Object.freeze({ kind: 'state', state: 0, states: q });
}

const NN: Term = [
  [0, 0],
  [0, 1],
];
const DIAGONAL: Term = [
  [0, 0],
  [1, 1],
];
const PLAQUETTE: Term = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const THIRD: Term = [
  [0, 0],
  [0, 2],
];

/**
 * 'potts2d.thermal': the permutation-invariant couplings (y_t), in the order of docs/potts.md:
 * the Ising orbits of Chung & Kao's Table 1, each term "all its sites in one state" (Π δ).
 */
export const potts2dThermal: CouplingSet = couplingSet(
  'potts2d.thermal',
  'square Potts, thermal: Π δ over the 7 orbits of the Ising even set',
  [
    couplingFromOrbit('nearest neighbour', NN, undefined, EQUAL),
    couplingFromOrbit('next-nearest (1,1)', DIAGONAL, undefined, EQUAL),
    couplingFromOrbit('plaquette', PLAQUETTE, undefined, EQUAL),
    couplingFromOrbit('third neighbour (2,0)', THIRD, undefined, EQUAL),
    couplingFromOrbit(
      'knight (2,1)',
      [
        [0, 0],
        [1, 2],
      ],
      undefined,
      EQUAL,
    ),
    couplingFromOrbit(
      'diamond',
      [
        [0, 1],
        [1, 0],
        [1, 2],
        [2, 1],
      ],
      undefined,
      EQUAL,
    ),
    couplingFromOrbit(
      'pair (2,2)',
      [
        [0, 0],
        [2, 2],
      ],
      undefined,
      EQUAL,
    ),
  ],
);

/**
 * 'potts2d.magnetic' at q states: the component along state 0 (y_h), in the order of
 * docs/potts.md: m = Σ (δ(σ,0) − 1/q), then the same component of nn, diagonal, 3-site corner
 * and (2,0) terms, [all in 0] − [all equal]/q. For q = 2 the nn term is 2m, so N_c ≥ 2 is
 * singular there (the analysis reports it as undefined).
 */
export function potts2dMagnetic(q: number): CouplingSet {
  const along = alongStateZero(q);
  return couplingSet('potts2d.magnetic', `square Potts (q = ${q}), magnetic: components along state 0`, [
    couplingFromOrbit('magnetization', [[0, 0]], undefined, along),
    couplingFromOrbit('nearest neighbour', NN, undefined, along),
    couplingFromOrbit('next-nearest (1,1)', DIAGONAL, undefined, along),
    couplingFromOrbit(
      '3-site plaquette corner',
      [
        [0, 0],
        [0, 1],
        [1, 0],
      ],
      undefined,
      along,
    ),
    couplingFromOrbit('third neighbour (2,0)', THIRD, undefined, along),
  ]);
}
