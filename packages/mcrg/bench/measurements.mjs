#!/usr/bin/env node
/**
 * Measurements per second of one MCRG chain, single-threaded: the L = 32 square Ising model
 * at K_c, Wolff with 5 cluster flips between measurements, majority rule, 3 levels, the 7 even
 * + 4 odd couplings. Also times the measurement alone (blocking, coupling sums, accumulation)
 * on fixed configurations, the per-measurement hot path of @rsrg/mcrg. Rates are per CPU
 * second of this process (process.cpuUsage), so other load on the machine distorts them less;
 * wall-clock rates are shown beside them.
 *
 * usage: node packages/mcrg/bench/measurements.mjs [--samples N]   (after `pnpm build`)
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packages = fileURLToPath(new URL('../../', import.meta.url));
const dist = (pkg) => pathToFileURL(join(packages, pkg, 'dist', 'index.js')).href;
const { Registry, Rng, randomSpins } = await import(dist('core'));
const { accumulate, createAccumulator, MeasurementPipeline, prepareMcrg, runChain } = await import(
  dist('mcrg')
);

const arg = process.argv.indexOf('--samples');
const samples = arg > 0 ? Number(process.argv[arg + 1]) : 20_000;
const registry = new Registry();
await registry.load(dist('samplers'));
await registry.load(dist('projectors'));
const config = {
  model: 'ising2d',
  size: 32,
  samples,
  thermalize: 200,
  levels: 3,
  seed: 1,
  chains: 1,
  workers: 1,
};
const setup = await prepareMcrg(registry, config);

// Warm up, then the whole chain: sampler moves + measurement.
await runChain(await prepareMcrg(registry, { ...config, samples: 2000 }), 0);
const cpuSeconds = (start) => {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1e6;
};
let t = performance.now();
let cpu = process.cpuUsage();
const chain = await runChain(setup, 0);
const chainSeconds = (performance.now() - t) / 1000;
const chainCpu = cpuSeconds(cpu);

// The measurement alone, on 64 fixed configurations.
const { lattice, projector, couplings } = setup;
const pipeline = new MeasurementPipeline(lattice, projector, couplings, 3);
const acc = createAccumulator({ levels: 3, blockSize: 2, nEven: 7, nOdd: 4 }, 1);
const rng = Rng.stream(2, 0);
const configs = Array.from({ length: 64 }, () => randomSpins(lattice, rng));
const reps = 50_000;
for (let i = 0; i < 5000; i++) accumulate(acc, 0, pipeline.measure(configs[i & 63], rng));
t = performance.now();
cpu = process.cpuUsage();
for (let i = 0; i < reps; i++) accumulate(acc, 0, pipeline.measure(configs[i & 63], rng));
const measureSeconds = (performance.now() - t) / 1000;
const measureCpu = cpuSeconds(cpu);

console.log(
  JSON.stringify(
    {
      lattice: '32×32',
      measurementsPerCpuSecond: Math.round(samples / chainCpu),
      measurementsPerWallSecond: Math.round(samples / chainSeconds),
      tauIntMeasurements: Number(chain.tau.toFixed(2)),
      spinsPerMove: Number((chain.spinsUpdated / chain.moves).toFixed(1)),
      measurementOnlyCpuMicroseconds: Number(((measureCpu / reps) * 1e6).toFixed(1)),
      measurementOnlyWallMicroseconds: Number(((measureSeconds / reps) * 1e6).toFixed(1)),
    },
    null,
    2,
  ),
);
