#!/usr/bin/env node
/**
 * Speed of the TypeScript kernels against plain C baselines (bench/baseline/*.c, built with
 * gcc -O3 -march=native into bench/baseline/build/). Each kernel runs `--repeats` times,
 * C and JS alternating; the table shows medians with [min, max] and the JS/C speed ratio
 * against its target. A new kernel is one more entry in KERNELS: a C program that prints one
 * JSON object and a JS function that returns the same metric (and, where both start alike, a
 * `trajectory` fingerprint or an `agree` predicate that checks they computed the same thing).
 * What each kernel measures, and the numbers of one run: docs/benchmarks.md.
 *
 * usage: node bench/run.mjs [--json] [--repeats N] [--only id,id] [--check]
 *   --json     print one JSON object instead of the table
 *   --repeats  runs per kernel and language (default 5)
 *   --only     run only these kernel ids
 *   --check    exit 1 when a kernel misses its target or goal, or C and JS disagree
 * `pnpm bench` builds the packages first; this script imports their dist/ builds.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const baselineDir = join(root, 'bench', 'baseline');
const buildDir = join(baselineDir, 'build');
const dist = (pkg) => import(pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href);

/**
 * A Potts q = 3 Wolff entry at L (`spins` cluster spins timed): TypeScript, or with `wasm` the
 * AssemblyScript kernel, against the same C program. Same start, seed and stream: the very same
 * clusters and final state counts.
 */
function pottsWolffEntry(L, spins, kernel = 'ts') {
  const wasm = kernel === 'wasm';
  return {
    id: `potts-wolff${L}${wasm ? '-wasm' : ''}`,
    title: wasm
      ? `as potts-wolff${L}, with the AssemblyScript kernel (createPottsWolffWasmKernel)`
      : `Potts q=3 Wolff cluster updates, 2D L=${L} at K_c = ln(1+√3)`,
    metric: 'ns per spin added',
    better: 'lower',
    target: 0.8,
    c: {
      program: 'potts',
      args: (seed) => ['wolff', String(L), '3', String(spins), String(seed)],
      metric: (o) => o.nsPerSite,
    },
    js: (seed) => pottsNsPerSite(wasm ? 'wolff-wasm' : 'wolff', L, 3, spins, seed),
    trajectory: (o) => `${o.steps} clusters, ${o.sites} spins, states ${o.states.join('/')}`,
  };
}

/**
 * The kernels. `better` says which direction of the metric is faster. What a kernel must meet
 * (for the table and `--check`): `target`, a JS/C speed ratio, and/or `goal`, a bound on the JS
 * metric itself ({ value, why }). How C and JS are checked to have computed the same thing:
 * `trajectory`, a fingerprint string that must be equal, or `agree(c, js)`, a predicate (for
 * floating-point sums); both get a run's printed object.
 */
