// Resumable sampling runs: the plan of kind 'sample', its checkpoints, and runSampleResumable
// stopped and resumed to the configurations of sampleEnsemble, bit for bit.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '@rsrg/core';
import {
  packageVersions,
  prepareMcrg,
  prepareSampling,
  type SamplingConfig,
  sampleEnsemble,
} from '@rsrg/mcrg';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceRegistry } from '../../mcrg/test/registry.js';
import {
  checkpointFiles,
  checkpointStore,
  comparePlan,
  createPlan,
  createSamplePlan,
  openSampleRunDir,
  readPlan,
  readRunPlan,
  readSamplePlan,
  runCheckpointCodec,
  runPlanHash,
  runSampleResumable,
  type SampleCheckpoint,
  sampleCheckpointCodec,
  sampleCheckpointKept,
  samplePlanHash,
  WHOLE_RUN,
  writePlan,
} from '../src/index.js';

const registry = sourceRegistry();
const config: SamplingConfig = {
  model: 'ising2d',
  size: 8,
  samples: 4 * 2000 + 3,
  thermalize: 300,
  interval: 3,
  chains: 4,
  seed: 9,
  workers: 1,
};
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'rsrg-sample-run-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const versions = packageVersions(registry.sources);

describe('the plan of a sampling run', () => {
  it('has kind sample, a hash of its own, and is read back only as a sampling plan', async () => {
    const resolved = prepareSampling(registry, config).config;
    const plan = createSamplePlan(resolved, registry.sources, versions);
    expect(plan.kind).toBe('sample');
    expect(plan.config).not.toHaveProperty('workers');
    expect(plan.planHash).toBe(samplePlanHash({ ...resolved, workers: 2 }));
    // The same sampling fields under kind 'mcrg' hash differently.
    expect(runPlanHash('mcrg', plan.config)).not.toBe(plan.planHash);
    const dir = tempDir();
    writePlan(dir, plan);
    expect(readSamplePlan(dir)).toEqual(plan);
    expect(() => readPlan(dir)).toThrow(UsageError);
    expect(() => readPlan(dir)).toThrow(
      /is the run directory of an rsrg sample run, not of an rsrg mcrg run$/,
    );
    expect(() => readRunPlan(dir, 'study')).toThrow(
      /is the run directory of an rsrg sample run, not of an rsrg reproduce run$/,
    );
    const mcrgDir = tempDir();
    const mcrg = (await prepareMcrg(registry, { ...config, projector: 'majority' })).config;
    writePlan(mcrgDir, createPlan(mcrg, registry.sources, versions));
    expect(() => readSamplePlan(mcrgDir)).toThrow(
      /is the run directory of an rsrg mcrg run, not of an rsrg sample run$/,
    );
  });

  it('openSampleRunDir: written once, then typed parameters checked against it and named', () => {
    const dir = tempDir();
    const plan = openSampleRunDir(registry, dir, config);
    expect(openSampleRunDir(registry, dir)).toEqual(plan);
    // Typed options are laid over the plan: the ones left out are the plan's.
    expect(openSampleRunDir(registry, dir, config, { typed: { samples: config.samples } })).toEqual(plan);
    expect(() => openSampleRunDir(registry, dir, { ...config, seed: 10 }, { typed: { seed: 10 } })).toThrow(
      /^--seed 10 differs from the run's 9 \(run directory .*\)$/,
    );
    expect(() => openSampleRunDir(registry, dir, config, { typed: { interval: 4 } })).toThrow(
      /^--interval 4 differs from the run's 3/,
    );
    expect(comparePlan(plan, { ...plan, versions: { ...plan.versions, '@rsrg/mcrg': '9.9.9' } })).toMatch(
      /^@rsrg\/mcrg 9\.9\.9 differs from the run's/,
    );
  });
});

