#!/usr/bin/env node
/**
 * Measurements per second of one MCRG chain, single-threaded: the L = 32 square Ising model
 * at K_c, Wolff with 5 cluster flips between measurements, majority rule, 3 levels, the 7 even
 * + 4 odd couplings. Also times the measurement alone (blocking, coupling sums, accumulation)
 * on fixed configurations, the per-measurement hot path of @rsrg/mcrg, and both again with a
 * second projector (majority twice) blocking the same configurations. Rates are per CPU
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

/** CPU and wall seconds of `run()`. */
async function timed(run) {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const value = await run();
  return { value, cpu: cpuSeconds(cpu), wall: (performance.now() - t) / 1000 };
}

const two = await prepareMcrg(registry, {
  ...config,
  projectors: [{ id: 'majority' }, { id: 'majority', label: 'second' }],
});
const chain = await timed(() => runChain(setup, 0));
const chainTwo = await timed(() => runChain(two, 0));

// The measurement alone, on 64 fixed configurations.
const { lattice, couplings } = setup;
const { projector } = setup.projectors[0];
const pipelines = [0, 1].map(() => new MeasurementPipeline(lattice, projector, couplings, 3));
const accs = [0, 1].map(() => createAccumulator({ levels: 3, blockSize: 2, nEven: 7, nOdd: 4 }, 1));
const rngs = [Rng.stream(2, 1), Rng.stream(2, 1)];
const configs = Array.from({ length: 64 }, () => randomSpins(lattice, Rng.stream(2, 0)));
const reps = 50_000;
const measureOne = () => {
  for (let i = 0; i < reps; i++) accumulate(accs[0], 0, pipelines[0].measure(configs[i & 63], rngs[0]));
};
const measureTwo = () => {
  for (let i = 0; i < reps; i++) {
    const first = pipelines[0].measure(configs[i & 63], rngs[0]);
    accumulate(accs[0], 0, first);
    accumulate(accs[1], 0, pipelines[1].measure(configs[i & 63], rngs[1], first));
  }
};
measureOne();
measureTwo();
const one = await timed(measureOne);
const both = await timed(measureTwo);
const us = (seconds) => Number(((seconds / reps) * 1e6).toFixed(1));

console.log(
  JSON.stringify(
    {
      lattice: '32×32',
      measurementsPerCpuSecond: Math.round(samples / chain.cpu),
      measurementsPerWallSecond: Math.round(samples / chain.wall),
      tauIntMeasurements: Number(chain.value.tau.toFixed(2)),
      spinsPerMove: Number((chain.value.spinsUpdated / chain.value.moves).toFixed(1)),
      measurementOnlyCpuMicroseconds: us(one.cpu),
      measurementOnlyWallMicroseconds: us(one.wall),
      twoProjectors: {
        measurementsPerCpuSecond: Math.round(samples / chainTwo.cpu),
        measurementOnlyCpuMicroseconds: us(both.cpu),
        secondProjectorCpuMicroseconds: us(both.cpu - one.cpu),
      },
    },
    null,
    2,
  ),
);