const KERNELS = [
  {
    id: 'wolff2d',
    title: 'Wolff cluster flips, 2D L=32 at K_c',
    metric: 'ns per spin added',
    better: 'lower',
    target: 0.7,
    c: { program: 'wolff', args: (seed) => ['32', '2e7', String(seed), '2'], metric: (o) => o.nsPerSpin },
    js: (seed) => wolffNsPerSpin('ising2d', 32, 2e7, seed),
    // Same start, seed and stream: both languages must produce the very same clusters.
    trajectory: (o) => `${o.flips} flips, ${o.spins} spins, m = ${o.m}`,
  },
  {
    id: 'wolff3d',
    title: 'Wolff cluster flips, 3D L=16 at K_c = 0.221654626',
    metric: 'ns per spin added',
    better: 'lower',
    target: 0.7,
    c: { program: 'wolff', args: (seed) => ['16', '2e7', String(seed), '3'], metric: (o) => o.nsPerSpin },
    js: (seed) => wolffNsPerSpin('ising3d', 16, 2e7, seed),
    trajectory: (o) => `${o.flips} flips, ${o.spins} spins, m = ${o.m}`,
  },
  {
    id: 'wolff2d-wasm',
    title: 'as wolff2d, with the AssemblyScript kernel (wolff-wasm)',
    metric: 'ns per spin added',
    better: 'lower',
    target: 0.7,
    c: { program: 'wolff', args: (seed) => ['32', '2e7', String(seed), '2'], metric: (o) => o.nsPerSpin },
    js: (seed) => wolffNsPerSpin('ising2d', 32, 2e7, seed, 'wolffWasm'),
    trajectory: (o) => `${o.flips} flips, ${o.spins} spins, m = ${o.m}`,
  },
  {
    id: 'wolff3d-wasm',
    title: 'as wolff3d, with the AssemblyScript kernel (wolff-wasm)',
    metric: 'ns per spin added',
    better: 'lower',
    target: 0.7,
    c: { program: 'wolff', args: (seed) => ['16', '2e7', String(seed), '3'], metric: (o) => o.nsPerSpin },
    js: (seed) => wolffNsPerSpin('ising3d', 16, 2e7, seed, 'wolffWasm'),
    trajectory: (o) => `${o.flips} flips, ${o.spins} spins, m = ${o.m}`,
  },
  {
    id: 'mcrg2d',
    title: 'MCRG measurements, 2D L=32, 5 Wolff flips + majority to 4×4 + 11 couplings × 4 levels',
    metric: 'measurements per s',
    better: 'higher',
    target: 0.7,
    c: { program: 'mcrg', args: (seed) => ['20000', String(seed), '5'], metric: (o) => o.perSecond },
    js: (seed) => mcrgMeasurementsPerSecond({ model: 'ising2d', size: 32, levels: 3 }, 20000, seed, 5),
    // Σ S of every level and coupling over all measurements: equal only if every draw is.
    trajectory: (o) => o.totals.join(','),
  },
  {
    id: 'mcrg2d-wasm',
    title: 'as mcrg2d, with the wolff-wasm sampler (bit-identical to wolff)',
    metric: 'measurements per s',
    better: 'higher',
    target: 0.7,
    c: { program: 'mcrg', args: (seed) => ['20000', String(seed), '5'], metric: (o) => o.perSecond },
    js: (seed) =>
      mcrgMeasurementsPerSecond(
        { model: 'ising2d', size: 32, levels: 3, sampler: 'wolff-wasm' },
        20000,
        seed,
        5,
      ),
    trajectory: (o) => o.totals.join(','),
  },
  {
    id: 'mcrg3d',
    title: 'MCRG measurements, 3D L=16, 5 Wolff flips + majority 2×2×2 to 4³ + 16 couplings × 3 levels',
    metric: 'measurements per s',
    better: 'higher',
    target: 0.7,
    c: { program: 'mcrg3d', args: (seed) => ['2000', String(seed), '5'], metric: (o) => o.perSecond },
    js: (seed) => mcrgMeasurementsPerSecond({ model: 'ising3d', size: 16, levels: 2 }, 2000, seed, 5),
    trajectory: (o) => o.totals.join(','),
  },
  {
    id: 'mcrg3d-wasm',
    title: 'as mcrg3d, with the wolff-wasm sampler (the 3D default; bit-identical to wolff)',
    metric: 'measurements per s',
    better: 'higher',
    target: 0.7,
    c: { program: 'mcrg3d', args: (seed) => ['2000', String(seed), '5'], metric: (o) => o.perSecond },
    js: (seed) =>
      mcrgMeasurementsPerSecond(
        { model: 'ising3d', size: 16, levels: 2, sampler: 'wolff-wasm' },
        2000,
        seed,
        5,
      ),
    trajectory: (o) => o.totals.join(','),
  },
  {
    id: 'rbm-project',
    title: 'RBM projections 32×32 → 16×16, w = 8, b = 2 (a fixed random filter and 64 fixed configurations)',
    metric: 'projections per s',
    better: 'higher',
    c: { program: 'rbm', args: (seed) => ['project', '1e5', String(seed)], metric: (o) => o.perSecond },
    js: (seed) => rbmProjectionsPerSecond(1e5, seed, 'js'),
    // μ of every pool configuration projected once more with stream 3: +1 count and FNV-1a hash.
    trajectory: (o) => `${o.plus} up, hash ${o.hash}`,
  },
  {
    id: 'rbm-project-wasm',
    title: 'as rbm-project, with the AssemblyScript kernel (kernel: wasm, the default)',
    metric: 'projections per s',
    better: 'higher',
    target: 0.7,
    c: { program: 'rbm', args: (seed) => ['project', '1e5', String(seed)], metric: (o) => o.perSecond },
    js: (seed) => rbmProjectionsPerSecond(1e5, seed, 'wasm'),
    trajectory: (o) => `${o.plus} up, hash ${o.hash}`,
  },
  {
    id: 'rbm-cd3',
    title:
      'CD-3 updates, 32×32, w = 8, b = 2 (one configuration: positive phase, 3 Gibbs steps σ→μ→σ, negative phase)',
    metric: 'updates per s',
    better: 'higher',
    // The chung-kao-2019 preset: 10⁴ configurations × 50 epochs = 5·10⁵ updates in 60 s.
    goal: { value: (1e4 * 50) / 60, why: 'paper preset (5·10⁵ CD-3 updates) in 60 s on one thread' },
    c: { program: 'rbm', args: (seed) => ['cd', '1e4', String(seed)], metric: (o) => o.perSecond },
    js: (seed) => cdUpdatesPerSecond(1e4, 3, seed, 'js'),
    // Same chains: the negative samples agree site for site; the gradient sums to rounding.
    agree: (c, js) => c.differ === js.differ && closeArrays(c.gradient, js.gradient, 1e-9),
  },
  {
    id: 'rbm-cd3-wasm',
    title: 'as rbm-cd3, with the AssemblyScript kernel (kernel: wasm, the default)',
    metric: 'updates per s',
    better: 'higher',
    target: 0.7,
    goal: { value: (1e4 * 50) / 60, why: 'paper preset (5·10⁵ CD-3 updates) in 60 s on one thread' },
    c: { program: 'rbm', args: (seed) => ['cd', '1e4', String(seed)], metric: (o) => o.perSecond },
    js: (seed) => cdUpdatesPerSecond(1e4, 3, seed, 'wasm'),
    agree: (c, js) => c.differ === js.differ && closeArrays(c.gradient, js.gradient, 1e-9),
  },
  {
    id: 'rbm-train',
    title:
      'trainRbm end to end, chung-kao-2019 preset, 2000 configurations, epochs 2-3 timed (kernel: wasm; no C side)',
    metric: 'updates per s',
    better: 'higher',
    goal: { value: (1e4 * 50) / 60, why: 'the paper preset in 60 s, minibatch and per-epoch work included' },
    js: (seed) => trainUpdatesPerSecond(2000, 3, seed, 'wasm'),
  },
  {
    id: 'rbm-train-js',
    title: 'as rbm-train, with the TypeScript kernels (kernel: js)',
    metric: 'updates per s',
    better: 'higher',
    js: (seed) => trainUpdatesPerSecond(2000, 3, seed, 'js'),
  },
  pottsWolffEntry(64, 2e7),
  pottsWolffEntry(128, 4e7),
  pottsWolffEntry(64, 2e7, 'wasm'),
  pottsWolffEntry(128, 4e7, 'wasm'),
  {
    id: 'potts-sw64',
    title: 'Potts q=3 Swendsen–Wang sweeps, 2D L=64 at K_c = ln(1+√3)',
    metric: 'ns per site',
    better: 'lower',
    c: {
      program: 'potts',
      args: (seed) => ['sw', '64', '3', '1e7', String(seed)],
      metric: (o) => o.nsPerSite,
    },
    js: (seed) => pottsNsPerSite('sw', 64, 3, 1e7, seed),
    trajectory: (o) => `${o.steps} sweeps, states ${o.states.join('/')}`,
  },
  {
    id: 'potts-heat-bath64',
    title: 'Potts q=3 heat-bath sweeps, 2D L=64 at K_c = ln(1+√3)',
    metric: 'ns per site',
    better: 'lower',
    c: {
      program: 'potts',
      args: (seed) => ['heat-bath', '64', '3', '1e7', String(seed)],
      metric: (o) => o.nsPerSite,
    },
    js: (seed) => pottsNsPerSite('heat-bath', 64, 3, 1e7, seed),
    trajectory: (o) => `${o.steps} sweeps, states ${o.states.join('/')}`,
  },
  rgObjectiveEntry(1),
  rgObjectiveEntry(2),
];

