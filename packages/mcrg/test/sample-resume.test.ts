// Sampling chains (rsrg sample's) that stop and go on: a chain resumed from any snapshot, in
// the thermalization or between kept configurations, keeps the configurations of the chain
// that never stopped, bit for bit, in this thread or on workers.
import { Rng, UsageError } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import {
  bytesPerConfiguration,
  ChainRequests,
  checkEnsembleSnapshot,
  driveEnsembleChain,
  type EnsembleChain,
  type EnsembleOutcome,
  type EnsembleSnapshot,
  ensembleSnapshotFromData,
  ensembleSnapshotToData,
  prepareSampling,
  runSamplingChains,
  type SamplingConfig,
  type SamplingSetup,
  SNAPSHOT_REQUEST,
  STOP_REQUEST,
  sampleEnsemble,
  sampleEnsembleChain,
} from '../src/index.js';
import { builtRegistry, sourceRegistry } from './registry.js';

const registry = sourceRegistry();

const square: SamplingConfig = {
  model: 'ising2d',
  size: 8,
  samples: 3 * 37 + 1,
  thermalize: 230,
  interval: 2,
  chains: 3,
  seed: 7,
  workers: 1,
};

const cubic: SamplingConfig = {
  model: 'ising3d',
  size: 4,
  samples: 2 * 29,
  thermalize: 150,
  interval: 3,
  chains: 2,
  seed: 11,
  workers: 1,
};

/** The 3-state Potts model on 8×8 (2 bits per spin): snapshots of q-state spins. */
const potts: SamplingConfig = {
  model: 'potts2d',
  modelOptions: { q: 3 },
  size: 8,
  samples: 2 * 31 + 1,
  thermalize: 120,
  interval: 2,
  chains: 2,
  seed: 13,
  workers: 1,
};

