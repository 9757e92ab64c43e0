import { chiSquare, Lattice, projectorConformance, Registry, Rng, stateSpins } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { majorityProjector, plugin, pluralityRule, rbmFilter, rbmProjector } from '../src/index.js';

// The projector conformance checks on q-state spins (docs/potts.md): the symmetry is the cyclic
// shift of the states, and `probability` is checked against `apply` by enumeration.
const registry = new Registry().use(plugin);
describe.each([
  { id: 'majority', options: {}, q: 3, dimensions: [1, 2, 3] },
  { id: 'majority', options: {}, q: 4, dimensions: [1, 2] },
  { id: 'majority', options: { blockSize: 3 }, q: 3, dimensions: [1, 2] },
  { id: 'decimation', options: {}, q: 3, dimensions: [1, 2, 3] },
])('$id $options at q = $q (conformance)', ({ id, options, q, dimensions }) => {
  for (const check of projectorConformance(registry.projectors.get(id), {
    projectorOptions: options,
    dimensions,
    spins: stateSpins(q),
  })) {
    it(check.name, async (ctx) => {
      const notApplicable = await check.run();
      if (notApplicable) ctx.skip(notApplicable);
    });
  }
});

it('majority and decimation block q-state spins; the Ising-only rbm projector refuses them', async () => {
  const lattice = new Lattice([4, 4]);
  for (const id of ['majority', 'decimation'])
    expect((await registry.projectors.get(id).create({})).supports(lattice, stateSpins(3))).toBeUndefined();
  const rbm = rbmProjector(rbmFilter({ dimension: 2, width: 2, weights: [0.1, 0.2, 0.3, 0.4] }));
  expect(rbm.supports(lattice)).toBeUndefined();
  expect(rbm.supports(lattice, stateSpins(3))).toMatch(/Ising/);
  expect(() => rbm.create(lattice, stateSpins(3))).toThrow(/Ising/);
});

/**
 * Blocks of 2×2 on an 8×8 lattice, all holding `block` (in window order), blocked `draws`
 * times: the frequencies of each coarse state over all 16 blocks.
 */
function tieCounts(q: number, block: number[], draws: number, seed: number): Float64Array {
  const fine = new Lattice([8, 8]);
  const kernel = majorityProjector(2).create(fine, stateSpins(q));
  const sigma = new Int8Array(fine.volume);
  const windows = fine.window(2, 2);
  for (let k = 0; k < windows.length; k++) sigma[windows[k]] = block[k % 4];
  const mu = new Int8Array(kernel.coarse.volume);
  const counts = new Float64Array(q);
  const rng = Rng.stream(seed, 1);
  for (let i = 0; i < draws; i++) {
    kernel.apply(sigma, mu, rng);
    for (const m of mu) counts[m]++;
  }
  return counts;
}

describe('plurality rule: tie frequencies against exact counts (chi-square, z < 4)', () => {
  it('q = 3, b = 2: a 2+2 split goes 50/50 to the two tied states, never to the third', () => {
    const counts = tieCounts(3, [0, 2, 2, 0], 2000, 5);
    expect(counts[1]).toBe(0);
    const { z } = chiSquare(Float64Array.of(counts[0], counts[2]), Float64Array.of(0.5, 0.5));
    expect(z).toBeLessThan(4);
  });

  it('q = 4, b = 2: a 1+1+1+1 block goes 25% to each state', () => {
    const counts = tieCounts(4, [3, 1, 0, 2], 2000, 6);
    const { z } = chiSquare(counts, Float64Array.of(0.25, 0.25, 0.25, 0.25));
    expect(z).toBeLessThan(4);
  });

  it('q = 4, b = 2: 2+1+1 takes the pair, without a draw', () => {
    const rng = Rng.stream(1, 1);
    const before = rng.s.slice();
    const fine = new Lattice([2, 2]);
    const kernel = majorityProjector(2).create(fine, stateSpins(4));
    const mu = new Int8Array(1);
    kernel.apply(Int8Array.of(1, 3, 3, 0), mu, rng);
    expect(mu[0]).toBe(3);
    expect(rng.s).toEqual(before);
  });

  it('negative control: the same counts reject a 60/40 and a biased four-way split', () => {
    const three = tieCounts(3, [0, 2, 2, 0], 2000, 5);
    expect(chiSquare(Float64Array.of(three[0], three[2]), Float64Array.of(0.6, 0.4)).z).toBeGreaterThan(4);
    const four = tieCounts(4, [3, 1, 0, 2], 2000, 6);
    expect(chiSquare(four, Float64Array.of(0.3, 0.25, 0.25, 0.2)).z).toBeGreaterThan(4);
  });

  it('the kernel draws as Rng.nextInt(t) among the tied states in increasing order, once per tie', () => {
    const q = 5;
    const rng = Rng.stream(3, 0);
    const fine = new Lattice([16, 16]);
    const blocks = fine.window(2, 2);
    const sigma = new Uint8Array(fine.volume);
    for (let i = 0; i < sigma.length; i++) sigma[i] = rng.nextInt(q);
    const mu = new Uint8Array(64);
    const state = Rng.stream(4, 0);
    const reference = state.clone();
    const ties = pluralityRule(sigma, blocks, 4, mu, 64, new Int32Array(q), state.s);
    let expectedTies = 0;
    for (let J = 0; J < 64; J++) {
      const count = new Array(q).fill(0);
      for (let k = 0; k < 4; k++) count[sigma[blocks[4 * J + k]]]++;
      const best = Math.max(...count);
      const tied = count.flatMap((c, a) => (c === best ? [a] : []));
      const expected = tied.length === 1 ? tied[0] : tied[reference.nextInt(tied.length)];
      if (tied.length > 1) expectedTies++;
      expect(mu[J]).toBe(expected);
    }
    expect(ties).toBe(expectedTies);
    expect(expectedTies).toBeGreaterThan(10);
    expect(state.s).toEqual(reference.s);
  });
});