// ---- JS sides -------------------------------------------------------------------------

/** The RG-convergence objective's entry on `workers` threads (no C side; the same value bit for bit). */
function rgObjectiveEntry(workers) {
  return {
    id: workers === 1 ? 'rg-objective' : `rg-objective-${workers}`,
    title:
      workers === 1
        ? 'RG-convergence objective, one evaluation: 10⁴ stored 16³ configurations re-blocked by the stochastic majority rule (2 levels, 10 + 6 couplings, jackknife analysis; level-0 sums cached; no C side)'
        : `as rg-objective, the bins summed on ${workers} worker threads (objectiveEvaluator; the same value bit for bit)`,
    metric: 's per evaluation',
    better: 'lower',
    goal: { value: 2, why: 'a 30-evaluation tuning on 16³ in a minute on 2 cores' },
    js: (seed) => rgObjectiveSeconds(1e4, seed, workers),
  };
}

/**
 * Wolff on L^d at K_c through the sampler's public kernel: ns per spin added. Starts like
 * wolff.c (all up, stream 0 of the seed, 2000 flips), so the trajectories are identical.
 */
async function wolffNsPerSpin(modelId, L, spinsToTime, seed, samplerExport = 'wolff') {
  const [{ Rng, allUp }, models, samplers] = await Promise.all([
    dist('core'),
    dist('models'),
    dist('samplers'),
  ]);
  const model = models[modelId];
  const lattice = model.lattice(L);
  const kernel = samplers[samplerExport].create(lattice, model.hamiltonian(model.criticalCoupling));
  const rng = Rng.stream(seed, 0);
  const state = { spins: allUp(lattice), rng, moves: 0 };
  for (let i = 0; i < 2000; i++) kernel.step(state);
  let spins = 0;
  let flips = 0;
  const t0 = process.hrtime.bigint();
  while (spins < spinsToTime) {
    spins += kernel.step(state);
    flips++;
  }
  const ns = Number(process.hrtime.bigint() - t0);
  let m = 0;
  for (let i = 0; i < state.spins.length; i++) m += state.spins[i];
  return { metric: ns / spins, flips, spins, m, meanCluster: spins / flips };
}

