import { Rng, UsageError } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import {
  type ChainOutcome,
  ChainRequests,
  type ChainResult,
  type ChainSnapshot,
  chainSnapshotCodec,
  checkSnapshot,
  driveChain,
  type McrgConfig,
  type McrgSetup,
  prepareMcrg,
  runChain,
  runChains,
  SNAPSHOT_REQUEST,
  STOP_REQUEST,
} from '../src/index.js';
import { builtRegistry, sourceRegistry } from './registry.js';

const registry = sourceRegistry();

/** Two projectors: majority breaks its 2–2 (or 4–4) ties with the projecting stream. */
const projectors = [{ id: 'majority' }, { id: 'decimation' }];

const square: McrgConfig = {
  model: 'ising2d',
  size: 8,
  samples: 3 * 37 + 1,
  thermalize: 230,
  interval: 2,
  chains: 3,
  binsPerChain: 4,
  seed: 7,
  projectors,
  workers: 1,
};

const cubic: McrgConfig = {
  model: 'ising3d',
  size: 4,
  samples: 2 * 29,
  thermalize: 150,
  interval: 3,
  chains: 2,
  binsPerChain: 5,
  levels: 1,
  seed: 11,
  projectors,
  workers: 1,
};

/**
 * Chain `chain` run to its end with a snapshot at every check point: a snapshot request set
 * before it starts and again whenever it answers one.
 */
async function everySnapshot(setup: McrgSetup, chain: number) {
  const requests = new Int32Array(setup.config.chains);
  requests[chain] = SNAPSHOT_REQUEST;
  const snapshots: ChainSnapshot[] = [];
  const outcome = await driveChain(setup, chain, {
    control: {
      requests,
      slot: chain,
      onSnapshot: (s) => {
        snapshots.push(s);
        Atomics.or(requests, chain, SNAPSHOT_REQUEST);
      },
    },
  });
  if (outcome.status !== 'done') throw new Error('the chain stopped');
  return { result: outcome.result, snapshots };
}

/** Snapshot indices to resume from: fixed ones (edges, a bin boundary) and random ones. */
function positions(snapshots: readonly ChainSnapshot[], thermalize: number): number[] {
  const pick = new Set<number>();
  const firstMeasure = snapshots.findIndex((s) => s.thermalized === thermalize);
  pick.add(0); // early in the thermalization
  pick.add(firstMeasure - 1); // the last thermalization check point
  pick.add(firstMeasure); // thermalized, nothing measured
  pick.add(snapshots.findIndex((s) => s.measured > 0 && s.left === 0)); // a bin boundary
  pick.add(snapshots.length - 1); // one measurement to go
  const rng = Rng.stream(99, snapshots.length);
  while (pick.size < 10) pick.add(rng.nextInt(snapshots.length));
  return [...pick].sort((a, b) => a - b);
}

/** Through the file format and back, as a checkpoint would keep it. */
const throughFile = (s: ChainSnapshot) => chainSnapshotCodec.decode(chainSnapshotCodec.encode(s), 'snapshot');

