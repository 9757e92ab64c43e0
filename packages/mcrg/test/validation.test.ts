import { Lattice, UnknownIdError, UnsupportedError, UsageError } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { defaultLevels, type McrgConfig, prepareMcrg, resolveLevels, sampleMcrg } from '../src/index.js';
import { sourceRegistry } from './registry.js';

const base: McrgConfig = { model: 'ising2d', size: 16, samples: 1024, thermalize: 10, seed: 1, workers: 1 };

async function failure(config: Partial<McrgConfig>): Promise<Error> {
  try {
    await prepareMcrg(sourceRegistry(), { ...base, ...config } as McrgConfig);
  } catch (err) {
    expect((err as Error).message).not.toContain('\n');
    return err as Error;
  }
  throw new Error('expected the configuration to be rejected');
}

/** A registry with a projector of block size 1 (a copy rule), which never shrinks a lattice. */
function registryWithUnitBlock() {
  const registry = sourceRegistry();
  registry.projectors.add({
    id: 'copy',
    description: 'b = 1: copies the configuration (test fixture)',
    create: () => ({
      id: 'copy',
      blockSize: 1,
      supports: () => undefined,
      create: (fine) => ({ fine, coarse: fine, apply: (s, out) => out.set(s) }),
    }),
  });
  return registry;
}

describe('block size 1: refused at once, not an endless loop of levels', () => {
  it('defaultLevels and resolveLevels refuse b < 2 with a one-line usage error', () => {
    for (const b of [1, 0, 0.5, 1.5]) {
      expect(() => defaultLevels(32, b)).toThrow(UsageError);
      expect(() => resolveLevels(new Lattice([32, 32]), b)).toThrow(UsageError);
      expect(() => resolveLevels(new Lattice([32, 32]), b, 3)).toThrow(UsageError);
    }
    expect(() => defaultLevels(32, 1)).toThrow('block size must be an integer ≥ 2, got 1');
  });

  it('a run with a b = 1 projector fails quickly, naming the projector', async () => {
    const start = performance.now();
    const e = await prepareMcrg(registryWithUnitBlock(), { ...base, projector: 'copy' }).catch(
      (err: Error) => err,
    );
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toBe("projector 'copy' has block size 1; RG needs an integer b ≥ 2");
    const withLevels = prepareMcrg(registryWithUnitBlock(), { ...base, projector: 'copy', levels: 2 });
    await expect(withLevels).rejects.toThrow(/block size 1/);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});

describe('defaultLevels', () => {
  it('blocks while the coarsest side stays ≥ 4', () => {
    expect(defaultLevels(32, 2)).toBe(3);
    expect(defaultLevels(64, 2)).toBe(4);
    expect(defaultLevels(8, 2)).toBe(1);
    expect(defaultLevels(4, 2)).toBe(0);
    expect(defaultLevels(30, 2)).toBe(1);
    expect(defaultLevels(36, 3)).toBe(2);
  });
});

describe('configuration errors: one line, the right class, naming the problem', () => {
  it('unknown ids', async () => {
    const model = await failure({ model: 'potts' });
    expect(model).toBeInstanceOf(UnknownIdError);
    expect(model.message).toMatch(/unknown model 'potts' \(known: .*ising2d/);
    expect(await failure({ sampler: 'gibbs' })).toBeInstanceOf(UnknownIdError);
    expect(await failure({ projector: 'median' })).toBeInstanceOf(UnknownIdError);
  });

  it('sizes that the levels do not divide, and too many levels', async () => {
    const e = await failure({ size: 30, levels: 3 });
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe('size 30 is not divisible by 2^3 = 8 needed for 3 levels');
    const many = await failure({ size: 32, levels: 5 });
    expect(many.message).toBe(
      'levels 5 is too many for size 32 with block size 2: the coarsest side would be below 2',
    );
    expect((await failure({ size: 4 })).message).toMatch(
      /^size 4 leaves no RG step .*give levels explicitly$/,
    );
    expect((await failure({ levels: 0 })).message).toBe('levels must be a positive integer, got 0');
  });

  it('samples: a positive integer, enough for every bin', async () => {
    expect((await failure({ samples: 0 })).message).toBe('samples must be a positive integer, got 0');
    expect((await failure({ samples: 1.5 })).message).toBe('samples must be a positive integer, got 1.5');
    const few = await failure({ samples: 100 });
    expect(few).toBeInstanceOf(UsageError);
    expect(few.message).toBe('samples 100 is too few for 8 chains × 16 bins (need at least 128)');
    expect((await failure({ thermalize: -1 })).message).toBe(
      'thermalize must be a non-negative integer, got -1',
    );
  });

  it('a sampler that cannot simulate the Hamiltonian says why', async () => {
    const e = await failure({ coupling: -0.3, sampler: 'wolff' });
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.message).toMatch(/^sampler 'wolff' cannot simulate model 'ising2d': \S/);
  });

  it('worker threads need a registry built with load()', async () => {
    const e = await failure({ workers: 2 });
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(/registry\.load\(\)/);
  });

  it('uneven samples are spread over chains by index, and everything resolves', async () => {
    const setup = await prepareMcrg(sourceRegistry(), { ...base, samples: 1029 });
    expect(setup.config).toMatchObject({
      coupling: 0.44068679350977147,
      sampler: 'wolff-wasm',
      projectors: [{ label: 'majority', id: 'majority', options: {} }],
      interval: 5,
      levels: 2,
      chains: 8,
      binsPerChain: 16,
      workers: 1,
    });
    expect(setup.lattices).toEqual(['16×16', '8×8', '4×4']);
    const {
      accumulators: [accumulator],
    } = await sampleMcrg(sourceRegistry(), {
      ...base,
      samples: 1029,
      chains: 2,
      binsPerChain: 4,
    });
    // 1029 = 515 + 514; chain 0's 515 = 129 + 129 + 129 + 128.
    expect(Array.from(accumulator.count)).toEqual([129, 129, 129, 128, 129, 129, 128, 128]);
  });
});