/** The Potts kernel factories: the package index once it re-exports them, else dist/potts/. */
async function pottsKernels() {
  const samplers = await dist('samplers');
  if (samplers.createPottsWolffKernel) return samplers;
  return import(pathToFileURL(join(root, 'packages', 'samplers', 'dist', 'potts', 'index.js')).href);
}

/**
 * A Potts kernel (mode wolff, wolff-wasm, sw or heat-bath) on the L×L torus at K_c = ln(1 + √q): ns per
 * spin added (wolff) or per site visited (sweeps). Starts like potts.c (all 0, stream 0 of
 * the seed, 2000 clusters or 100 sweeps untimed), so the trajectories are identical.
 */
async function pottsNsPerSite(mode, L, q, sitesToTime, seed) {
  const [{ Lattice, Rng }, potts] = await Promise.all([dist('core'), pottsKernels()]);
  const lattice = Lattice.cubic(2, L);
  const create = {
    wolff: potts.createPottsWolffKernel,
    'wolff-wasm': potts.createPottsWolffWasmKernel,
    sw: potts.createPottsSwendsenWangKernel,
    'heat-bath': potts.createPottsHeatBathKernel,
  }[mode];
  const kernel = create(lattice, q, Math.log(1 + Math.sqrt(q)));
  const state = { spins: new Int8Array(lattice.volume), rng: Rng.stream(seed, 0), moves: 0 };
  for (let i = 0; i < (mode.startsWith('wolff') ? 2000 : 100); i++) kernel.step(state);
  let sites = 0;
  let steps = 0;
  const t0 = process.hrtime.bigint();
  while (sites < sitesToTime) {
    sites += kernel.step(state);
    steps++;
  }
  const ns = Number(process.hrtime.bigint() - t0);
  const states = new Array(q).fill(0);
  for (let i = 0; i < state.spins.length; i++) states[state.spins[i] & 255]++;
  return { metric: ns / sites, steps, sites, states, meanCluster: sites / steps };
}