describe('resumable chains', () => {
  it.each([
    ['wolff', '8×8', square],
    ['wolff-wasm', '8×8', square],
    ['metropolis', '8×8', square],
    ['heat-bath', '8×8', square],
    ['swendsen-wang', '8×8', square],
    ['wolff', '4³', cubic],
    ['wolff-wasm', '4³', cubic],
  ] as const)(
    '%s on %s: a chain resumed from any snapshot ends as the uninterrupted one, bit for bit',
    async (sampler, _, config) => {
      const setup = await prepareMcrg(registry, { ...config, sampler });
      const { thermalize, chains } = setup.config;
      for (let chain = 0; chain < chains; chain++) {
        const plain = await runChain(setup, chain);
        const { result, snapshots } = await everySnapshot(setup, chain);
        // Answering requests changes nothing.
        expect(result).toEqual(plain);
        // A check point every ~1% of the thermalization and at every measurement boundary.
        const n = plain.accumulators[0].count.reduce((s, c) => s + c, 0);
        const during = snapshots.filter((s) => s.phase === 'thermalize');
        expect(during.length).toBe(Math.ceil(thermalize / Math.ceil(thermalize / 100)) - 1);
        expect(snapshots.length - during.length).toBe(n);
        expect(snapshots.map((s) => s.measured)).toEqual([
          ...during.map(() => 0),
          ...Array.from({ length: n }, (_, k) => k),
        ]);
        const picked = positions(snapshots, thermalize);
        expect(picked.length).toBeGreaterThanOrEqual(5);
        for (const i of picked) {
          const resumed = await runChain(setup, chain, undefined, throughFile(snapshots[i]));
          expect(resumed, `chain ${chain} resumed from snapshot ${i}`).toEqual(plain);
        }
      }
    },
  );

  it('a stop request ends the chain with its snapshot; resuming from it (twice) gives the same result', async () => {
    const setup = await prepareMcrg(registry, square);
    const chain = 1;
    const plain = await runChain(setup, chain);
    const requests = new Int32Array(3);
    let outcome: ChainOutcome = await driveChain(setup, chain, { control: { requests, slot: chain } });
    expect(outcome).toEqual({ status: 'done', chain, result: plain });

    // Stop during the thermalization, resume, stop twice while measuring, resume to the end.
    let resume: ChainSnapshot | undefined;
    const stops: ChainSnapshot[] = [];
    let done = 0;
    for (const stopAt of [5, 250, 290, Number.POSITIVE_INFINITY]) {
      requests.fill(0);
      outcome = await driveChain(setup, chain, {
        resume,
        tick: (moves) => {
          done += moves;
          if (done >= stopAt) Atomics.or(requests, chain, STOP_REQUEST);
        },
        control: { requests, slot: chain },
      });
      if (outcome.status === 'done') break;
      expect(outcome.snapshot).toBeDefined();
      resume = throughFile(outcome.snapshot!);
      stops.push(resume);
    }
    expect(stops.map((s) => s.phase)).toEqual(['thermalize', 'measure', 'measure']);
    expect(stops[1].measured).toBeGreaterThan(5);
    expect(outcome).toEqual({ status: 'done', chain, result: plain });

    // Stop requested before the chain starts: nothing to hand back but the resume point.
    requests.fill(STOP_REQUEST);
    expect(await driveChain(setup, chain, { control: { requests, slot: chain } })).toEqual({
      status: 'stopped',
      chain,
    });
    expect(await driveChain(setup, chain, { resume, control: { requests, slot: chain } })).toEqual({
      status: 'stopped',
      chain,
      snapshot: resume,
    });
  });

  it('refuses a snapshot of another chain or of another run, naming the mismatch', async () => {
    const setup = await prepareMcrg(registry, square);
    const { snapshots } = await everySnapshot(setup, 0);
    const s = snapshots[snapshots.length - 5];
    expect(() => checkSnapshot(setup, 1, s)).toThrow(UsageError);
    expect(() => checkSnapshot(setup, 1, s)).toThrow(/does not fit chain 1 of this run: another chain/);
    const other = await prepareMcrg(registry, { ...square, binsPerChain: 5 });
    expect(() => checkSnapshot(other, 0, s)).toThrow(/bins of another shape/);
    const single = await prepareMcrg(registry, { ...square, projectors: [{ id: 'majority' }] });
    expect(() => checkSnapshot(single, 0, s)).toThrow(/2 projectors, the run has 1/);
    const bad = { ...s, left: s.left + 1 };
    expect(() => checkSnapshot(setup, 0, bad)).toThrow(/expected bin/);
    await expect(runChain(setup, 1, undefined, s)).rejects.toThrow(/another chain/);
  });

  it('the snapshot file: checksummed, damage detected, Potts-like spins kept byte for byte', async () => {
    const setup = await prepareMcrg(registry, square);
    const { snapshots } = await everySnapshot(setup, 2);
    const s = snapshots[snapshots.length - 3];
    const bytes = chainSnapshotCodec.encode(s);
    expect(chainSnapshotCodec.decodeFile(bytes).checksum).toBe('verified');
    expect(throughFile(s)).toEqual(s);
    const damaged = bytes.slice();
    damaged[Math.floor(bytes.length / 2)] ^= 1;
    expect(() => chainSnapshotCodec.decode(damaged, 'c.rsrg')).toThrow(/checksum mismatch/);
    const potts = { ...s, spins: Int8Array.from(s.spins, (v, i) => (v > 0 ? i % 3 : 0)) };
    expect(throughFile(potts).spins).toEqual(potts.spins);
  });
});

describe('runChains', () => {
  const config: McrgConfig = { ...square, chains: 4, samples: 4 * 1500, thermalize: 300 };

  /** Every chain run through, in this thread, without requests. */
  async function uninterrupted(): Promise<ChainResult[]> {
    const { outcomes } = await runChains(registry, { ...config, workers: 1 });
    return outcomes.map((o) => {
      if (o.status !== 'done') throw new Error(`chain ${o.chain} stopped`);
      return o.result;
    });
  }

  it.each([1, 2])(
    '%i worker(s): snapshots on request, a stop, and a resume give the uninterrupted results',
    async (workers) => {
      const reference = await uninterrupted();
      const r = workers === 1 ? registry : await builtRegistry();
      const requests = new ChainRequests(4);
      const latest = new Map<number, ChainSnapshot>();
      const started: number[] = [];
      let answered = 0;
      const first = await runChains(
        r,
        { ...config, workers },
        {
          requests,
          onStart: (c) => {
            started.push(c);
            requests.snapshot([c]);
          },
          onSnapshot: (s) => {
            latest.set(s.chain, s);
            if (++answered === 6) requests.stop();
            else requests.snapshot([s.chain]);
          },
        },
      );
      expect(requests.stopping).toBe(true);
      const stopped = first.outcomes.filter((o) => o.status === 'stopped');
      expect(stopped.length).toBeGreaterThan(0);
      const resume = new Map<number, ChainSnapshot>();
      for (const o of stopped) if (o.status === 'stopped' && o.snapshot) resume.set(o.chain, o.snapshot);
      expect(resume.size).toBeGreaterThan(0);
      const rest = stopped.map((o) => o.chain);
      const second = await runChains(r, { ...config, workers }, { chains: rest, resume });
      const results = new Map<number, ChainResult>();
      for (const o of [...first.outcomes, ...second.outcomes])
        if (o.status === 'done') results.set(o.chain, o.result);
      expect([0, 1, 2, 3].map((c) => results.get(c))).toEqual(reference);
    },
  );

  it('runs a subset of chains and refuses chains outside the run', async () => {
    const reference = await uninterrupted();
    const { outcomes } = await runChains(registry, config, { chains: [3, 1] });
    expect(outcomes.map((o) => o.chain)).toEqual([3, 1]);
    expect(outcomes.map((o) => o.status === 'done' && o.result)).toEqual([reference[3], reference[1]]);
    await expect(runChains(registry, config, { chains: [4] })).rejects.toThrow(
      /chain 4 is not a chain of this run/,
    );
    await expect(runChains(registry, config, { chains: [1, 1] })).rejects.toThrow(/listed twice/);
  });
});
