import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Registry } from '@rsrg/core';
import { type McrgConfig, type McrgResult, packageVersions, prepareMcrg, runMcrg } from '@rsrg/mcrg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtRegistry, sourceRegistry } from '../../mcrg/test/registry.js';
import {
  checkpointFiles,
  checkpointProgress,
  checkpointShard,
  checkpointStore,
  createPlan,
  mergedResult,
  mergeShards,
  type Plan,
  type ResumableOutcome,
  type RunCheckpoint,
  runCheckpointCodec,
  runResumable,
  type ShardResult,
  type ShardSpec,
  shardProgress,
} from '../src/index.js';
import { config, reproducible } from './fixtures.js';

const dirs: string[] = [];
const runDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'rsrg-run-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The run's report from finished shards. */
async function report(registry: Registry, plan: Plan, shards: ShardResult[]): Promise<McrgResult> {
  return mergedResult(registry, mergeShards(plan, shards));
}

function done(outcome: ResumableOutcome): ShardResult {
  if (outcome.status !== 'done') throw new Error('the run stopped');
  return outcome.shard;
}

/** Whether the checkpoint holds a chain stopped in the middle of its measurements. */
const midway = (c: RunCheckpoint) => c.chains.some((e) => e.status === 'running' && e.snapshot.measured > 0);

/** Measurements a checkpoint holds. */
const measuredIn = (c: RunCheckpoint) =>
  c.chains.reduce(
    (s, e) =>
      s +
      (e.status === 'running'
        ? e.snapshot.measured
        : e.status === 'done'
          ? e.result.accumulators[0].count.reduce((a, b) => a + b, 0)
          : 0),
    0,
  );

/**
 * Runs shard `shard` with a checkpoint after every answer round (every = 0), and asks it to
 * stop once `midways` checkpoints are written that got further than where it started and
 * have a chain midway through its measurements (so the checkpoint before the last one always
 * has such a chain); returns the outcome and the checkpoints written.
 */
async function runAndStop(
  registry: Registry,
  cfg: McrgConfig,
  dir: string,
  shard: ShardSpec,
  midways: number,
) {
  const stop = new AbortController();
  const written: RunCheckpoint[] = [];
  let from: number | undefined;
  const store = checkpointStore(dir, shard);
  const outcome = await runResumable(registry, cfg, {
    shard,
    stop: stop.signal,
    checkpoint: {
      every: 0,
      write: store.write,
      load: () => {
        const c = store.load() as RunCheckpoint | undefined;
        from = c ? measuredIn(c) : 0;
        return c;
      },
    },
    onCheckpoint: (c) => {
      if (midway(c) && measuredIn(c) > from!) written.push(c);
      if (written.length === midways) stop.abort();
    },
  });
  return { outcome, written };
}