/**
 * One MCRG chain (the analyzer's single-chain API) at K_c with the majority rule (b = 2):
 * measurements per second over the measurement phase, thermalization excluded. The C side
 * replays the same streams: chain 0 samples with Rng.stream(seed, 0) and projects with
 * Rng.stream(seed, 1).
 */
async function mcrgMeasurementsPerSecond(
  { model, size, levels, sampler = 'wolff' },
  measurements,
  seed,
  interval,
) {
  const [{ Registry }, models, samplers, projectors, { prepareMcrg, runChain }] = await Promise.all([
    dist('core'),
    dist('models'),
    dist('samplers'),
    dist('projectors'),
    dist('mcrg'),
  ]);
  const registry = new Registry().use(models.plugin).use(samplers.plugin).use(projectors.plugin);
  const thermalize = 1000 * interval;
  const setup = await prepareMcrg(registry, {
    model,
    size,
    sampler,
    projector: 'majority',
    samples: measurements,
    thermalize,
    interval,
    levels,
    seed,
    chains: 1,
    binsPerChain: 100,
    workers: 1,
  });
  let thermalized = 0;
  let start = 0n;
  const result = await runChain(setup, 0, (moves, phase) => {
    if (phase !== 'thermalize') return;
    thermalized += moves;
    if (thermalized === thermalize) start = process.hrtime.bigint();
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const { bins, sum } = result.accumulators[0];
  const perBin = sum.length / bins;
  const totals = new Array(perBin).fill(0);
  for (let k = 0; k < bins; k++) for (let j = 0; j < perBin; j++) totals[j] += sum[k * perBin + j];
  const energyPerSite = totals[0] / measurements / setup.lattice.volume;
  return { metric: measurements / seconds, energyPerSite, totals };
}

/** The RBM benchmarks' geometry and their fixed inputs, made as rbm.c makes them. */
const RBM = { L: 32, width: 8, blockSize: 2, pool: 64, filterScale: 0.5 };

/**
 * A filter with weights (2u − 1)·scale, u = nextFloat of stream 0 in weight order, and `pool`
 * configurations of independent fair signs from stream 1.
 */
async function rbmInputs(seed) {
  const [{ Lattice, Rng }, projectors] = await Promise.all([dist('core'), dist('projectors')]);
  const lattice = Lattice.cubic(2, RBM.L);
  const filter = projectors.rbmFilter({ dimension: 2, width: RBM.width, blockSize: RBM.blockSize });
  const frng = Rng.stream(seed, 0);
  for (let k = 0; k < filter.weights.length; k++) {
    filter.weights[k] = (2 * frng.nextFloat() - 1) * RBM.filterScale;
  }
  const pool = new Int8Array(RBM.pool * lattice.volume);
  const crng = Rng.stream(seed, 1);
  for (let i = 0; i < pool.length; i++) pool[i] = crng.nextSign();
  return { Rng, projectors, lattice, filter, pool };
}

/**
 * RbmProjector.create(lattice).apply over the pool in turn, stream 2, after 1000 warm-up calls;
 * `kernel` is the projector's implementation ('js' or 'wasm').
 */
async function rbmProjectionsPerSecond(n, seed, kernelId) {
  const { Rng, projectors, lattice, filter, pool } = await rbmInputs(seed);
  const kernel = projectors.rbmProjector(filter, { kernel: kernelId }).create(lattice);
  const V = lattice.volume;
  const configs = Array.from({ length: RBM.pool }, (_, c) => pool.subarray(c * V, (c + 1) * V));
  const mu = new Int8Array(kernel.coarse.volume);
  const rng = Rng.stream(seed, 2);
  for (let i = 0; i < 1000; i++) kernel.apply(configs[i % RBM.pool], mu, rng);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) kernel.apply(configs[i % RBM.pool], mu, rng);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const check = Rng.stream(seed, 3);
  let hash = 2166136261;
  let plus = 0;
  for (let c = 0; c < RBM.pool; c++) {
    kernel.apply(configs[c], mu, check);
    for (let J = 0; J < mu.length; J++) {
      const bit = (mu[J] + 1) >> 1;
      plus += bit;
      hash = Math.imul(hash ^ bit, 16777619) >>> 0;
    }
  }
  return { metric: n / seconds, plus, hash };
}

/**
 * The CD-k estimator's accumulate (what trainRbm runs per configuration; `kernel` 'js' is
 * ContrastiveDivergence, 'wasm' its AssemblyScript port) over the pool in turn, CD-k chains
 * started at the data, stream 2, after 200 warm-up updates; the gradient is resolved from the
 * buckets of all of them.
 */
async function cdUpdatesPerSecond(n, cdSteps, seed, kernel) {
  const { Rng, projectors, lattice, filter, pool } = await rbmInputs(seed);
  const layout = new projectors.RbmLayout(lattice, filter);
  const cd = projectors.rbmKernels[kernel].contrastiveDivergence(layout, cdSteps);
  cd.setWeights(filter.weights);
  const buckets = new Float64Array(cd.bucketSize);
  const V = lattice.volume;
  const rng = Rng.stream(seed, 2);
  let differ = 0;
  for (let i = 0; i < 200; i++) differ += cd.accumulate(pool, (i % RBM.pool) * V, undefined, rng, buckets);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) differ += cd.accumulate(pool, (i % RBM.pool) * V, undefined, rng, buckets);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const gradient = new Float64Array(filter.weights.length);
  cd.resolve(buckets, gradient);
  return { metric: n / seconds, differ, gradient: [...gradient] };
}

