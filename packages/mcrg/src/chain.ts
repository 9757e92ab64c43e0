/**
 * The work of one Markov chain, the same in any thread: walking it, measuring it with every
 * projector of a run, or storing its configurations. Results depend on (config, chain) only.
 */
import { type ChainState, integratedAutocorrelation, Rng, randomConfiguration, type Spins } from '@rsrg/core';
import { type Accumulator, accumulate, cloneAccumulator, createAccumulator } from './accumulator.js';
import { binSamples, chainSamples } from './config/partition.js';
import type { McrgSetup, SamplingSetup } from './config/types.js';
import { MeasurementPipeline } from './measurement-pipeline.js';
import { bytesPerConfiguration, packConfiguration, unpackConfiguration } from './packed-configurations.js';
import type {
  ChainOutcome,
  ChainResult,
  ChainSnapshot,
  ChainTick,
  EnsembleChain,
  EnsembleOutcome,
  EnsembleSnapshot,
} from './protocol.js';
import { checkEnsembleSnapshot, checkSnapshot, TAU_SERIES_LENGTH } from './snapshot.js';

export { TAU_SERIES_LENGTH };

/** The sampling stream of chain c: `Rng.stream(seed, 2c)`. */
export function samplingStream(seed: number, chain: number): Rng {
  return Rng.stream(seed, 2 * chain);
}

/** The projecting stream of chain c: `Rng.stream(seed, 2c + 1)`, a fresh copy per call. */
export function projectingStream(seed: number, chain: number): Rng {
  return Rng.stream(seed, 2 * chain + 1);
}

/** Request bit: hand out a snapshot at the next check point, then go on. */
export const SNAPSHOT_REQUEST = 1;
/** Request bit: hand back a snapshot at the next check point and stop there. */
export const STOP_REQUEST = 2;

/**
 * How a running chain is asked for snapshots: any thread sets bits (`SNAPSHOT_REQUEST`,
 * `STOP_REQUEST`) in `requests[slot]` with `Atomics.or`; the chain reads the word once per
 * measurement (or kept configuration) and about every 1% of its thermalization (its check
 * points), and clears it when it answers. `S` is the chain's snapshot: a measuring chain's
 * `ChainSnapshot`, or a sampling chain's `EnsembleSnapshot`.
 */
export interface ChainControl<S = ChainSnapshot> {
  /** Request words, usually on a SharedArrayBuffer shared with the thread that asks. */
  readonly requests: Int32Array;
  /** This chain's word in `requests`. */
  readonly slot: number;
  /** Called once the chain has started (it answers requests from now on). */
  readonly onStart?: () => void;
  /** Receives the snapshot a `SNAPSHOT_REQUEST` asked for; the chain goes on when it returns. */
  readonly onSnapshot?: (snapshot: S) => void | Promise<void>;
}

/** Where a walk is, and the chain's live state there. */
interface WalkPosition {
  readonly state: ChainState;
  /** Thermalization moves done. */
  thermalized: number;
  /** Configurations visited (measured or stored). */
  visited: number;
  /** Spins updated by the moves after thermalization. */
  spinsUpdated: number;
}

/** A walk's answer to a request at a check point: true stops the walk there. */
type CheckPoint = (at: WalkPosition, requests: number) => Promise<boolean>;

/**
 * The one loop behind every chain: from `at` (the start, or a resumed position) it moves the
 * chain to the end of the thermalization and then through `n` kept configurations, handing
 * each to `visit`. With `control`, it reads the request word at its check points (every
 * measurement boundary, and every ~1% of the thermalization) and lets `checkPoint` answer; it
 * returns true when that stopped it. The check points do not change a single draw, so where
 * the chain stops or snapshots never changes what it computes.
 */