describe.each([1, 2])('runResumable, %i worker(s)', (workers) => {
  // Chains long enough (~50 ms each) that a stop reaches them midway through worker threads.
  const cfg: McrgConfig = { ...config, samples: 8 * 1000 + 5, workers };
  let registry: Registry;
  let reference: McrgResult;
  let plan: Plan;

  beforeAll(async () => {
    registry = workers === 1 ? sourceRegistry() : await builtRegistry();
    reference = await runMcrg(registry, cfg);
    const setup = await prepareMcrg(registry, cfg);
    plan = createPlan(setup.config, registry.sources, packageVersions(registry.sources));
  });

  it('uninterrupted, without checkpoints: the run of runMcrg', async () => {
    const shard = done(await runResumable(registry, cfg, { plan }));
    expect(shard.complete).toBe(true);
    expect(shard.chains.map((c) => c.chain)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(reproducible(await report(registry, plan, [shard]))).toEqual(reproducible(reference));
  });

  it('stopped on request, then resumed (twice): the estimates of the uninterrupted run', async () => {
    const dir = runDir();
    const first = await runAndStop(registry, cfg, dir, { index: 0, count: 1 }, 2);
    expect(first.outcome.status).toBe('stopped');
    if (first.outcome.status !== 'stopped') return;
    expect(first.outcome.measured).toBeLessThan(first.outcome.planned);
    expect(first.outcome.planned).toBe(cfg.samples);
    // The newest and the previous checkpoint are kept; the last one is what the outcome says.
    const files = checkpointFiles(dir, { index: 0, count: 1 });
    expect(files.length).toBe(2);
    const newest = runCheckpointCodec.decode(readFileSync(files[0].path), files[0].path);
    expect(newest).toEqual(first.outcome.checkpoint);
    expect(checkpointProgress(plan, newest).measured).toBe(first.outcome.measured);
    // A partial merge of the checkpoint holds what it says.
    const progress = shardProgress(dir, plan, { index: 0, count: 1 });
    expect(progress).toMatchObject({
      checkpoints: 2,
      measured: first.outcome.measured,
      planned: cfg.samples,
      done: false,
    });
    expect(progress.age).toBeGreaterThanOrEqual(0);
    expect(progress.rate).toBeGreaterThanOrEqual(0);
    const partial = mergeShards(plan, [checkpointShard(plan, newest)], { partial: true });
    expect(partial.measured).toBe(first.outcome.measured);

    const second = await runAndStop(registry, cfg, dir, { index: 0, count: 1 }, 3);
    expect(second.outcome.status).toBe('stopped');
    const third = await runResumable(registry, cfg, {
      plan,
      checkpoint: { every: 0, ...checkpointStore(dir, { index: 0, count: 1 }) },
    });
    expect(third.status).toBe('done');
    if (third.status !== 'done') return;
    expect(third.resumedFrom).toBeDefined();
    if (second.outcome.status === 'stopped') expect(third.resumedFrom).toEqual(second.outcome.checkpoint);
    expect(checkpointProgress(plan, third.resumedFrom!).measured).toBeGreaterThan(first.outcome.measured);
    expect(reproducible(await report(registry, plan, [third.shard]))).toEqual(reproducible(reference));
    // Done: a further run just hands back the shard from its last checkpoint.
    const again = done(
      await runResumable(registry, cfg, { plan, checkpoint: checkpointStore(dir, { index: 0, count: 1 }) }),
    );
    expect(again.chains).toEqual(third.shard.chains);
    expect(shardProgress(dir, plan, { index: 0, count: 1 })).toMatchObject({
      measured: cfg.samples,
      done: true,
      eta: 0,
    });
    expect(shardProgress(runDir(), plan, { index: 1, count: 2 })).toMatchObject({
      checkpoints: 0,
      measured: 0,
      planned: 1001 + 3 * 1000,
    });
  });

  it('a damaged newest checkpoint: the previous one is used, to the same estimates', async () => {
    const dir = runDir();
    const whole = { index: 0, count: 1 };
    const first = await runAndStop(registry, cfg, dir, whole, 2);
    expect(first.outcome.status).toBe('stopped');
    const [newest, previous] = checkpointFiles(dir, whole);
    expect(midway(runCheckpointCodec.decode(readFileSync(previous.path)))).toBe(true);
    const bytes = readFileSync(newest.path);
    bytes[Math.floor(bytes.length * 0.6)] ^= 0x10;
    writeFileSync(newest.path, bytes);
    // A writer killed mid-write leaves a temp file: it is ignored and cleared.
    const temp = join(dir, 'checkpoints', `.shard-0-of-1.000099.ckpt.4242.abcdef.tmp`);
    writeFileSync(temp, bytes.subarray(0, 100));
    const warnings: string[] = [];
    let loaded: RunCheckpoint | undefined;
    const store = checkpointStore(dir, whole, { onWarning: (w) => warnings.push(w) });
    const outcome = await runResumable(registry, cfg, {
      plan,
      checkpoint: {
        every: 60,
        write: store.write,
        load: () => {
          loaded = store.load() as RunCheckpoint | undefined;
          return loaded;
        },
      },
    });
    expect(warnings).toEqual([
      expect.stringMatching(
        /shard-0-of-1\.\d+\.ckpt: checksum mismatch: the file is damaged; trying the previous checkpoint$/,
      ),
    ]);
    expect(loaded).toEqual(runCheckpointCodec.decode(readFileSync(previous.path)));
    expect(existsSync(temp)).toBe(false);
    expect(reproducible(await report(registry, plan, [done(outcome)]))).toEqual(reproducible(reference));
    // Every checkpoint damaged: the run starts over, to the same estimates.
    for (const f of checkpointFiles(dir, whole)) writeFileSync(f.path, readFileSync(f.path).subarray(0, 50));
    const over = await runResumable(registry, cfg, {
      plan,
      checkpoint: checkpointStore(dir, whole, { onWarning: (w) => warnings.push(w) }),
    });
    if (over.status !== 'done') throw new Error('stopped');
    expect(over.resumedFrom).toBeUndefined();
    expect(reproducible(await report(registry, plan, [over.shard]))).toEqual(reproducible(reference));
  });

  it('shards 0/2 and 1/2, one stopped and resumed, merge into the uninterrupted run', async () => {
    const dir = runDir();
    const a = await runResumable(registry, cfg, { plan, shard: { index: 0, count: 2 } });
    const stopped = await runAndStop(registry, cfg, dir, { index: 1, count: 2 }, 1);
    expect(stopped.outcome.status).toBe('stopped');
    expect(readdirSync(join(dir, 'checkpoints')).every((f) => f.startsWith('shard-1-of-2.'))).toBe(true);
    const b = await runResumable(registry, cfg, {
      plan,
      shard: { index: 1, count: 2 },
      checkpoint: checkpointStore(dir, { index: 1, count: 2 }),
    });
    expect(done(b).chains.map((c) => c.chain)).toEqual([4, 5, 6, 7]);
    expect(reproducible(await report(registry, plan, [done(b), done(a)]))).toEqual(reproducible(reference));
  });
});

describe('runResumable refuses', () => {
  const registry = sourceRegistry();

  it('a stop before the start: every chain pending, nothing lost', async () => {
    const stop = new AbortController();
    stop.abort();
    const outcome = await runResumable(registry, config, { stop: stop.signal });
    expect(outcome.status).toBe('stopped');
    if (outcome.status !== 'stopped') return;
    expect(outcome.checkpoint.chains.every((e) => e.status === 'pending')).toBe(true);
    expect(outcome.measured).toBe(0);
  });

  it('a checkpoint of another plan, and a plan that is not the configuration', async () => {
    const dir = runDir();
    const whole = { index: 0, count: 1 };
    await runAndStop(registry, config, dir, whole, 1);
    await expect(
      runResumable(registry, { ...config, seed: 1 }, { checkpoint: checkpointStore(dir, whole) }),
    ).rejects.toThrow(
      /^the checkpoint is of another plan \(hash [0-9a-f]{12}…, this run's is [0-9a-f]{12}…\)/,
    );
    const plan = createPlan((await prepareMcrg(registry, config)).config, [], {});
    await expect(runResumable(registry, { ...config, samples: 2000 }, { plan })).rejects.toThrow(
      "--samples 2000 differs from the run's 1205",
    );
  });
});
