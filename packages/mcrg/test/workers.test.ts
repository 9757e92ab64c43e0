import { fileURLToPath } from 'node:url';
import { RsrgError, UsageError } from '@rsrg/core';
import { Piscina } from 'piscina';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type Ensemble,
  type McrgConfig,
  type McrgProgress,
  type McrgResult,
  runMcrg,
  sampleEnsemble,
} from '../src/index.js';
import { builtRegistry } from './registry.js';

const config: McrgConfig = {
  model: 'ising2d',
  size: 8,
  samples: 4 * 8 * 40 + 3,
  thermalize: 20,
  interval: 2,
  chains: 8,
  binsPerChain: 4,
  seed: 123,
};

/** Everything but timing and the worker count. */
function reproducible(r: McrgResult) {
  const {
    wallSeconds: _,
    config: { workers: __, ...config },
    ...rest
  } = r;
  return { ...rest, config };
}

describe('worker threads', () => {
  const runs = new Map<number, McrgResult>();
  const progress = new Map<number, McrgProgress[]>();

  beforeAll(async () => {
    const registry = await builtRegistry();
    for (const workers of [1, 2, 4]) {
      const seen: McrgProgress[] = [];
      runs.set(workers, await runMcrg(registry, { ...config, workers }, { onProgress: (p) => seen.push(p) }));
      progress.set(workers, seen);
    }
  });

  it('results are bit-identical for 1 (this thread), 2 and 4 workers', () => {
    const one = runs.get(1)!;
    expect(one.estimates.length).toBe(7 + 4);
    expect(one.estimates.filter((e) => Number.isFinite(e.y)).length).toBeGreaterThan(4);
    expect(one.samples).toBe(config.samples);
    expect(reproducible(runs.get(2)!)).toEqual(reproducible(one));
    expect(reproducible(runs.get(4)!)).toEqual(reproducible(one));
    expect(runs.get(4)!.config.workers).toBe(4);
  });

  it('several projectors and stored configurations: bit-identical for 1 and 2 workers, and the ensemble holds what the sampling run measured', async () => {
    const registry = await builtRegistry();
    const projectors = [{ id: 'majority' }, { id: 'decimation', label: 'corner' }];
    const multi = await Promise.all(
      [1, 2].map((workers) => runMcrg(registry, { ...config, samples: 1283, projectors, workers })),
    );
    expect(multi[0].estimates.map((e) => e.projector)).toEqual([
      ...new Array(11).fill('majority'),
      ...new Array(11).fill('corner'),
    ]);
    expect(reproducible(multi[1])).toEqual(reproducible(multi[0]));

    const sampling = {
      model: 'ising2d',
      size: 8,
      samples: 1283,
      thermalize: 20,
      interval: 2,
      chains: 8,
      seed: 123,
    };
    const ensembles: Ensemble[] = [];
    for (const workers of [1, 2]) ensembles.push(await sampleEnsemble(registry, { ...sampling, workers }));
    const withoutTime = ({ header: { createdAt: _, ...header }, ...rest }: Ensemble) => ({ header, ...rest });
    expect(withoutTime(ensembles[1])).toEqual(withoutTime(ensembles[0]));

    const stored = await Promise.all(
      [1, 2].map((workers) =>
        runMcrg(registry, { ensemble: ensembles[0], binsPerChain: 4, projectors, workers }),
      ),
    );
    expect(reproducible(stored[1])).toEqual(reproducible(stored[0]));
    // The ensemble holds the configurations the sampling run measured.
    const { ensemble: _, spinsUpdatedPerMove: __, ...fromEnsemble } = reproducible(stored[0]);
    const { spinsUpdatedPerMove: ___, ...fromSampling } = reproducible(multi[0]);
    expect(fromEnsemble).toEqual(fromSampling);
  });

  it('reports the run: lattices, couplings, τ_int, versions', () => {
    const r = runs.get(2)!;
    expect(r.lattices).toEqual(['8×8', '4×4']);
    expect(r.couplings.even).toHaveLength(7);
    expect(r.couplings.odd[0]).toBe('magnetization');
    expect(r.blockSize).toBe(2);
    expect(r.bins).toBe(32);
    expect(r.tauInt.value).toBeGreaterThanOrEqual(0.5);
    expect(r.tauInt.unit).toBe('measurements');
    expect(r.spinsUpdatedPerMove).toBeGreaterThan(1);
    expect(r.versions).toMatchObject({
      '@rsrg/mcrg': expect.any(String),
      '@rsrg/core': expect.any(String),
      '@rsrg/samplers': expect.any(String),
    });
  });

  it('progress is monotone and ends at the total', () => {
    const total = config.chains! * config.thermalize! + config.samples! * config.interval!;
    for (const seen of progress.values()) {
      expect(seen.length).toBeGreaterThan(config.chains!);
      for (let i = 1; i < seen.length; i++) expect(seen[i].done).toBeGreaterThanOrEqual(seen[i - 1].done);
      expect(seen.at(-1)).toEqual({ done: total, total, phase: 'measure' });
      expect(seen[0].phase).toBe('thermalize');
    }
  });

  it('an abort signal stops the run', async () => {
    const registry = await builtRegistry();
    for (const workers of [1, 2]) {
      const controller = new AbortController();
      const run = runMcrg(
        registry,
        { ...config, samples: 10_000_000, workers },
        {
          signal: controller.signal,
          onProgress: () => controller.abort(new UsageError('stopped')),
        },
      );
      await expect(run).rejects.toThrow('stopped');
    }
  });

  it('a chain that fails in a worker fails the run with its message, and nothing else is thrown', async () => {
    // Regression: after the first failure a worker can still answer for a task the pool has
    // dropped; piscina then emits 'error' on the pool, which crashed the process when nothing
    // listened. The race is rare in one process, so the spy also sends such an event every time.
    const registry = await builtRegistry();
    await registry.load(fileURLToPath(new URL('./fixtures/failing-sampler.mjs', import.meta.url)));
    const run = Piscina.prototype.run;
    const spy = vi.spyOn(Piscina.prototype, 'run').mockImplementation(async function (
      this: Piscina,
      ...args
    ) {
      try {
        return await run.apply(this, args);
      } catch (err) {
        setImmediate(() => this.emit('error', new Error('Unexpected message from Worker')));
        throw err;
      }
    });
    try {
      for (let attempt = 0; attempt < 4; attempt++) {
        const failing = runMcrg(registry, {
          ...config,
          sampler: 'failing',
          chains: 4,
          workers: 2,
          seed: attempt,
        });
        await expect(failing).rejects.toThrow(/^chain \d+ failed in a worker thread: kernel exploded$/);
      }
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('a usage error in a worker stays a usage error: its name and exit code 2 cross the boundary', async () => {
    const registry = await builtRegistry();
    await registry.load(fileURLToPath(new URL('./fixtures/failing-sampler.mjs', import.meta.url)));
    const err = await runMcrg(registry, { ...config, sampler: 'refusing', chains: 2, workers: 2 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(RsrgError.isInstance(err)).toBe(true);
    expect(err).toMatchObject({
      name: 'UsageError',
      exitCode: 2,
      message: expect.stringMatching(
        /^chain \d+ failed in a worker thread: interval too short for this kernel$/,
      ),
    });
    // A plain Error stays a failure (exit code 1).
    const plain = await runMcrg(registry, { ...config, sampler: 'failing', chains: 2, workers: 2 }).catch(
      (e: unknown) => e,
    );
    expect(plain).toMatchObject({ name: 'Error', exitCode: 1 });
  });
});
