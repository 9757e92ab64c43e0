import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadH5wasm, sampleCheckpointCodec } from '@rsrg/campaigns';
import { type Ensemble, ensembleCodec } from '@rsrg/mcrg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killMidWrite, sleep, startRsrg, until } from './fixtures/processes.js';
import { expectOneLineError, rsrg } from './fixtures/run-rsrg.js';

const _bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'rsrg-sample-run-dir-'));
const started = (args: string[]) => startRsrg(tmp, args);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A run of a few seconds on 2 workers, to stop and kill: 16×16, 4 chains. */
const LONG = [
  '--model',
  'ising2d',
  '--size',
  '16',
  '--samples',
  '24000',
  '--chains',
  '4',
  '--thermalize',
  '300',
  '--interval',
  '20',
  '--seed',
  '5',
  '--workers',
  '2',
];
/** The 3-state Potts model through --model-option: 2 bits a spin, 64 bytes a configuration. */
const POTTS = [
  '--model',
  'potts2d',
  '--model-option',
  'q=3',
  '--size',
  '16',
  '--samples',
  '12000',
  '--chains',
  '4',
  '--thermalize',
  '300',
  '--interval',
  '10',
  '--seed',
  '5',
  '--workers',
  '2',
];
/** A small run, well under a second. */
const SMALL = ['--model', 'ising2d', '--size', '8', '--samples', '800', '--chains', '3', '--seed', '3'];

const reference = new Map<string, { ensemble: Ensemble; json: Record<string, unknown> }>();

const readEnsemble = (path: string) => ensembleCodec.decode(readFileSync(path), path);