async function walk(
  setup: SamplingSetup,
  n: number,
  at: WalkPosition,
  visit: (spins: Spins, k: number) => void,
  tick: ChainTick | undefined,
  control?: { readonly requests: Int32Array; readonly slot: number; readonly checkPoint: CheckPoint },
): Promise<boolean> {
  const { lattice, hamiltonian } = setup;
  const { thermalize, interval } = setup.config;
  const state = at.state;
  const kernel = setup.sampler.create(lattice, hamiltonian);
  const tickEvery = Math.max(1, Math.ceil((thermalize + n * interval) / 100));
  const checkEvery = Math.max(1, Math.ceil(thermalize / 100));
  const requests = control?.requests;
  const slot = control?.slot ?? 0;
  let pending = 0;
  let t = at.thermalized;
  let untilCheck = checkEvery - (t % checkEvery);
  while (t < thermalize) {
    kernel.step(state);
    t++;
    if (++pending >= tickEvery && tick) {
      await tick(pending, 'thermalize');
      pending = 0;
    }
    if (--untilCheck === 0) {
      untilCheck = checkEvery;
      if (requests !== undefined && t < thermalize) {
        const bits = Atomics.load(requests, slot);
        if (bits !== 0) {
          at.thermalized = t;
          if (await control!.checkPoint(at, bits)) {
            if (pending > 0 && tick) await tick(pending, 'thermalize');
            return true;
          }
        }
      }
    }
  }
  at.thermalized = t;
  if (pending > 0 && tick) await tick(pending, 'thermalize');
  pending = 0;

  let spinsUpdated = at.spinsUpdated;
  for (let k = at.visited; k < n; k++) {
    if (requests !== undefined) {
      const bits = Atomics.load(requests, slot);
      if (bits !== 0) {
        at.visited = k;
        at.spinsUpdated = spinsUpdated;
        if (await control!.checkPoint(at, bits)) {
          if (pending > 0 && tick) await tick(pending, 'measure');
          return true;
        }
      }
    }
    for (let i = 0; i < interval; i++) spinsUpdated += kernel.step(state);
    visit(state.spins, k);
    pending += interval;
    if (pending >= tickEvery && tick) {
      await tick(pending, 'measure');
      pending = 0;
    }
  }
  if (pending > 0 && tick) await tick(pending, 'measure');
  at.visited = n;
  at.spinsUpdated = spinsUpdated;
  return false;
}

/** The start of chain `chain`: random spins from the sampling stream, nothing done. */
function startOfChain(setup: SamplingSetup, chain: number): WalkPosition {
  const rng = samplingStream(setup.config.seed, chain);
  return {
    state: { spins: randomConfiguration(setup.lattice, rng, setup.model.spins), rng, moves: 0 },
    thermalized: 0,
    visited: 0,
    spinsUpdated: 0,
  };
}

/**
 * Walks Markov chain `chain` of a sampling setup and hands `visit` its `n` kept
 * configurations: the sampling stream `Rng.stream(seed, 2·chain)` draws the random initial
 * spins and then every sampler move; `thermalize` moves precede the first kept configuration
 * and `interval` moves precede each one. So the configurations depend on (seed, chain, model,
 * size, coupling, sampler, interval, thermalize) only. `visit` must not keep `spins` (it is
 * the chain's live state). `tick` is called about every 1% of the chain's moves.
 */
export async function walkChain(
  setup: SamplingSetup,
  chain: number,
  n: number,
  visit: (spins: Spins, k: number) => void,
  tick?: ChainTick,
): Promise<{
  /** Sampler moves after thermalization: n · interval. */
  moves: number;
  /** Spins the sampler updated in those moves (the sum of the steps' returns). */
  spinsUpdated: number;
}> {
  const at = startOfChain(setup, chain);
  await walk(setup, n, at, visit, tick);
  return { moves: n * setup.config.interval, spinsUpdated: at.spinsUpdated };
}

/** Where a snapshot left its chain: its live state, copied, with `visited` configurations done. */
function resumedAt(
  s: {
    readonly spins: Spins;
    readonly rng: Uint32Array;
    readonly moves: number;
    readonly thermalized: number;
    readonly spinsUpdated: number;
  },
  visited: number,
): WalkPosition {
  return {
    state: { spins: s.spins.slice(), rng: new Rng(s.rng), moves: s.moves },
    thermalized: s.thermalized,
    visited,
    spinsUpdated: s.spinsUpdated,
  };
}

/** Whether a stop was asked for before the chain started (it then hands back its `resume`). */
function stopRequested(
  control: { readonly requests: Int32Array; readonly slot: number } | undefined,
): boolean {
  return control !== undefined && (Atomics.load(control.requests, control.slot) & STOP_REQUEST) !== 0;
}

