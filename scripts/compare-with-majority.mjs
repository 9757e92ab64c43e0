#!/usr/bin/env node
/**
 * Tuned stochastic-majority files against majority rule on one stored ensemble, paired: both
 * rules re-block the same configurations in the same bins (`Reblocking` of @rsrg/optimize), and
 * y − y_majority gets the jackknife over the common bins (`exponentDifference`), which cancels
 * the fluctuations the two share. Reads the packages' dist/ builds (run `pnpm build` first).
 *
 * usage: node scripts/compare-with-majority.mjs ENSEMBLE FILE... [--seed N] [--nc even:N,odd:N]
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (pkg) => import(pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href);
const [core, mcrg, models, optimize, projectors] = await Promise.all(
  ['core', 'mcrg', 'models', 'optimize', 'projectors'].map(dist),
);

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const seed = Number(option('--seed', '7'));
const nc = Object.fromEntries(
  option('--nc', 'even:1,even:3,even:7,odd:4')
    .split(',')
    .map((s, i) => [i, s.split(':')]),
);
const [ensembleFile, ...files] = args;
if (!ensembleFile || files.length === 0) {
  console.error(
    'usage: node scripts/compare-with-majority.mjs ENSEMBLE FILE... [--seed N] [--nc even:N,odd:N]',
  );
  process.exit(2);
}

const e = core.readCodecFile(ensembleFile, mcrg.ensembleCodec).value;
const lattice = new core.Lattice(e.header.sizes);
const V = lattice.volume;
const configurations = new Int8Array(e.count * V);
for (let i = 0; i < e.count; i++)
  mcrg.ensembleConfiguration(e, i, configurations.subarray(i * V, (i + 1) * V));
const couplings = mcrg.modelCouplings(new core.Registry().use(models.plugin), e.header.model);
const reblocking = new optimize.Reblocking(
  { lattice, configurations, count: e.count },
  { couplings, blockSize: 2, seed },
);
const majority = reblocking.accumulate(projectors.majorityProjector(2));
const majorityEstimates = mcrg.analyze(majority);
const fmt = (value, error) => `${value.toFixed(4)}(${Math.round(error * 1e4)})`;

console.log(
  `${ensembleFile}: ${e.header.model} ${lattice.label}, ${e.count} configurations, ${reblocking.levels} levels, seed ${seed}`,
);
console.log('| rule | sector | N_c | N_r | y | y (majority) | y − y (majority), paired |');
console.log('|:--|:--|--:|--:|:--|:--|:--|');
for (const file of files) {
  const { w, w1 } = projectors.stochasticMajorityCodec.decode(readFileSync(file));
  const acc = reblocking.accumulate(projectors.stochasticMajorityProjector({ w, w1 }));
  const estimates = mcrg.analyze(acc);
  for (const [sector, n] of Object.values(nc)) {
    const y = optimize.sectorExponents(estimates, sector, Number(n)).y;
    const ym = optimize.sectorExponents(majorityEstimates, sector, Number(n)).y;
    for (let r = 0; r < y.length; r++) {
      const d = optimize.exponentDifference(acc, majority, sector, y[r].nr, Number(n));
      console.log(
        `| ${file} (w = ${w.toFixed(3)}, w₁ = ${w1.toFixed(3)}) | ${sector} | ${n} | ${y[r].nr} | ${fmt(y[r].y, y[r].error)} | ${fmt(ym[r].y, ym[r].error)} | ${fmt(d.value, d.error)} |`,
      );
    }
  }
}