beforeAll(async () => {
  for (const [name, args] of [
    ['long', LONG],
    ['small', SMALL],
    ['potts', POTTS],
  ] as const) {
    const out = join(tmp, `${name}.rsrg`);
    const r = await rsrg(tmp, ['sample', ...args, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    reference.set(name, { ensemble: readEnsemble(out), json: JSON.parse(r.stdout) });
  }
});

let n = 0;
const fresh = (name: string) => join(tmp, `${name}-${n++}`);

/**
 * The run directory's ensemble and result equal the plain run's: the configurations byte for
 * byte, the header but for `createdAt` (the plan's), and the `--json` document but for the
 * file, the time and the wall time.
 */
function expectSameAsPlain(dir: string, name: 'long' | 'small' | 'potts', stdout: string): void {
  const ref = reference.get(name)!;
  const got = readEnsemble(join(dir, 'ensemble.rsrg'));
  expect(Buffer.from(got.packed).equals(Buffer.from(ref.ensemble.packed))).toBe(true);
  const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
  expect(got.header).toEqual({ ...ref.ensemble.header, createdAt: plan.createdAt });
  const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
  const { sha256: _, ...printed } = result;
  expect(JSON.parse(stdout)).toEqual(printed);
  const without = (doc: Record<string, unknown>) => {
    const { out: _o, wallSeconds: _w, header, ...rest } = doc;
    return { ...rest, header: { ...(header as object), createdAt: 0 } };
  };
  expect(without(printed)).toEqual(without(ref.json));
}

/** The configurations of a run directory's result.h5, as int8. */
async function h5Configs(dir: string): Promise<{ shape: number[]; values: Int8Array }> {
  const h5 = await loadH5wasm();
  const file = new h5.File(join(dir, 'result.h5'), 'r');
  try {
    const configs = file.get('configs') as unknown as { shape: number[]; value: unknown };
    return { shape: configs.shape, values: configs.value as Int8Array };
  } finally {
    file.close();
  }
}

/**
 * Configurations held by the newest good checkpoint of a run directory (0 without one);
 * `bytes` per configuration (16×16 Ising spins: 32).
 */
function keptIn(dir: string, bytes = 32): number {
  for (const name of checkpoints(dir)) {
    const path = join(dir, 'checkpoints', name);
    try {
      const c = sampleCheckpointCodec.decode(readFileSync(path), path);
      return c.chains.reduce(
        (s, e) =>
          s +
          (e.status === 'done'
            ? e.result.packed.length / bytes
            : e.status === 'running'
              ? e.snapshot.kept
              : 0),
        0,
      );
    } catch {
      // being replaced, or damaged: the one before
    }
  }
  return 0;
}

/** The checkpoint files of a run directory, newest first. */
const checkpoints = (dir: string) =>
  existsSync(join(dir, 'checkpoints'))
    ? readdirSync(join(dir, 'checkpoints'))
        .filter((f) => f.endsWith('.ckpt'))
        .sort()
        .reverse()
    : [];

describe('rsrg sample --run-dir', () => {
  it('uninterrupted: the configurations of rsrg sample, and ensemble.rsrg, result.json, result.h5, --out', async () => {
    const dir = fresh('whole');
    const out = join(tmp, 'whole-out.rsrg');
    const r = await rsrg(tmp, ['sample', ...SMALL, '--run-dir', dir, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).out).toBe(out);
    expectSameAsPlain(dir, 'small', r.stdout);
    // --out gets the same file as the run directory.
    expect(readFileSync(out).equals(readFileSync(join(dir, 'ensemble.rsrg')))).toBe(true);
    // result.h5: the configurations as rsrg export writes them, ±1 int8 in chain order.
    const { shape, values } = await h5Configs(dir);
    const e = reference.get('small')!.ensemble;
    expect(shape).toEqual([800, 8, 8]);
    const spins = new Int8Array(64);
    for (const i of [0, 399, 799]) {
      const { ensembleConfiguration } = await import('@rsrg/mcrg');
      expect(values.subarray(i * 64, (i + 1) * 64)).toEqual(ensembleConfiguration(e, i, spins));
    }
    // The same command again: the finished run's checkpoint gives the same files.
    const again = await rsrg(tmp, ['sample', ...SMALL, '--run-dir', dir, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expectSameAsPlain(dir, 'small', again.stdout);
  });

  it('kill -9 at random moments (one during a checkpoint write), then resume: identical', async () => {
    const dir = fresh('kill');
    const args = ['sample', ...LONG, '--run-dir', dir, '--checkpoint-every', '0.05', '--json'];
    // A fixed pseudo-random sequence of delays after the start.
    let x = 4321;
    const random = () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x / 2 ** 31;
    };
    let killed = 0;
    const progress: number[] = [];
    for (let k = 0; k < 6; k++) {
      const run = started(args);
      if (k === 2) {
        // Killed as soon as a checkpoint's temporary file appears: mid-write.
        await killMidWrite(run, join(dir, 'checkpoints'));
      } else {
        // Once this session has checkpointed configurations beyond the last session's (so it
        // got somewhere), after a random delay.
        const before = progress.at(-1) ?? 0;
        await until(() => keptIn(dir) > before || run.child.exitCode !== null, 60_000, 50);
        await sleep(random() * 200);
        run.child.kill('SIGKILL');
      }
      const end = await run.exited;
      expect(end.signal ?? end.code).toBe(end.code === 0 ? 0 : 'SIGKILL');
      if (end.signal === 'SIGKILL') killed++;
      progress.push(keptIn(dir));
    }
    expect(killed).toBeGreaterThanOrEqual(5);
    // A kill never loses a good checkpoint, and the sessions got on: the resume is from midway.
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(new Set(progress).size).toBeGreaterThanOrEqual(4);
    expect(progress.at(-1)).toBeLessThan(24000);
    const r = await rsrg(tmp, args);
    expect(r.code, r.stderr).toBe(0);
    expectSameAsPlain(dir, 'long', r.stdout);
  });

  it('SIGTERM and SIGUSR1 checkpoint and exit 75; resumed past a damaged newest checkpoint: the same configurations', async () => {
    const dir = fresh('signal');
    const args = ['sample', ...LONG, '--run-dir', dir, '--checkpoint-every', '0.1', '--json'];
    for (const signal of ['SIGTERM', 'SIGUSR1'] as const) {
      // Signalled once this session has checkpointed configurations beyond the last one's.
      const before = keptIn(dir);
      const run = started(args);
      await until(() => checkpoints(dir).length >= 2 && keptIn(dir) > before, 60_000, 50);
      run.child.kill(signal);
      const end = await run.exited;
      expect(end.code, end.stderr).toBe(75);
      expect(end.stderr).toMatch(
        new RegExp(`^rsrg: error: stopped by ${signal}: checkpointed at \\d+ of 24000 configurations`),
      );
    }
    expect(existsSync(join(dir, 'ensemble.rsrg'))).toBe(false);
    // The newest checkpoint loses its last blocks: the previous one is used, with a warning.
    const files = checkpoints(dir);
    expect(files.length).toBe(2);
    const newest = join(dir, 'checkpoints', files[0]);
    const bytes = readFileSync(newest);
    writeFileSync(newest, bytes.subarray(0, bytes.length - 100));
    const r = await rsrg(tmp, args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/rsrg: warning: .*; trying the previous checkpoint/);
    expectSameAsPlain(dir, 'long', r.stdout);
  });

  it('potts2d, q = 3 (--model-option): stopped by SIGTERM and resumed, the configurations of rsrg sample; another q refused', async () => {
    const dir = fresh('potts');
    const args = ['sample', ...POTTS, '--run-dir', dir, '--checkpoint-every', '0.05', '--json'];
    const run = started(args);
    await until(() => keptIn(dir, 64) > 0, 60_000, 50);
    run.child.kill('SIGTERM');
    const end = await run.exited;
    expect(end.code, end.stderr).toBe(75);
    expect(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')).config).toMatchObject({
      model: 'potts2d',
      modelOptions: { q: 3 },
    });
    const q4 = POTTS.map((a) => (a === 'q=3' ? 'q=4' : a));
    expectOneLineError(
      await rsrg(tmp, ['sample', ...q4, '--run-dir', dir]),
      2,
      /--model-option q=4 differs from the run's q=3/,
    );
    const r = await rsrg(tmp, args);
    expect(r.code, r.stderr).toBe(0);
    expectSameAsPlain(dir, 'potts', r.stdout);
    expect(readEnsemble(join(dir, 'ensemble.rsrg')).header).toMatchObject({
      states: 3,
      modelOptions: { q: 3 },
    });
  });

  it('refuses a changed parameter, naming it as typed; --plan-only; one-line errors', async () => {
    const dir = fresh('plan');
    const plan = await rsrg(tmp, ['sample', ...SMALL, '--run-dir', dir, '--plan-only']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toMatch(/^rsrg: plan written to .*plan\.json \(3 chains, 800 configurations\)/);
    expect(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'))).toMatchObject({
      kind: 'sample',
      config: { model: 'ising2d', size: 8, samples: 800, chains: 3, seed: 3, thermalize: 1000 },
    });
    expect(checkpoints(dir)).toEqual([]);
    expectOneLineError(
      await rsrg(tmp, ['sample', ...SMALL.slice(0, -1), '4', '--run-dir', dir]),
      2,
      /--seed 4 differs from the run's 3/,
    );
    // An MCRG run directory is not a sampling one (the other way round: sample-runner.test.ts).
    const mcrgDir = fresh('mcrg');
    expect((await rsrg(tmp, ['mcrg', ...SMALL, '--run-dir', mcrgDir, '--plan-only'])).code).toBe(0);
    expectOneLineError(
      await rsrg(tmp, ['sample', ...SMALL, '--run-dir', mcrgDir]),
      2,
      /is the run directory of an rsrg mcrg run, not of an rsrg sample run/,
    );
    expectOneLineError(
      await rsrg(tmp, ['sample', ...SMALL]),
      2,
      /required option '--out <file>' not specified/,
    );
    expectOneLineError(
      await rsrg(tmp, ['sample', ...SMALL, '--out', 'x.rsrg', '--checkpoint-every', '5']),
      2,
      /--checkpoint-every needs --run-dir/,
    );
    // The planned run, then runs with the plan's parameters.
    const r = await rsrg(tmp, ['sample', ...SMALL, '--run-dir', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expectSameAsPlain(dir, 'small', r.stdout);
  });
});