/**
 * `walk` under `control`, for any kind of chain: it tells `onStart`, and at a check point
 * whose word is set it clears the word and takes `snapshotAt(position)`; a snapshot request
 * hands it to `onSnapshot` and goes on, a stop ends the walk there with it (`last`).
 */
async function walkControlled<S>(
  setup: SamplingSetup,
  n: number,
  at: WalkPosition,
  visit: (spins: Spins, k: number) => void,
  tick: ChainTick | undefined,
  control: ChainControl<S> | undefined,
  snapshotAt: (position: WalkPosition) => S,
): Promise<{ stopped: boolean; last?: S }> {
  control?.onStart?.();
  let last: S | undefined;
  const stopped = await walk(
    setup,
    n,
    at,
    visit,
    tick,
    control && {
      requests: control.requests,
      slot: control.slot,
      checkPoint: async (position, bits) => {
        Atomics.and(control.requests, control.slot, ~bits);
        last = snapshotAt(position);
        if ((bits & STOP_REQUEST) !== 0) return true;
        await control.onSnapshot?.(last);
        return false;
      },
    },
  );
  return { stopped, last };
}

/**
 * The measurements of one chain (or chunk of stored configurations) with every projector of
 * a run: each configuration is blocked by each projector in order, each with its own
 * pipeline, bins and copy of the projecting stream, so a projector's numbers do not depend
 * on which other projectors run beside it. Level 0 is evaluated once and shared.
 */
class ChainMeasurement {
  private readonly pipelines: MeasurementPipeline[];
  private readonly streams: Rng[];
  readonly accumulators: Accumulator[];
  private readonly energy: Float64Array;
  private readonly hasEnergy: boolean;
  private readonly binsPerChain: number;
  private readonly n: number;
  private bin = 0;
  private left: number;
  private k = 0;

  constructor(setup: McrgSetup, chain: number, n: number) {
    const { config, lattice, couplings } = setup;
    const { levels, binsPerChain, seed } = config;
    this.pipelines = setup.projectors.map(
      ({ projector }) => new MeasurementPipeline(lattice, projector, couplings, levels, setup.model.spins),
    );
    this.streams = setup.projectors.map(() => projectingStream(seed, chain));
    const shape = {
      levels,
      blockSize: setup.blockSize,
      nEven: couplings.even.length,
      nOdd: couplings.odd.length,
    };
    this.accumulators = setup.projectors.map(() => createAccumulator(shape, binsPerChain));
    this.energy = new Float64Array(Math.min(n, TAU_SERIES_LENGTH));
    this.hasEnergy = couplings.even.length > 0;
    this.binsPerChain = binsPerChain;
    this.n = n;
    this.left = binSamples(n, binsPerChain, 0);
  }

  /** Measures one level-0 configuration with every projector. No allocation. */
  add(spins: Spins): void {
    if (this.left === 0) this.left = binSamples(this.n, this.binsPerChain, ++this.bin);
    const pipelines = this.pipelines;
    const first = pipelines[0].measure(spins, this.streams[0]);
    accumulate(this.accumulators[0], this.bin, first);
    for (let p = 1; p < pipelines.length; p++) {
      accumulate(this.accumulators[p], this.bin, pipelines[p].measure(spins, this.streams[p], first));
    }
    if (this.k < this.energy.length) this.energy[this.k] = first[0];
    this.k++;
    this.left--;
  }

  /** A snapshot of a chain at `at`, this measurement's part copied (see `ChainSnapshot`). */
  snapshot(chain: number, thermalize: number, at: WalkPosition): ChainSnapshot {
    const streams = new Uint32Array(4 * this.streams.length);
    for (let p = 0; p < this.streams.length; p++) streams.set(this.streams[p].s, 4 * p);
    return {
      chain,
      phase: at.thermalized < thermalize ? 'thermalize' : 'measure',
      thermalized: at.thermalized,
      measured: this.k,
      bin: this.bin,
      left: this.left,
      spins: at.state.spins.slice(),
      rng: at.state.rng.s.slice(),
      moves: at.state.moves,
      streams,
      accumulators: this.accumulators.map(cloneAccumulator),
      energy: this.energy.slice(0, Math.min(this.k, this.energy.length)),
      spinsUpdated: at.spinsUpdated,
    };
  }

