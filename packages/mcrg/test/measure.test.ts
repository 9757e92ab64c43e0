import { CompiledCouplings, Lattice, Rng, randomSpins } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { MeasurementPipeline } from '../src/index.js';
import { sourceRegistry } from './registry.js';

describe('MeasurementPipeline', () => {
  const registry = sourceRegistry();
  const even = registry.couplingSets.get('ising2d.even').couplings;
  const odd = registry.couplingSets.get('ising2d.odd').couplings;
  const lattice = Lattice.cubic(2, 16);

  it('decimation: level n holds the couplings of the corner spins of level n − 1', async () => {
    const projector = await registry.projectors.get('decimation').create({});
    const pipeline = new MeasurementPipeline(lattice, projector, { even, odd }, 2);
    expect(pipeline.lattices.map((l) => l.label)).toEqual(['16×16', '8×8', '4×4']);
    const rng = Rng.stream(5, 0);
    const spins = randomSpins(lattice, rng);
    const values = pipeline.measure(spins, rng);
    expect(values).toBe(pipeline.values);
    let level = spins;
    for (let n = 0; n <= 2; n++) {
      const L = 16 >> n;
      if (n > 0) {
        const coarse = new Int8Array(L * L);
        for (let r = 0; r < L; r++)
          for (let c = 0; c < L; c++) coarse[r * L + c] = level[2 * r * (2 * L) + 2 * c];
        level = coarse;
      }
      const expected = new Float64Array(11);
      new CompiledCouplings([...even, ...odd], Lattice.cubic(2, L)).evaluate(level, expected);
      expect(Array.from(values.subarray(n * 11, (n + 1) * 11))).toEqual(Array.from(expected));
    }
    // Level 0 nearest-neighbour sum by hand.
    let nn = 0;
    for (let r = 0; r < 16; r++) {
      for (let c = 0; c < 16; c++) {
        nn += spins[r * 16 + c] * (spins[r * 16 + ((c + 1) % 16)] + spins[((r + 1) % 16) * 16 + c]);
      }
    }
    expect(values[0]).toBe(nn);
  });

  it('majority: draws tie-breaking coins from the chain stream, level by level', async () => {
    const projector = await registry.projectors.get('majority').create({});
    const pipeline = new MeasurementPipeline(lattice, projector, { even, odd }, 2);
    const spins = randomSpins(lattice, Rng.stream(6, 0));
    const rng = Rng.stream(6, 1);
    const reference = rng.clone();
    const values = Float64Array.from(pipeline.measure(spins, rng));
    // The same blocking done by hand with a copy of the stream.
    const k1 = projector.create(lattice);
    const k2 = projector.create(k1.coarse);
    const l1 = new Int8Array(64);
    const l2 = new Int8Array(16);
    k1.apply(spins, l1, reference);
    k2.apply(l1, l2, reference);
    const expected = new Float64Array(11);
    new CompiledCouplings([...even, ...odd], k2.coarse).evaluate(l2, expected);
    expect(Array.from(values.subarray(22))).toEqual(Array.from(expected));
    expect(Array.from(rng.s)).toEqual(Array.from(reference.s));
    expect(Array.from(rng.s)).not.toEqual(Array.from(Rng.stream(6, 1).s)); // ties did draw coins
  });
});
