import { defineCodec, FileFormatError, Rng } from '@rsrg/core';
import { type ChainSnapshot, driveChain, prepareMcrg, SNAPSHOT_REQUEST } from '@rsrg/mcrg';
import { beforeAll, describe, expect, it } from 'vitest';
import { sourceRegistry } from '../../mcrg/test/registry.js';
import { type RunCheckpoint, runCheckpointCodec } from '../src/index.js';
import { config } from './fixtures.js';

/** Writes any payload as a 'run-checkpoint' file, checksum and all. */
const raw = defineCodec<unknown>({
  kind: 'run-checkpoint',
  version: 1,
  toData: (d) => d,
  fromData: (d) => d,
});

describe('the run-checkpoint file', () => {
  let checkpoint: RunCheckpoint;
  let bytes: Uint8Array;
  let data: Record<string, unknown>;

  beforeAll(async () => {
    const setup = await prepareMcrg(sourceRegistry(), config);
    const requests = new Int32Array(8);
    let snapshot: ChainSnapshot | undefined;
    const done = await driveChain(setup, 0, {});
    requests[1] = SNAPSHOT_REQUEST;
    await driveChain(setup, 1, {
      control: {
        requests,
        slot: 1,
        onSnapshot: (s) => {
          if (s.measured < 40) Atomics.or(requests, 1, SNAPSHOT_REQUEST);
          snapshot = s;
        },
      },
    });
    if (done.status !== 'done' || !snapshot) throw new Error('setup');
    checkpoint = {
      planHash: 'ab'.repeat(32),
      shard: { index: 0, count: 1 },
      writtenAt: new Date(0).toISOString(),
      elapsed: 1.5,
      chains: [
        { chain: 0, status: 'done', result: done.result },
        { chain: 1, status: 'running', snapshot },
        ...[2, 3, 4, 5, 6, 7].map((chain) => ({ chain, status: 'pending' as const })),
      ],
    };
    bytes = runCheckpointCodec.encode(checkpoint);
    data = raw.decode(bytes) as Record<string, unknown>;
  });

  it('round-trips every entry, bit for bit', () => {
    expect(runCheckpointCodec.decode(bytes)).toEqual(checkpoint);
    expect(raw.decode(raw.encode(data))).toEqual(data);
  });

  it('truncated or with a flipped bit: a FileFormatError naming the file, every time', () => {
    const rng = Rng.stream(3, 0);
    for (let t = 0; t < 200; t++) {
      const damaged =
        t % 2 === 0
          ? bytes.subarray(0, rng.nextInt(bytes.length))
          : bytes.map((b, i, all) => (i === rng.nextInt(all.length) ? b ^ (1 << rng.nextInt(8)) : b));
      if (damaged.length === bytes.length && damaged.every((b, i) => b === bytes[i])) continue;
      expect(() => runCheckpointCodec.decode(damaged, 'c.ckpt')).toThrow(FileFormatError);
      expect(() => runCheckpointCodec.decode(damaged, 'c.ckpt')).toThrow(/^c\.ckpt/);
    }
  });

  it('malformed contents under a good checksum: a FileFormatError saying what is wrong', () => {
    const chains = data.chains as Record<string, unknown>[];
    const snapshot = chains[1].snapshot as Record<string, unknown>;
    const cases: [unknown, RegExp][] = [
      [{ ...data, planHash: 1 }, /field 'planHash' is not a string/],
      [{ ...data, chains: [{ chain: 0, status: 'lost' }] }, /chain 0 has status "lost"/],
      [
        { ...data, chains: [{ ...chains[1], snapshot: { ...snapshot, spins: new Uint8Array(3) } }] },
        /field 'spins' does not hold 64 packed spins/,
      ],
      [
        { ...data, chains: [{ ...chains[1], snapshot: { ...snapshot, streams: [1, 2, 3] } }] },
        /field 'streams' does not hold one stream per projector/,
      ],
      [
        { ...data, chains: [{ ...chains[1], snapshot: { ...snapshot, rng: [1, 2, 3, -4] } }] },
        /field 'rng' is not 4 unsigned 32-bit words/,
      ],
      [
        { ...data, chains: [{ ...chains[1], snapshot: { ...snapshot, measured: -1 } }] },
        /field 'measured' is -1/,
      ],
      [
        { ...data, chains: [{ ...chains[0], result: { ...(chains[0].result as object), tau: 'x' } }] },
        /field 'tau' is "x"/,
      ],
    ];
    for (const [payload, message] of cases) {
      const file = raw.encode(payload);
      expect(() => runCheckpointCodec.decode(file, 'c.ckpt')).toThrow(FileFormatError);
      expect(() => runCheckpointCodec.decode(file, 'c.ckpt')).toThrow(message);
    }
  });
});