  /** Takes up a snapshot's measurement state (checked by `checkSnapshot` first). */
  restore(s: ChainSnapshot): void {
    this.k = s.measured;
    this.bin = s.bin;
    this.left = s.left;
    for (let p = 0; p < this.streams.length; p++) this.streams[p].s.set(s.streams.subarray(4 * p, 4 * p + 4));
    this.accumulators.forEach((a, p) => {
      const from = s.accumulators[p];
      a.count.set(from.count);
      a.sum.set(from.sum);
      a.sumSq.set(from.sumSq);
      a.sumCross.set(from.sumCross);
    });
    this.energy.set(s.energy);
  }

  result(chain: number, moves: number, spinsUpdated: number): ChainResult {
    const ac = this.hasEnergy
      ? integratedAutocorrelation(this.energy)
      : { tau: Number.NaN, error: Number.NaN };
    return {
      chain,
      accumulators: this.accumulators,
      tau: ac.tau,
      tauError: ac.error,
      moves,
      spinsUpdated,
    };
  }
}

/** Options of `driveChain`. */
export interface DriveChainOptions {
  /** Called about every 1% of the chain's moves (of those still to do, when resumed). */
  readonly tick?: ChainTick;
  /** Where to start: a snapshot of this chain (see `ChainSnapshot`); default its beginning. */
  readonly resume?: ChainSnapshot;
  /** Where requests for snapshots, or to stop, come in. */
  readonly control?: ChainControl;
}

/**
 * Runs chain `chain` as `runChain` does, from `resume` when given, answering the requests of
 * `control`: a `SNAPSHOT_REQUEST` hands the chain's snapshot to `control.onSnapshot` and goes
 * on; a `STOP_REQUEST` ends the chain there with its snapshot (`status: 'stopped'`; a stop
 * requested before the chain starts hands back `resume` unchanged). Requests are read once
 * per measurement and about every 1% of the thermalization; answering one never changes the
 * chain's draws, so a chain resumed from any of its snapshots ends with the same `ChainResult`
 * as the chain that never stopped, bit for bit.
 */
export async function driveChain(
  setup: McrgSetup,
  chain: number,
  options: DriveChainOptions = {},
): Promise<ChainOutcome> {
  const { tick, resume, control } = options;
  const n = chainSamples(setup.config.samples, setup.config.chains, chain);
  const { thermalize, interval } = setup.config;
  if (stopRequested(control)) {
    return resume === undefined
      ? { status: 'stopped', chain }
      : { status: 'stopped', chain, snapshot: resume };
  }
  const measurement = new ChainMeasurement(setup, chain, n);
  let at: WalkPosition;
  if (resume === undefined) {
    at = startOfChain(setup, chain);
  } else {
    checkSnapshot(setup, chain, resume);
    measurement.restore(resume);
    at = resumedAt(resume, resume.measured);
  }
  const { stopped, last } = await walkControlled(
    setup,
    n,
    at,
    (spins) => measurement.add(spins),
    tick,
    control,
    (position) => measurement.snapshot(chain, thermalize, position),
  );
  if (stopped) return { status: 'stopped', chain, snapshot: last };
  return { status: 'done', chain, result: measurement.result(chain, n * interval, at.spinsUpdated) };
}

/**
 * Runs chain `chain`: the sampling stream `Rng.stream(seed, 2·chain)` drives the Markov chain
 * (see `walkChain`) and the projecting stream `Rng.stream(seed, 2·chain + 1)` the stochastic
 * projectors (level by level; each projector of the run draws from its own copy). The results
 * depend on (config, chain) only, never on which thread runs it, and the configurations do not
 * depend on the projectors. `tick` is called about every 1% of the chain's moves. With
 * `resume` (a snapshot of this chain, see `driveChain`) it continues from there, to the same
 * result.
 */
export async function runChain(
  setup: McrgSetup,
  chain: number,
  tick?: ChainTick,
  resume?: ChainSnapshot,
): Promise<ChainResult> {
  const outcome = await driveChain(setup, chain, { tick, resume });
  if (outcome.status !== 'done') throw new Error(`internal: chain ${chain} stopped without a request`);
  return outcome.result;
}

