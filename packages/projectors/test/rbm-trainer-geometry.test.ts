import { Lattice, UsageError } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { rbmTrainer } from '../src/index.js';

// The geometry of training is checked before any sampling (issue 12).
describe('trainer rbm refuses a training geometry that cannot work', () => {
  const lattice = new Lattice([8, 8]);
  it('a filter wider than the lattice', () => {
    expect(() => rbmTrainer.plan({ preset: 'nmcrg', width: 16 }, { lattice, count: 200 })).toThrow(
      UsageError,
    );
    expect(() => rbmTrainer.plan({ preset: 'nmcrg', width: 16 }, { lattice, count: 200 })).toThrow(
      /width 16 is wider than the 8×8 lattice/,
    );
    expect(rbmTrainer.plan({ preset: 'nmcrg', width: 8 }, { lattice, count: 200 }).steps).toBeGreaterThan(0);
  });
  it('a minibatch larger than the data', () => {
    expect(() => rbmTrainer.plan({ preset: 'nmcrg', batchSize: 201 }, { lattice, count: 200 })).toThrow(
      /minibatch of 201 is larger than the 200 training configurations/,
    );
    expect(rbmTrainer.plan({ preset: 'nmcrg', batchSize: 200 }, { lattice, count: 200 }).stepsPerEpoch).toBe(
      1,
    );
  });
});
