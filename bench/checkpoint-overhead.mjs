#!/usr/bin/env node
/**
 * What checkpoints cost a run directory: the same `rsrg mcrg` run plain, and with `--run-dir`
 * checkpointing every `--every` seconds (default 1, to make the cost visible), alternating,
 * `--repeats` times each. Prints the median wall times, the number of checkpoints written,
 * the cost per checkpoint, and what that cost is at the default interval of 60 s. Costs are
 * CPU time (user + system, all threads; GNU time), which a busy machine disturbs far less than
 * wall time.
 *
 * usage: node bench/checkpoint-overhead.mjs [--repeats 3] [--every 1] [-- <rsrg mcrg options>]
 * default run: 3D Ising 64³ at K_c, majority rule, 2 chains on 2 workers, ~30–60 s.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(name);
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  return i >= 0 && i < end ? Number(argv[i + 1]) : fallback;
};
const repeats = flag('--repeats', 3);
const every = flag('--every', 1);
const rest = argv.includes('--') ? argv.slice(argv.indexOf('--') + 1) : [];
const run = rest.length
  ? rest
  : [
      '--model',
      'ising3d',
      '--size',
      '64',
      '--samples',
      '3000',
      '--thermalize',
      '1000',
      '--interval',
      '5',
      '--chains',
      '2',
      '--workers',
      '2',
      '--levels',
      '3',
      '--seed',
      '1',
    ];

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-ckpt-bench-'));
/**
 * CPU seconds (user + system, every thread) of one run, by GNU time: on a shared machine the
 * wall time mostly measures the neighbours, the CPU time what the run itself did.
 */
const timed = (args) => {
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', 'rsrg-time %e %U %S', process.execPath, bin, 'mcrg', ...args, '--json'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const out = r.stderr.toString();
  if (r.status !== 0) throw new Error(`rsrg mcrg failed (${r.status}): ${out}`);
  const [wall, user, sys] = /rsrg-time (\S+) (\S+) (\S+)/.exec(out).slice(1).map(Number);
  return { wall, cpu: user + sys };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const plain = [];
const withDir = [];
const written = [];
for (let r = 0; r < repeats; r++) {
  plain.push(timed(run));
  const dir = join(tmp, `run-${r}`);
  // Sequence numbers count every checkpoint written (the store keeps only the last two files).
  withDir.push(timed([...run, '--run-dir', dir, '--checkpoint-every', String(every)]));
  const seqs = readdirSync(join(dir, 'checkpoints')).map((n) => Number(/\.(\d+)\.ckpt$/.exec(n)?.[1] ?? 0));
  written.push(Math.max(...seqs));
}
rmSync(tmp, { recursive: true, force: true });

const cpu = (xs) => xs.map((x) => x.cpu);
const [a, b, n] = [median(cpu(plain)), median(cpu(withDir)), median(written)];
const perCheckpoint = (b - a) / n;
const result = {
  run: run.join(' '),
  repeats,
  every,
  plainSeconds: plain,
  runDirSeconds: withDir,
  checkpoints: written,
  medianPlain: a,
  medianRunDir: b,
  overheadAtEvery: (b - a) / a,
  secondsPerCheckpoint: perCheckpoint,
  overheadAt60s: perCheckpoint / 60,
};
if (argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`run: rsrg mcrg ${result.run}`);
  const show = (xs) => xs.map((x) => `${x.cpu.toFixed(2)} (${x.wall.toFixed(1)})`).join(' ');
  console.log(`CPU seconds (wall seconds in brackets)`);
  console.log(`plain          ${show(plain)}   median ${a.toFixed(2)} s`);
  console.log(
    `--run-dir      ${show(withDir)}   median ${b.toFixed(2)} s   (checkpoint every ${every} s: ${written.join(', ')} written)`,
  );
  console.log(
    `overhead       ${(100 * result.overheadAtEvery).toFixed(2)} % at ${every} s, ${(1000 * perCheckpoint).toFixed(1)} ms per checkpoint (incl. the run directory's fixed cost)`,
  );
  console.log(
    `at 60 s        ${(100 * result.overheadAt60s).toFixed(3)} % of run time (one checkpoint a minute)`,
  );
}