/**
 * Measures chunk `chunk` of stored configurations (bit-packed, see `packConfiguration`) as
 * `runChain` measures chain `chunk`: same bins, same projecting stream
 * `Rng.stream(seed, 2·chunk + 1)`. `tick` counts configurations, about every 1%.
 */
export async function measureConfigurations(
  setup: McrgSetup,
  chunk: number,
  packed: Uint8Array,
  tick?: ChainTick,
): Promise<ChainResult> {
  const spins = new Int8Array(setup.lattice.volume);
  const encoding = setup.model.spins;
  const n = packed.length / bytesPerConfiguration(spins.length, encoding);
  const measurement = new ChainMeasurement(setup, chunk, n);
  const tickEvery = Math.max(1, Math.ceil(n / 100));
  let pending = 0;
  for (let k = 0; k < n; k++) {
    measurement.add(unpackConfiguration(packed, k, spins, encoding));
    if (++pending >= tickEvery && tick) {
      await tick(pending, 'measure');
      pending = 0;
    }
  }
  if (pending > 0 && tick) await tick(pending, 'measure');
  return measurement.result(chunk, 0, 0);
}

/** Options of `driveEnsembleChain`. */
export interface DriveEnsembleChainOptions {
  /** Called about every 1% of the chain's moves (of those still to do, when resumed). */
  readonly tick?: ChainTick;
  /** Where to start: a snapshot of this chain (see `EnsembleSnapshot`); default its beginning. */
  readonly resume?: EnsembleSnapshot;
  /** Where requests for snapshots, or to stop, come in. */
  readonly control?: ChainControl<EnsembleSnapshot>;
}

/**
 * Samples chain `chain` as `sampleEnsembleChain` does, from `resume` when given, answering the
 * requests of `control` as `driveChain` answers them: its snapshots hold the sampler state
 * and the configurations kept so far. Check points never change a draw, so a chain resumed
 * from any of its snapshots keeps the same configurations, bit for bit, as the chain that
 * never stopped.
 */
export async function driveEnsembleChain(
  setup: SamplingSetup,
  chain: number,
  options: DriveEnsembleChainOptions = {},
): Promise<EnsembleOutcome> {
  const { tick, resume, control } = options;
  const n = chainSamples(setup.config.samples, setup.config.chains, chain);
  const { thermalize, interval } = setup.config;
  if (stopRequested(control)) {
    return resume === undefined
      ? { status: 'stopped', chain }
      : { status: 'stopped', chain, snapshot: resume };
  }
  const encoding = setup.model.spins;
  const bytes = bytesPerConfiguration(setup.lattice.volume, encoding);
  const packed = new Uint8Array(n * bytes);
  let at: WalkPosition;
  if (resume === undefined) {
    at = startOfChain(setup, chain);
  } else {
    checkEnsembleSnapshot(setup, chain, resume);
    packed.set(resume.packed);
    at = resumedAt(resume, resume.kept);
  }
  const { stopped, last } = await walkControlled(
    setup,
    n,
    at,
    (spins, k) => packConfiguration(spins, packed, k, encoding),
    tick,
    control,
    (p): EnsembleSnapshot => ({
      chain,
      phase: p.thermalized < thermalize ? 'thermalize' : 'measure',
      thermalized: p.thermalized,
      kept: p.visited,
      spins: p.state.spins.slice(),
      rng: p.state.rng.s.slice(),
      moves: p.state.moves,
      spinsUpdated: p.spinsUpdated,
      packed: packed.slice(0, p.visited * bytes),
    }),
  );
  if (stopped) return { status: 'stopped', chain, snapshot: last };
  return {
    status: 'done',
    chain,
    result: { chain, packed, moves: n * interval, spinsUpdated: at.spinsUpdated },
  };
}

/**
 * Samples chain `chain` of a sampling setup and packs its kept configurations: exactly those
 * that `runChain` measures for the same sampling parameters (see `walkChain`).
 */
export async function sampleEnsembleChain(
  setup: SamplingSetup,
  chain: number,
  tick?: ChainTick,
): Promise<EnsembleChain> {
  const outcome = await driveEnsembleChain(setup, chain, { tick });
  if (outcome.status !== 'done') throw new Error(`internal: chain ${chain} stopped without a request`);
  return outcome.result;
}
