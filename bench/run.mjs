#!/usr/bin/env node
/**
 * Speed of the TypeScript kernels against plain C baselines (bench/baseline/*.c, built with
 * gcc -O3 -march=native into bench/baseline/build/). Each kernel runs `--repeats` times,
 * C and JS alternating; the table shows medians with [min, max] and the JS/C speed ratio
 * against its target. A new kernel (RBM projection, CD updates, 3D Wolff, ...) is one more
 * entry in KERNELS: a C program that prints one JSON object and a JS function that returns
 * the same metric (and, where both start alike, a `trajectory` fingerprint that must agree).
 *
 * usage: node bench/run.mjs [--json] [--repeats N] [--only id,id] [--check]
 *   --json     print one JSON object instead of the table
 *   --repeats  runs per kernel and language (default 5)
 *   --only     run only these kernel ids
 *   --check    exit 1 when a kernel misses its target
 * `pnpm bench` builds the packages first; this script imports their dist/ builds.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const baselineDir = join(root, 'bench', 'baseline');
const buildDir = join(baselineDir, 'build');
const dist = (pkg) => import(pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href);

/** The kernels. `better` says which direction of the metric is faster. */
const KERNELS = [
  {
    id: 'wolff2d',
    title: 'Wolff cluster flips, 2D L=32 at K_c',
    metric: 'ns per spin added',
    better: 'lower',
    target: 0.7,
    c: { program: 'wolff', args: (seed) => ['32', '2e7', String(seed)], metric: (o) => o.nsPerSpin },
    js: (seed) => wolffNsPerSpin(32, 2e7, seed),
    // Same start, seed and stream: both languages must produce the very same clusters.
    trajectory: (o) => `${o.flips} flips, ${o.spins} spins, m = ${o.m}`,
  },
  {
    id: 'mcrg2d',
    title: 'MCRG measurements, 2D L=32, 5 Wolff flips + majority to 4×4 + 11 couplings × 4 levels',
    metric: 'measurements per s',
    better: 'higher',
    target: 0.7,
    c: { program: 'mcrg', args: (seed) => ['20000', String(seed), '5'], metric: (o) => o.perSecond },
    js: (seed) => mcrgMeasurementsPerSecond(20000, seed, 5),
    // Σ S of every level and coupling over all measurements: equal only if every draw is.
    trajectory: (o) => o.totals.join(','),
  },
];

// ---- JS sides -------------------------------------------------------------------------

/**
 * Wolff on L×L at K_c through the sampler's public kernel: ns per spin added. Starts like
 * wolff.c (all up, stream 0 of the seed, 2000 flips), so the trajectories are identical.
 */
async function wolffNsPerSpin(L, spinsToTime, seed) {
  const [{ Rng, allUp }, { wolff }, { ising2d }] = await Promise.all([
    dist('core'),
    dist('samplers'),
    dist('projectors'),
  ]);
  const lattice = ising2d.lattice(L);
  const kernel = wolff.create(lattice, ising2d.hamiltonian(ising2d.criticalCoupling));
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

/**
 * One MCRG chain (the analyzer's single-chain API) on 32×32 at K_c with the majority rule:
 * measurements per second over the measurement phase, thermalization excluded.
 */
async function mcrgMeasurementsPerSecond(measurements, seed, interval) {
  const [{ Registry }, samplers, projectors, { prepareMcrg, runChain }] = await Promise.all([
    dist('core'),
    dist('samplers'),
    dist('projectors'),
    dist('mcrg'),
  ]);
  const registry = new Registry().use(samplers.plugin).use(projectors.plugin);
  const thermalize = 1000 * interval;
  const setup = await prepareMcrg(registry, {
    model: 'ising2d',
    size: 32,
    sampler: 'wolff',
    projector: 'majority',
    samples: measurements,
    thermalize,
    interval,
    levels: 3,
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
  const { bins, sum } = result.accumulator;
  const perBin = sum.length / bins;
  const totals = new Array(perBin).fill(0);
  for (let k = 0; k < bins; k++) for (let j = 0; j < perBin; j++) totals[j] += sum[k * perBin + j];
  return { metric: measurements / seconds, energyPerSite: totals[0] / measurements / 1024, totals };
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
      ['-O3', '-march=native', '-o', join(buildDir, p), join(baselineDir, `${p}.c`), '-lm'],
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

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function table(results) {
  const header = ['kernel', 'metric', 'C median [min, max]', 'JS median [min, max]', 'JS/C speed', 'target'];
  const rows = results.map((r) => [
    r.id,
    r.metric,
    r.c ? `${fmt(r.c.median)} [${fmt(r.c.min)}, ${fmt(r.c.max)}]` : 'n/a',
    `${fmt(r.js.median)} [${fmt(r.js.min)}, ${fmt(r.js.max)}]`,
    r.speedRatio === null ? 'n/a' : `${r.speedRatio.toFixed(2)}×`,
    `≥ ${r.target.toFixed(2)}× ${r.meetsTarget === null ? '' : r.meetsTarget ? 'met' : 'MISSED'}`.trimEnd(),
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
    const sameTrajectory =
      kernel.trajectory && cRuns.length
        ? cRuns.every((run, r) => kernel.trajectory(run) === kernel.trajectory(jsRuns[r]))
        : null;
    if (sameTrajectory === false) process.stderr.write(`bench: ${kernel.id}: C and JS trajectories differ\n`);
    results.push({
      id: kernel.id,
      title: kernel.title,
      metric: kernel.metric,
      better: kernel.better,
      c,
      js,
      speedRatio: ratio,
      target: kernel.target,
      meetsTarget: ratio === null ? null : ratio >= kernel.target,
      sameTrajectory,
      details: { c: cRuns, js: jsRuns },
    });
  }
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, gcc };
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ machine, repeats: args.repeats, kernels: results }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(
      `${machine.cpu}, node ${machine.node}, ${gcc ?? 'no C compiler'}; ${args.repeats} repeats\n\n`,
    );
    process.stdout.write(`${table(results)}\n\n`);
    for (const r of results) {
      const same =
        r.sameTrajectory === null
          ? ''
          : r.sameTrajectory
            ? ', identical C and JS trajectories'
            : ', C and JS trajectories DIFFER';
      process.stdout.write(`${r.id}: ${r.title}${same}\n`);
    }
  }
  if (args.check && results.some((r) => r.meetsTarget === false)) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`bench: error: ${err.message}\n`);
  process.exitCode = 1;
});
