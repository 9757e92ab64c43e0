#!/usr/bin/env node
/**
 * The objective landscape of an `rg-convergence` training: every evaluation its file records
 * (θ, the loss of each sector, y at every N_r of the training lattice), and majority rule on the
 * same configurations and draws, as a markdown table. A grid (`--trainer-option method=grid`)
 * gives the landscape along w. Reads the packages' dist/ builds (run `pnpm build` first).
 *
 * usage: node scripts/objective-landscape.mjs FILE [--nc even:N,odd:N]
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { stochasticMajorityCodec } = await import(
  pathToFileURL(join(root, 'packages', 'projectors', 'dist', 'index.js')).href
);

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/objective-landscape.mjs FILE');
  process.exit(2);
}
const { training } = stochasticMajorityCodec.decode(readFileSync(file));
if (!training?.evaluations) {
  console.error(`${file}: not a file of trainer rg-convergence (no evaluations recorded)`);
  process.exit(1);
}
const value = (y, e) => `${y.toFixed(4)}(${Math.round(e * 1e4)})`;
const ys = (sector) => sector.y.map((p) => value(p.y, p.error));
const row = (label, e) => {
  const { even, odd } = e.exponents.main;
  return [label, e.even.loss.toExponential(2), e.odd.loss.toExponential(2), ...ys(even), ...ys(odd)];
};
const first = training.evaluations[0].exponents.main;
const header = [
  'θ',
  'L (y_t)',
  'L (y_h)',
  ...first.even.y.map((p) => `y_t, N_r = ${p.nr} (N_c = ${first.even.nc})`),
  ...first.odd.y.map((p) => `y_h, N_r = ${p.nr} (N_c = ${first.odd.nc})`),
];
const theta = (e) => (e.w1 ? `w = ${e.w.toFixed(3)}, w₁ = ${e.w1.toFixed(3)}` : `w = ${e.w.toFixed(3)}`);
const rows = [...training.evaluations].sort((a, b) => a.w - b.w || a.w1 - b.w1).map((e) => row(theta(e), e));
rows.push(row('majority (w = ∞)', training.majority));
console.log(`${file}: ${training.data}; μ = ${training.options.mu}, seed ${training.seed}`);
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map((_, i) => (i === 0 ? ':--' : '--:')).join('|')}|`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