/**
 * trainRbm with the paper preset on `n` of the pool's kind of configurations (fair signs from
 * stream 1): updates per second over epochs 2.., so that compilation is not timed. Includes
 * everything per minibatch (table rebuild, bucket sums, Adam) and per epoch (shuffle,
 * pseudo-likelihood on 16 configurations).
 */
async function trainUpdatesPerSecond(n, epochs, seed, kernel) {
  const [{ Lattice, Rng }, projectors] = await Promise.all([dist('core'), dist('projectors')]);
  const lattice = Lattice.cubic(2, RBM.L);
  const configs = new Int8Array(n * lattice.volume);
  const crng = Rng.stream(seed, 1);
  for (let i = 0; i < configs.length; i++) configs[i] = crng.nextSign();
  const { history } = projectors.trainRbm(
    { lattice, configs },
    { seed, preset: 'chung-kao-2019', epochs, configurations: n, kernel },
  );
  const seconds = history[epochs - 1].seconds - history[0].seconds;
  return {
    metric: ((epochs - 1) * n) / seconds,
    reconstructionError: history[epochs - 1].reconstructionError,
  };
}

/** The configurations of rgObjectiveSeconds: sampled once (Wolff at K_c), shared by the repeats. */
let rgObjectiveData;

/**
 * One evaluation of the RG-convergence objective on n stored 16³ configurations at K_c, in
 * seconds, its bins summed on `workers` threads (1: this thread). The level-0 coupling sums are
 * cached by the objective's first evaluation (made untimed, as in a tuning run, where it
 * happens once, with the threads' start), and a second untimed one warms the threads' JIT as
 * the evaluations of a tuning run do; the timed third re-blocks and analyzes.
 */
async function rgObjectiveSeconds(n, seed, workers) {
  const [core, models, samplers, mcrg, projectors, optimize] = await Promise.all(
    ['core', 'models', 'samplers', 'mcrg', 'projectors', 'optimize'].map(dist),
  );
  const model = models.ising3d;
  const lattice = model.lattice(16);
  if (!rgObjectiveData) {
    const kernel = samplers.wolffWasm.create(lattice, model.hamiltonian(model.criticalCoupling));
    const state = { spins: core.allUp(lattice), rng: core.Rng.stream(1, 0), moves: 0 };
    for (let i = 0; i < 1000; i++) kernel.step(state);
    const configurations = new Int8Array(n * lattice.volume);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 5; k++) kernel.step(state);
      configurations.set(state.spins, i * lattice.volume);
    }
    rgObjectiveData = { lattice, configurations, count: n };
  }
  const registry = new core.Registry().use(models.plugin);
  const { even, odd } = mcrg.modelCouplings(registry, 'ising3d');
  const objective = new optimize.RgConvergenceObjective(rgObjectiveData, undefined, {
    couplings: { even, odd },
    blockSize: 2,
    seed,
  });
  const evaluator = optimize.objectiveEvaluator(objective, workers);
  try {
    // Untimed: the first caches the level-0 sums, the second warms the JIT of fresh worker threads.
    await evaluator.evaluate(projectors.stochasticMajorityProjector({ w: 1, w1: 0 }));
    await evaluator.evaluate(projectors.stochasticMajorityProjector({ w: 1.2, w1: 0 }));
    // CPU time (of every thread) beside the wall time: on a loaded machine the two part.
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const value = await evaluator.evaluate(projectors.stochasticMajorityProjector({ w: 1.5, w1: 0 }));
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    return { metric: wall, cpuSeconds: (cpu.user + cpu.system) / 1e6, loss: value.even.loss, workers };
  } finally {
    await evaluator.close();
  }
}

