// The runs whose numbers must never change without a reason: the command lines, and the part of
// each --json output that is physics (estimates, τ_int, the trained filter and its history).
// `node test/golden/runs.mjs --capture` rewrites the stored outputs; test/golden.test.ts compares.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const bin = join(root, 'packages/cli/dist/bin.js');

/** name → rsrg arguments (each prints one JSON object with --json). */
export const goldenRuns = {
  'mcrg-ising2d-majority': ['mcrg', '--model', 'ising2d', '--size', '16', '--samples', '4000', '--seed', '3'],
  'mcrg-ising3d-majority': ['mcrg', '--model', 'ising3d', '--size', '8', '--samples', '4000', '--seed', '5'],
  'mcrg-ising2d-rbm-paper': [
    'mcrg',
    '--model',
    'ising2d',
    '--size',
    '32',
    '--projector',
    'rbm',
    '--weights',
    'docs/results/chung-kao-2019-paper/projector.rsrg',
    '--samples',
    '20000',
    '--seed',
    '2',
  ],
  'reproduce-chung-kao-2019-quick': ['reproduce', 'chung-kao-2019', '--scale', 'quick'],
  'reproduce-ising3d-16-quick': ['reproduce', 'ising3d-16', '--scale', 'quick'],
};

const volatile = new Set(['seconds', 'wallSeconds', 'versions', 'outDir', 'files', 'workers']);

/** The physics of an output: wall times, versions, paths and worker counts removed. */
export function physics(value) {
  if (Array.isArray(value)) return value.map(physics);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) if (!volatile.has(k)) out[k] = physics(v);
  return out;
}

/** Runs one golden command and returns its --json output's physics. */
export function runGolden(name) {
  const args = [...goldenRuns[name], '--json'];
  if (args[0] === 'reproduce') args.push('--out', mkdtempSync(join(tmpdir(), 'rsrg-golden-')));
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`rsrg ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  return {
    estimates: out.estimates,
    tauInt: out.tauInt,
    samples: out.samples,
    bins: out.bins,
    ...(out.comparison === undefined ? {} : { comparison: out.comparison }),
    ...(out.training === undefined ? {} : { training: physics(out.training) }),
  };
}

export const goldenFile = (name) => join(here, `${name}.json`);

if (process.argv.includes('--capture')) {
  for (const name of Object.keys(goldenRuns)) {
    writeFileSync(goldenFile(name), `${JSON.stringify(runGolden(name), null, 1)}\n`);
    console.log(`captured ${name}`);
  }
}
export const readGolden = (name) => JSON.parse(readFileSync(goldenFile(name), 'utf8'));
