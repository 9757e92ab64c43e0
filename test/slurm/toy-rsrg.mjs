#!/usr/bin/env node
// A stand-in for the rsrg binary in the Slurm tests: it answers the two commands the job scripts
// run, with the exit-code convention of the real one.
//
//   toy-rsrg.mjs mcrg --run-dir <dir> --shard I/N
//     after a short sleep writes <dir>/shards/I.txt. When <dir>/checkpoint-shard holds I and
//     there is no checkpoint yet, it writes <dir>/shards/I.started and waits for SIGUSR1 instead;
//     on SIGUSR1 it writes the checkpoint <dir>/shards/I.checkpoint and exits 75 (checkpointed
//     and stopped by a signal). Rerun after that, it resumes: I.txt says so. When
//     <dir>/fail-shard holds I it exits 3.
//   toy-rsrg.mjs merge <dir> --out <file>
//     concatenates <dir>/shards/0.txt … (N−1).txt into <file>; N comes from <dir>/plan.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const EXIT_CHECKPOINTED = 75;
const [command, ...rest] = process.argv.slice(2);
const option = (name) => {
  const i = rest.indexOf(name);
  if (i < 0 || i + 1 >= rest.length) throw new Error(`toy-rsrg: ${name} is missing`);
  return rest[i + 1];
};
const read = (file) => (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (command === 'mcrg') {
  const dir = option('--run-dir');
  const [index, count] = option('--shard').split('/');
  const shards = join(dir, 'shards');
  mkdirSync(shards, { recursive: true });
  const checkpoint = join(shards, `${index}.checkpoint`);
  if (read(join(dir, 'fail-shard')) === index) {
    console.error(`toy-rsrg: shard ${index} fails on purpose`);
    process.exit(3);
  }
  if (read(join(dir, 'checkpoint-shard')) === index && !existsSync(checkpoint)) {
    process.on('SIGUSR1', () => {
      writeFileSync(checkpoint, `shard ${index}/${count} checkpoint\n`);
      console.error(`toy-rsrg: shard ${index} got SIGUSR1, checkpointed, exiting ${EXIT_CHECKPOINTED}`);
      process.exit(EXIT_CHECKPOINTED);
    });
    writeFileSync(join(shards, `${index}.started`), `${process.pid}\n`);
    await sleep(120_000);
    console.error(`toy-rsrg: shard ${index} was never signalled`);
    process.exit(1);
  }
  await sleep(500);
  const resumed = existsSync(checkpoint) ? ' resumed from its checkpoint' : '';
  writeFileSync(join(shards, `${index}.txt`), `shard ${index}/${count}${resumed}\n`);
  console.log(`toy-rsrg: shard ${index}/${count} done${resumed}`);
} else if (command === 'merge') {
  const dir = rest[0];
  const out = option('--out');
  const { shards } = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
  const parts = [];
  for (let i = 0; i < shards; i++) {
    const text = read(join(dir, 'shards', `${i}.txt`));
    if (text === undefined) {
      console.error(`toy-rsrg: shard ${i} is missing`);
      process.exit(1);
    }
    parts.push(`${text}\n`);
  }
  writeFileSync(out, parts.join(''));
  console.log(`toy-rsrg: merged ${shards} shards into ${out}`);
} else {
  console.error(`toy-rsrg: unknown command '${command}'`);
  process.exit(2);
}