/** Equal to within `rel` of the largest magnitude. */
function closeArrays(a, b, rel) {
  if (a.length !== b.length) return false;
  const scale = Math.max(1, ...a.map(Math.abs));
  return a.every((x, i) => Math.abs(x - b[i]) <= rel * scale);
}

// ---- harness -------------------------------------------------------------------------

function parseArgs(argv) {
  const args = { json: false, repeats: 5, only: undefined, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--check') args.check = true;
    else if (a === '--repeats') args.repeats = Number(argv[++i]);
    else if (a === '--only') args.only = argv[++i].split(',');
    else
      throw new Error(
        `unknown argument '${a}' (usage: node bench/run.mjs [--json] [--repeats N] [--only id,id] [--check])`,
      );
  }
  if (!Number.isInteger(args.repeats) || args.repeats < 1)
    throw new Error('--repeats must be a positive integer');
  return args;
}

function compileBaselines(programs) {
  mkdirSync(buildDir, { recursive: true });
  const gcc = execFileSync('gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  for (const p of programs) {
    execFileSync(
      'gcc',
      // No fused multiply-add: JavaScript has none, and the RBM must round as it does.
      [
        '-O3',
        '-march=native',
        '-ffp-contract=off',
        '-o',
        join(buildDir, p),
        join(baselineDir, `${p}.c`),
        '-lm',
      ],
      {
        stdio: 'inherit',
      },
    );
  }
  return gcc;
}

function runC(kernel, seed) {
  const out = execFileSync(join(buildDir, kernel.c.program), kernel.c.args(seed), { encoding: 'utf8' });
  const o = JSON.parse(out);
  return { metric: kernel.c.metric(o), ...o };
}

function summary(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], runs: values };
}

/** JS speed relative to C: > 1 means JS is faster. */
function speedRatio(kernel, js, c) {
  return kernel.better === 'lower' ? c / js : js / c;
}

/** Whether the medians meet the kernel's target and goal; null when there is nothing to meet. */
function meets(kernel, ratio, jsMedian) {
  const checks = [];
  if (kernel.target !== undefined && ratio !== null) checks.push(ratio >= kernel.target);
  if (kernel.goal) {
    checks.push(kernel.better === 'lower' ? jsMedian <= kernel.goal.value : jsMedian >= kernel.goal.value);
  }
  return checks.length ? checks.every(Boolean) : null;
}