describe('runSampleResumable', () => {
  it('stopped on request twice, then resumed: the configurations of sampleEnsemble, bit for bit', async () => {
    const reference = await sampleEnsemble(registry, config);
    const dir = tempDir();
    const plan = openSampleRunDir(registry, dir, config);
    const store = () => ({ every: 0, ...checkpointStore(dir, WHOLE_RUN, { codec: sampleCheckpointCodec }) });
    const stops: SampleCheckpoint[] = [];
    for (const after of [2, 5]) {
      const stop = new AbortController();
      let written = 0;
      const outcome = await runSampleResumable(registry, config, {
        plan,
        stop: stop.signal,
        checkpoint: store(),
        onCheckpoint: () => {
          if (++written === after) stop.abort();
        },
      });
      expect(outcome.status).toBe('stopped');
      if (outcome.status !== 'stopped') return;
      expect(outcome.kept).toBe(sampleCheckpointKept(plan, outcome.checkpoint));
      expect(outcome.planned).toBe(config.samples);
      stops.push(outcome.checkpoint);
    }
    // The second stop got further than the first, and neither is at the end.
    const kept = stops.map((c) => sampleCheckpointKept(plan, c));
    expect(kept[1]).toBeGreaterThan(kept[0]);
    expect(kept[1]).toBeLessThan(config.samples);
    const outcome = await runSampleResumable(registry, config, { plan, checkpoint: store() });
    expect(outcome.status).toBe('done');
    if (outcome.status !== 'done') return;
    expect(outcome.resumedFrom).toBeDefined();
    expect(Buffer.from(outcome.ensemble.packed).equals(Buffer.from(reference.packed))).toBe(true);
    expect(outcome.ensemble.header).toEqual({ ...reference.header, createdAt: plan.createdAt });
    // The negative control: one chain's configurations shifted by one no longer match.
    const shifted = outcome.ensemble.packed.slice();
    shifted.copyWithin(0, 8);
    expect(Buffer.from(shifted).equals(Buffer.from(reference.packed))).toBe(false);
  });

  it('a damaged newest checkpoint: a warning and the previous one; a checkpoint of another plan refused', async () => {
    const reference = await sampleEnsemble(registry, config);
    const dir = tempDir();
    const plan = openSampleRunDir(registry, dir, config);
    const stop = new AbortController();
    let written = 0;
    await runSampleResumable(registry, config, {
      plan,
      stop: stop.signal,
      checkpoint: { every: 0, ...checkpointStore(dir, WHOLE_RUN, { codec: sampleCheckpointCodec }) },
      onCheckpoint: () => {
        if (++written === 3) stop.abort();
      },
    });
    const [newest, previous] = checkpointFiles(dir, WHOLE_RUN);
    expect(previous).toBeDefined();
    const bytes = readFileSync(newest.path);
    writeFileSync(newest.path, bytes.subarray(0, bytes.length - 50));
    const warnings: string[] = [];
    const outcome = await runSampleResumable(registry, config, {
      plan,
      checkpoint: {
        every: 0,
        ...checkpointStore(dir, WHOLE_RUN, {
          codec: sampleCheckpointCodec,
          onWarning: (m) => warnings.push(m),
        }),
      },
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/trying the previous checkpoint$/);
    if (outcome.status !== 'done') throw new Error('stopped');
    expect(Buffer.from(outcome.ensemble.packed).equals(Buffer.from(reference.packed))).toBe(true);
    // The finished run's checkpoint does not resume another plan.
    const other = { ...config, seed: 10 };
    await expect(
      runSampleResumable(registry, other, {
        checkpoint: checkpointStore(dir, WHOLE_RUN, { codec: sampleCheckpointCodec }),
      }),
    ).rejects.toThrow(/the checkpoint is of another plan/);
    // A sampling checkpoint file is not an MCRG one.
    const file = checkpointFiles(dir, WHOLE_RUN)[0].path;
    expect(sampleCheckpointCodec.decode(readFileSync(file), file).chains).toHaveLength(4);
    expect(() => runCheckpointCodec.decode(readFileSync(file), file)).toThrow(/sample-checkpoint/);
  });
});
