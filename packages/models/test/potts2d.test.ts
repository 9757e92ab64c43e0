import { couplingParity, Registry } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { plugin, potts2d } from '../src/index.js';

describe('potts2d', () => {
  it('takes q as a model option: K_c = ln(1 + √q), exact exponents for q = 2, 3, 4', () => {
    expect(potts2d.q).toBe(3);
    expect(potts2d.criticalCoupling).toBeCloseTo(1.0050525387, 10);
    expect(potts2d.exponents).toEqual({ yt: 6 / 5, yh: 28 / 15 });
    const q2 = potts2d.withOptions({ q: '2' });
    expect(q2.criticalCoupling).toBe(Math.log1p(Math.SQRT2));
    expect(q2.criticalCoupling).toBeCloseTo(2 * 0.44068679350977147, 15);
    expect(q2.exponents).toEqual({ yt: 1, yh: 15 / 8 });
    const q4 = potts2d.withOptions({ q: 4 });
    expect(q4.criticalCoupling).toBeCloseTo(Math.log(3), 15);
    expect(q4.exponents).toEqual({ yt: 3 / 2, yh: 15 / 8 });
    expect(potts2d.withOptions({ q: 5 }).exponents).toBeUndefined();
    expect(potts2d.withOptions({ q: 3 })).toBe(potts2d);
    expect(q4.hamiltonian(1).spins).toEqual({ kind: 'state', states: 4 });
    expect(q4.optionValues).toEqual({ q: 4 });
  });

  it('refuses a bad q in one line', () => {
    expect(() => potts2d.withOptions({ q: '1' })).toThrow(
      "model 'potts2d': q must be an integer in [2, 256], got 1",
    );
    expect(() => potts2d.withOptions({ q: '2.5' })).toThrow(/integer in \[2, 256\]/);
    expect(() => potts2d.withOptions({ q: 257 })).toThrow(/integer in \[2, 256\]/);
    expect(() => potts2d.withOptions({ states: 3 })).toThrow(
      "model 'potts2d' has no option 'states' (known: q)",
    );
  });

  it('has 7 thermal and 5 magnetic couplings in the order of docs/potts.md, sectors named by the model', () => {
    const thermal = potts2d.thermalSet.couplings;
    const magnetic = potts2d.withOptions({ q: 4 }).magneticSet.couplings;
    expect(thermal.map((c) => c.name).slice(0, 4)).toEqual([
      'nearest neighbour',
      'next-nearest (1,1)',
      'plaquette',
      'third neighbour (2,0)',
    ]);
    expect(thermal).toHaveLength(7);
    expect(magnetic.map((c) => c.name).slice(0, 2)).toEqual(['magnetization', 'nearest neighbour']);
    expect(magnetic).toHaveLength(5);
    expect(thermal.every((c) => couplingParity(c) === 'even' && c.operator?.kind === 'equal')).toBe(true);
    expect(magnetic.every((c) => c.operator?.kind === 'state' && c.operator.states === 4)).toBe(true);
    expect(potts2d.sectors).toEqual({ even: 'thermal', odd: 'magnetic' });
    // The same orbits as the Ising even set: 2 nn terms, 2 diagonals, 1 plaquette.
    expect(thermal.slice(0, 3).map((c) => c.terms.length)).toEqual([2, 2, 1]);
  });

  it('is registered with its coupling sets', () => {
    const r = new Registry().use(plugin);
    expect(r.models.get('potts2d')).toBe(potts2d);
    expect(r.couplingSets.has('potts2d.thermal') && r.couplingSets.has('potts2d.magnetic')).toBe(true);
  });
});