/** What a kernel must meet, e.g. '≥ 0.70× C' or 'JS ≥ 8333'. */
function requirement(kernel) {
  const parts = [];
  if (kernel.target !== undefined) parts.push(`≥ ${kernel.target.toFixed(2)}× C`);
  if (kernel.goal) parts.push(`JS ${kernel.better === 'lower' ? '≤' : '≥'} ${fmt(kernel.goal.value)}`);
  return parts.join(', ');
}

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function table(results) {
  const header = ['kernel', 'metric', 'C median [min, max]', 'JS median [min, max]', 'JS/C speed', 'target'];
  const rows = results.map((r) => [
    r.id,
    r.metric,
    r.c ? `${fmt(r.c.median)} [${fmt(r.c.min)}, ${fmt(r.c.max)}]` : 'n/a',
    `${fmt(r.js.median)} [${fmt(r.js.min)}, ${fmt(r.js.max)}]`,
    r.speedRatio === null ? 'n/a' : `${r.speedRatio.toFixed(2)}×`,
    r.requirement === ''
      ? '—'
      : `${r.requirement} ${r.meetsTarget === null ? '' : r.meetsTarget ? 'met' : 'MISSED'}`.trimEnd(),
  ]);
  const all = [header, ...rows];
  const w = header.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(w[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const kernels = KERNELS.filter((k) => !args.only || args.only.includes(k.id));
  if (kernels.length === 0)
    throw new Error(`no kernel matches --only (known: ${KERNELS.map((k) => k.id).join(', ')})`);
  const loadBefore = loadavg();
  let gcc = null;
  try {
    gcc = compileBaselines([...new Set(kernels.filter((k) => k.c).map((k) => k.c.program))]);
  } catch (err) {
    process.stderr.write(`bench: C baselines unavailable (${err.message.split('\n')[0]}); JS only\n`);
  }
  const results = [];
  for (const kernel of kernels) {
    if (!args.json) process.stderr.write(`bench: ${kernel.id} `);
    const cRuns = [];
    const jsRuns = [];
    for (let r = 0; r < args.repeats; r++) {
      const seed = r + 1;
      if (gcc && kernel.c) cRuns.push(runC(kernel, seed));
      jsRuns.push(await kernel.js(seed));
      if (!args.json) process.stderr.write('.');
    }
    if (!args.json) process.stderr.write('\n');
    const c = cRuns.length ? summary(cRuns.map((x) => x.metric)) : null;
    const js = summary(jsRuns.map((x) => x.metric));
    const ratio = c ? speedRatio(kernel, js.median, c.median) : null;
    const agree =
      kernel.agree ?? (kernel.trajectory && ((a, b) => kernel.trajectory(a) === kernel.trajectory(b)));
    const sameTrajectory = agree && cRuns.length ? cRuns.every((run, r) => agree(run, jsRuns[r])) : null;
    if (sameTrajectory === false) process.stderr.write(`bench: ${kernel.id}: C and JS disagree\n`);
    results.push({
      id: kernel.id,
      title: kernel.title,
      metric: kernel.metric,
      better: kernel.better,
      c,
      js,
      speedRatio: ratio,
      target: kernel.target ?? null,
      goal: kernel.goal ?? null,
      requirement: requirement(kernel),
      meetsTarget: meets(kernel, ratio, js.median),
      sameTrajectory,
      agreement: kernel.agree ? 'agree' : kernel.trajectory ? 'trajectory' : null,
      details: { c: cRuns, js: jsRuns },
    });
  }
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    gcc,
    // 1-, 5- and 15-minute load averages before and after: other work on the cores slows both sides.
    loadBefore,
    loadAfter: loadavg(),
  };
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ machine, repeats: args.repeats, kernels: results }, null, 2)}\n`,
    );
  } else {
    const load = (l) => l.map((x) => x.toFixed(2)).join(' ');
    process.stdout.write(
      `${machine.cpu} (${machine.cores} cores), node ${machine.node}, ${gcc ?? 'no C compiler'}; ${args.repeats} repeats\n` +
        `load average ${load(machine.loadBefore)} before, ${load(machine.loadAfter)} after\n\n`,
    );
    process.stdout.write(`${table(results)}\n\n`);
    for (const r of results) {
      const same =
        r.sameTrajectory === null
          ? ''
          : !r.sameTrajectory
            ? ', C and JS DISAGREE'
            : r.agreement === 'agree'
              ? ', C and JS agree'
              : ', identical C and JS trajectories';
      process.stdout.write(`${r.id}: ${r.title}${same}\n`);
      if (r.goal) {
        const sign = r.better === 'lower' ? '≤' : '≥';
        process.stdout.write(`  goal: JS ${sign} ${fmt(r.goal.value)} ${r.metric}: ${r.goal.why}\n`);
      }
    }
  }
  if (args.check && results.some((r) => r.meetsTarget === false || r.sameTrajectory === false)) {
    process.exitCode = 1;
  }
}

main().catch((err) => {
  process.stderr.write(`bench: error: ${err.message}\n`);
  process.exitCode = 1;
});