/** Chain `chain` run to its end with a snapshot at every check point. */
async function everySnapshot(setup: SamplingSetup, chain: number) {
  const requests = new Int32Array(setup.config.chains);
  requests[chain] = SNAPSHOT_REQUEST;
  const snapshots: EnsembleSnapshot[] = [];
  const outcome = await driveEnsembleChain(setup, chain, {
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

/** Snapshot indices to resume from: the edges of the thermalization and random ones (seeded). */
function positions(snapshots: readonly EnsembleSnapshot[], thermalize: number): number[] {
  const pick = new Set<number>();
  const firstKept = snapshots.findIndex((s) => s.thermalized === thermalize);
  pick.add(0); // early in the thermalization
  pick.add(Math.floor(firstKept / 2)); // inside the thermalization
  pick.add(firstKept - 1); // the last thermalization check point
  pick.add(firstKept); // thermalized, nothing kept
  pick.add(snapshots.length - 1); // one configuration to go
  const rng = Rng.stream(99, snapshots.length);
  while (pick.size < 10) pick.add(rng.nextInt(snapshots.length));
  return [...pick].sort((a, b) => a - b);
}

/** Through the checkpoint's data form and back. */
const throughData = (s: EnsembleSnapshot) => ensembleSnapshotFromData(ensembleSnapshotToData(s));

/** Resumes chain `chain` from `resume` to its end. */
async function resumed(
  setup: SamplingSetup,
  chain: number,
  resume: EnsembleSnapshot,
): Promise<EnsembleChain> {
  const outcome = await driveEnsembleChain(setup, chain, { resume });
  if (outcome.status !== 'done') throw new Error('the chain stopped');
  return outcome.result;
}

describe('resumable sampling chains', () => {
  it.each([
    ['wolff', '8×8', square],
    ['metropolis', '8×8', square],
    ['heat-bath', '8×8', square],
    ['swendsen-wang', '8×8', square],
    ['wolff', '4³', cubic],
    ['potts-wolff', '8×8, q = 3,', potts],
    ['potts-heat-bath', '8×8, q = 3,', potts],
    ['potts-swendsen-wang', '8×8, q = 3,', potts],
  ] as const)(
    '%s on %s: a chain resumed from any snapshot keeps the uninterrupted configurations, bit for bit',
    async (sampler, _, config) => {
      const setup = prepareSampling(registry, { ...config, sampler });
      const { thermalize, chains } = setup.config;
      for (let chain = 0; chain < chains; chain++) {
        const plain = await sampleEnsembleChain(setup, chain);
        const { result, snapshots } = await everySnapshot(setup, chain);
        // Answering requests changes nothing.
        expect(result).toEqual(plain);
        // A check point every ~1% of the thermalization and before every kept configuration.
        const n = plain.packed.length / bytesPerConfiguration(setup.lattice.volume, setup.model.spins);
        const during = snapshots.filter((s) => s.phase === 'thermalize');
        expect(during.length).toBe(Math.ceil(thermalize / Math.ceil(thermalize / 100)) - 1);
        expect(snapshots.map((s) => s.kept)).toEqual([
          ...during.map(() => 0),
          ...Array.from({ length: n }, (_, k) => k),
        ]);
        // The configurations kept so far are the uninterrupted chain's first ones.
        const last = snapshots[snapshots.length - 1];
        expect(last.packed).toEqual(plain.packed.subarray(0, last.packed.length));
        for (const i of positions(snapshots, thermalize)) {
          expect(await resumed(setup, chain, throughData(snapshots[i])), `chain ${chain} from ${i}`).toEqual(
            plain,
          );
        }
      }
    },
  );

  it('negative controls: a snapshot with another random state, or a flipped kept spin, ends elsewhere', async () => {
    const setup = prepareSampling(registry, square);
    const plain = await sampleEnsembleChain(setup, 0);
    const { snapshots } = await everySnapshot(setup, 0);
    const during = snapshots.find((s) => s.phase === 'thermalize' && s.thermalized > 100)!;
    const rng = during.rng.slice();
    rng[0] ^= 1;
    expect((await resumed(setup, 0, { ...during, rng })).packed).not.toEqual(plain.packed);
    const kept = snapshots[snapshots.length - 10];
    const packed = kept.packed.slice();
    packed[3] ^= 4;
    expect((await resumed(setup, 0, { ...kept, packed })).packed).not.toEqual(plain.packed);
  });

  it('a stop request ends the chain with its snapshot; resuming from it, stopped again, ends the same', async () => {
    const setup = prepareSampling(registry, square);
    const chain = 1;
    const plain = await sampleEnsembleChain(setup, chain);
    const requests = new Int32Array(3);
    let outcome: EnsembleOutcome;
    let resume: EnsembleSnapshot | undefined;
    const stops: EnsembleSnapshot[] = [];
    let done = 0;
    for (const stopAt of [5, 250, 290, Number.POSITIVE_INFINITY]) {
      requests.fill(0);
      outcome = await driveEnsembleChain(setup, chain, {
        resume,
        tick: (moves) => {
          done += moves;
          if (done >= stopAt) Atomics.or(requests, chain, STOP_REQUEST);
        },
        control: { requests, slot: chain },
      });
      if (outcome.status === 'done') break;
      resume = throughData(outcome.snapshot!);
      stops.push(resume);
    }
    expect(stops.map((s) => s.phase)).toEqual(['thermalize', 'measure', 'measure']);
    expect(stops[1].kept).toBeGreaterThan(5);
    expect(outcome!).toEqual({ status: 'done', chain, result: plain });
    // Stop requested before the chain starts: it hands back its resume point.
    requests.fill(STOP_REQUEST);
    expect(await driveEnsembleChain(setup, chain, { control: { requests, slot: chain } })).toEqual({
      status: 'stopped',
      chain,
    });
    expect(await driveEnsembleChain(setup, chain, { resume, control: { requests, slot: chain } })).toEqual({
      status: 'stopped',
      chain,
      snapshot: resume,
    });
  });

  it('refuses a snapshot of another chain or run, naming the mismatch; bad data in one line', async () => {
    const setup = prepareSampling(registry, square);
    const { snapshots } = await everySnapshot(setup, 0);
    const s = snapshots[snapshots.length - 5];
    expect(() => checkEnsembleSnapshot(setup, 1, s)).toThrow(UsageError);
    expect(() => checkEnsembleSnapshot(setup, 1, s)).toThrow(
      /does not fit chain 1 of this run: another chain/,
    );
    const larger = prepareSampling(registry, { ...square, size: 10 });
    expect(() => checkEnsembleSnapshot(larger, 0, s)).toThrow(/64 spins, the lattice has 100/);
    expect(() => checkEnsembleSnapshot(setup, 0, { ...s, packed: s.packed.subarray(8) })).toThrow(
      /bytes of configurations for/,
    );
    expect(() => checkEnsembleSnapshot(setup, 0, { ...s, thermalized: 10 })).toThrow(
      /configurations before the end of the thermalization/,
    );
    await expect(driveEnsembleChain(setup, 1, { resume: s })).rejects.toThrow(/another chain/);
    const data = ensembleSnapshotToData(s);
    expect(() => ensembleSnapshotFromData({ ...data, kept: s.kept + 1 })).toThrow(
      /field 'packed' does not hold/,
    );
  });
});

describe('snapshots of q-state spins', () => {
  it('q = 3 and 5: spins in ⌈log₂ q⌉ bits with their encoding, configurations in the model’s; a flipped state ends elsewhere', async () => {
    for (const q of [3, 5]) {
      const setup = prepareSampling(registry, { ...potts, modelOptions: { q } });
      const bits = Math.ceil(Math.log2(q));
      const plain = await sampleEnsembleChain(setup, 0);
      expect(plain.packed.length).toBe((32 * 64 * bits) / 8);
      const { snapshots } = await everySnapshot(setup, 0);
      const s = snapshots[snapshots.length - 7];
      const data = ensembleSnapshotToData(s);
      // The spins as main's chain snapshots store them: 'states', q the largest held + 1.
      let top = 1;
      for (const v of s.spins) top = Math.max(top, v);
      expect(data).toMatchObject({ spinEncoding: 'states', states: top + 1, volume: 64 });
      expect((data.spins as Uint8Array).length).toBe((64 * Math.ceil(Math.log2(top + 1))) / 8);
      expect((data.packed as Uint8Array).length).toBe(s.kept * 8 * bits);
      expect(throughData(s)).toEqual(s);
      expect(await resumed(setup, 0, throughData(s))).toEqual(plain);
      // Negative control: one site in another state.
      const spins = s.spins.slice();
      spins[5] = (spins[5] + 1) % q;
      expect((await resumed(setup, 0, { ...s, spins })).packed).not.toEqual(plain.packed);
    }
    // A snapshot of q = 3 configurations does not fit a q = 5 run (3 bits a spin, not 2).
    const three = prepareSampling(registry, potts);
    const five = prepareSampling(registry, { ...potts, modelOptions: { q: 5 } });
    const { snapshots } = await everySnapshot(three, 0);
    const s = snapshots[snapshots.length - 1];
    expect(() => checkEnsembleSnapshot(five, 0, s)).toThrow(/bytes of configurations for/);
  });
});

describe('runSamplingChains', () => {
  const config: SamplingConfig = { ...square, chains: 4, samples: 4 * 1500, thermalize: 300 };

  it.each([1, 2])(
    '%i worker(s): snapshots on request, a stop, and a resume give sampleEnsemble’s configurations',
    async (workers) => {
      const reference = await sampleEnsemble(registry, { ...config, workers: 1 });
      const r = workers === 1 ? registry : await builtRegistry();
      const requests = new ChainRequests(4);
      let answered = 0;
      const first = await runSamplingChains(
        r,
        { ...config, workers },
        {
          requests,
          onStart: (c) => requests.snapshot([c]),
          onSnapshot: (s) => {
            if (++answered === 6) requests.stop();
            else requests.snapshot([s.chain]);
          },
        },
      );
      expect(requests.stopping).toBe(true);
      const resume = new Map<number, EnsembleSnapshot>();
      for (const o of first.outcomes)
        if (o.status === 'stopped' && o.snapshot) resume.set(o.chain, o.snapshot);
      expect(resume.size).toBeGreaterThan(0);
      const rest = first.outcomes.filter((o) => o.status === 'stopped').map((o) => o.chain);
      const second = await runSamplingChains(r, { ...config, workers }, { chains: rest, resume });
      const parts = new Map<number, Uint8Array>();
      for (const o of [...first.outcomes, ...second.outcomes])
        if (o.status === 'done') parts.set(o.chain, o.result.packed);
      const packed = Buffer.concat([0, 1, 2, 3].map((c) => parts.get(c)!));
      expect(packed.equals(Buffer.from(reference.packed))).toBe(true);
    },
  );
});
