// The pieces every resumable run shares: the checkpoint request word, the checkpoint file store
// (newest and previous kept, damaged ones skipped, temp files of a killed writer removed) and
// stages kept as files.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointRequests, checkpointFileStore, defineCodec, storedStage } from '../src/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-checkpoints-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const counterCodec = defineCodec<{ step: number }>({
  kind: 'test-counter',
  version: 1,
  toData: (c) => ({ step: c.step }),
  fromData: (d) => ({ step: (d as { step: number }).step }),
});

describe('CheckpointRequests', () => {
  it('a checkpoint is taken once; a stop stays asked; another thread sees the same word', () => {
    const requests = new CheckpointRequests();
    const other = new CheckpointRequests(requests.buffer);
    expect(other.take()).toBeUndefined();
    requests.checkpoint();
    expect(other.take()).toBe('checkpoint');
    expect(other.take()).toBeUndefined();
    requests.stop();
    requests.checkpoint(); // does not replace the stop
    expect(other.take()).toBe('stop');
    expect(other.take()).toBe('stop');
    expect(requests.stopping).toBe(true);
  });
});

describe('checkpointFileStore', () => {
  it('keeps the newest and the previous; a damaged newest falls back to the previous', () => {
    const dir = join(tmp, 'store');
    const warnings: string[] = [];
    const store = checkpointFileStore(dir, 'training', counterCodec, { onWarning: (m) => warnings.push(m) });
    expect(store.load()).toBeUndefined();
    for (let step = 1; step <= 4; step++) store.write({ step });
    expect(readdirSync(dir).sort()).toEqual(['training.000003.ckpt', 'training.000004.ckpt']);
    // A writer killed mid-write leaves its temp file: removed on load.
    writeFileSync(join(dir, '.training.000005.ckpt.123.abcdef012345.tmp'), 'partial');
    const newest = join(dir, 'training.000004.ckpt');
    writeFileSync(newest, readFileSync(newest).subarray(0, 20));
    const again = checkpointFileStore(dir, 'training', counterCodec, { onWarning: (m) => warnings.push(m) });
    expect(again.load()).toEqual({ step: 3 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/training\.000004\.ckpt is truncated.*; trying the previous checkpoint/);
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
    // The next write keeps the good one it resumed from, not the damaged one.
    again.write({ step: 5 });
    expect(readdirSync(dir).sort()).toEqual(['training.000003.ckpt', 'training.000005.ckpt']);
  });

  it('storedStage computes once, then reads the file back', async () => {
    const path = join(tmp, 'stage.rsrg');
    let computed = 0;
    const compute = async () => ({ step: ++computed });
    expect(await storedStage(path, counterCodec, compute)).toEqual({ step: 1 });
    expect(await storedStage(path, counterCodec, compute)).toEqual({ step: 1 });
    expect(computed).toBe(1);
    writeFileSync(path, readFileSync(path).subarray(0, 10));
    await expect(storedStage(path, counterCodec, compute)).rejects.toThrow(/stage\.rsrg is truncated/);
  });
});
