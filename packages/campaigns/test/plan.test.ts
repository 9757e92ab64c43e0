import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFormatError, UsageError } from '@rsrg/core';
import { packageVersions, prepareMcrg } from '@rsrg/mcrg';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceRegistry } from '../../mcrg/test/registry.js';
import {
  comparePlan,
  createPlan,
  openRunDir,
  planHash,
  planPath,
  readPlan,
  samplePlanHash,
  writePlan,
} from '../src/index.js';

const registry = sourceRegistry();
const base = { model: 'ising2d', size: 8, samples: 1000, thermalize: 100, seed: 5, chains: 4, workers: 1 };
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'rsrg-plan-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function resolved(config: object) {
  return (await prepareMcrg(registry, { ...base, ...config })).config;
}

describe('the plan of a run', () => {
  it('is written as checksummed JSON and read back; its hash ignores workers, time and versions', async () => {
    const config = await resolved({});
    const plan = createPlan(config, ['file:///x/models.js'], { '@rsrg/mcrg': '0.1.0' });
    const dir = join(tempDir(), 'run');
    writePlan(dir, plan);
    expect(readPlan(dir)).toEqual(plan);
    const doc = JSON.parse(readFileSync(planPath(dir), 'utf8'));
    expect(doc.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.config.workers).toBeUndefined();
    expect(doc.config.projectors).toEqual([{ label: 'majority', id: 'majority', options: {} }]);
    expect(planHash({ ...config, workers: 3 })).toBe(plan.planHash);
    expect(createPlan(config, [], {}).planHash).toBe(plan.planHash);
    expect(planHash(await resolved({ seed: 6 }))).not.toBe(plan.planHash);
    // Pinned: the hash plans had before sampling plans (kind 'sample') came, so existing run
    // directories and their checkpoints stay valid.
    expect(plan.planHash).toBe('def7a2b16b8ad5231d8cff2e0ba3dd1f1194b721471ce3090221e7828200b19f');
    expect(samplePlanHash(config)).not.toBe(plan.planHash);
    // Re-indenting the file is fine; editing a value is not.
    writeFileSync(planPath(dir), JSON.stringify(doc));
    expect(readPlan(dir)).toEqual(plan);
    writeFileSync(planPath(dir), JSON.stringify({ ...doc, config: { ...doc.config, samples: 2000 } }));
    expect(() => readPlan(dir)).toThrow(FileFormatError);
    expect(() => readPlan(dir)).toThrow(/plan.json: checksum mismatch: the plan was edited or is damaged$/);
  });

  it('refuses, in one line, a missing plan, a damaged one, another format version', async () => {
    const dir = tempDir();
    expect(() => readPlan(dir)).toThrow(UsageError);
    expect(() => readPlan(dir)).toThrow(/holds no plan \(plan.json\)/);
    writeFileSync(planPath(dir), '{"format": "rsrg-plan", ');
    expect(() => readPlan(dir)).toThrow(/is damaged \(not JSON/);
    writeFileSync(planPath(dir), '{"hello": 1}');
    expect(() => readPlan(dir)).toThrow(/is not an rsrg plan/);
    const plan = createPlan(await resolved({}), [], {});
    writeFileSync(planPath(dir), JSON.stringify({ ...plan, formatVersion: 2 }));
    expect(() => readPlan(dir)).toThrow(
      /plan.json is plan format version 2; this build reads 1 \(written by a newer rsrg: upgrade to run it\)$/,
    );
  });

  it('comparePlan names the first parameter that differs, as the command line spells it', async () => {
    const stored = createPlan(await resolved({}), [], packageVersions(registry.sources));
    expect(comparePlan(stored, { ...(await resolved({})), workers: 2 })).toBeUndefined();
    expect(comparePlan(stored, stored)).toBeUndefined();
    expect(comparePlan(stored, await resolved({ samples: 2000 }))).toBe(
      "--samples 2000 differs from the run's 1000",
    );
    expect(comparePlan(stored, await resolved({ seed: 9, size: 16 }))).toBe(
      "--size 16 differs from the run's 8",
    );
    expect(comparePlan(stored, await resolved({ binsPerChain: 8 }))).toBe(
      "--bins 8 differs from the run's 16",
    );
    expect(comparePlan(stored, await resolved({ sampler: 'metropolis' }))).toBe(
      "--sampler metropolis differs from the run's wolff-wasm",
    );
    expect(comparePlan(stored, await resolved({ projector: 'decimation' }))).toBe(
      "--projector decimation differs from the run's majority",
    );
    expect(
      comparePlan(stored, await resolved({ projectors: [{ id: 'majority' }, { id: 'decimation' }] })),
    ).toBe("projectors majority, decimation differ from the run's majority");
    const newer = { ...stored, versions: { ...stored.versions, '@rsrg/mcrg': '9.9.9' } };
    expect(comparePlan(stored, newer)).toMatch(/^@rsrg\/mcrg 9\.9\.9 differs from the run's \d/);
    expect(comparePlan(stored, newer, { versions: false })).toBeUndefined();
  });

  it('openRunDir writes the plan once, then holds every later run to it', async () => {
    const dir = join(tempDir(), 'run');
    await expect(openRunDir(registry, dir)).rejects.toThrow(/holds no plan/);
    const plan = await openRunDir(registry, dir, base);
    expect(readPlan(dir)).toEqual(plan);
    expect(await openRunDir(registry, dir, base)).toEqual(plan);
    expect(await openRunDir(registry, dir)).toEqual(plan);
    await expect(openRunDir(registry, dir, { ...base, samples: 2000 })).rejects.toThrow(
      `--samples 2000 differs from the run's 1000 (run directory ${dir})`,
    );
    // Written by other package versions: refused unless allowed.
    writePlan(dir, { ...plan, versions: { ...plan.versions, '@rsrg/mcrg': '0.0.1' } });
    await expect(openRunDir(registry, dir)).rejects.toThrow(
      /^@rsrg\/mcrg \S+ differs from the run's 0\.0\.1/,
    );
    expect((await openRunDir(registry, dir, base, { otherVersions: true })).planHash).toBe(plan.planHash);
  });
});
