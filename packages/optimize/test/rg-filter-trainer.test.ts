import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rbmProjectorCodec } from '@rsrg/projectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRgFilterOptions } from '../src/index.js';

/**
 * Trainer `rg-filter` through `rsrg train --trainer` (the built CLI, as users run it): on a
 * small 2D case (16×16 and 8×8 at K_c) Adam steps on the y_h loss lower it from a weak block
 * filter, every step is in the record, and `rsrg mcrg --weights FILE` (no --projector) measures
 * the file. The control: the same run with rate 0 leaves W and L where they started.
 */

const bin = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'rsrg-rg-filter-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function rsrg(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: tmp, env: { ...process.env, RSRG_DEBUG: '', RSRG_PROGRESS: '' }, maxBuffer: 1 << 26 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? -1) : 0, stdout, stderr }),
    );
  });
}

/** The parts of the training record read here. */
interface Record {
  readonly trainer: string;
  readonly evaluations: readonly {
    readonly step: number;
    readonly weights: number[];
    readonly odd: { loss: number };
  }[];
  readonly final: { readonly weights: number[]; readonly loss: number };
}

beforeAll(async () => {
  for (const [size, seed] of [
    ['16', '21'],
    ['8', '22'],
  ]) {
    const r = await rsrg([
      'sample',
      '--model',
      'ising2d',
      '--size',
      size,
      '--samples',
      '960',
      '--seed',
      seed,
      '--workers',
      '1',
      '--out',
      `d${size}.rsrg`,
    ]);
    expect(r.code, r.stderr).toBe(0);
  }
});

const train = (out: string, rate: string, ...extra: string[]) =>
  rsrg([
    'train',
    '--trainer',
    'rg-filter',
    '--data',
    'd16.rsrg',
    '--seed',
    '3',
    '--out',
    out,
    '--json',
    ...['other=d8.rsrg', 'sector=odd', 'w=0.15', 'steps=6', 'rate=0.05', 'bins=16', 'nc=3'].flatMap((o) => [
      '--trainer-option',
      o,
    ]),
    '--trainer-option',
    `rate=${rate}`,
    ...extra.flatMap((o) => ['--trainer-option', o]),
  ]);

describe('rsrg train --trainer rg-filter', () => {
  it('lowers the y_h loss from a weak block filter, records every step, and rsrg mcrg --weights reads the file', async () => {
    const [r, control] = await Promise.all([train('f.rsrg', '0.05'), train('f0.rsrg', '0')]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.trainer).toBe('rg-filter');
    expect(doc.projector).toBe('rbm');
    expect(doc.history).toHaveLength(6);
    const file = rbmProjectorCodec.decode(readFileSync(join(tmp, 'f.rsrg')));
    expect(file.filter.width).toBe(2);
    const t = file.training as unknown as Record;
    expect(t.trainer).toBe('rg-filter');
    expect(t.evaluations).toHaveLength(7);
    expect(t.evaluations[0].weights).toEqual([0.15, 0.15, 0.15, 0.15]);
    expect(t.final.weights).toEqual(Array.from(file.filter.weights));
    const first = t.evaluations[0].odd.loss;
    expect(t.final.loss).toBeLessThan(0.5 * first);

    expect(control.code, control.stderr).toBe(0);
    const c = rbmProjectorCodec.decode(readFileSync(join(tmp, 'f0.rsrg'))).training as unknown as Record;
    expect(c.final.weights).toEqual([0.15, 0.15, 0.15, 0.15]);
    expect(c.final.loss).toBe(first);

    const m = await rsrg([
      'mcrg',
      '--ensemble',
      'd16.rsrg',
      '--weights',
      'f.rsrg',
      '--bins',
      '4',
      '--workers',
      '1',
      '--json',
    ]);
    expect(m.code, m.stderr).toBe(0);
    expect(JSON.parse(m.stdout).parameters.projector).toBe('rbm');
  });

  it('starts from a given file (init) where that run ended, and trains a 4-wide filter', async () => {
    const [init, wide] = await Promise.all([
      train('fi.rsrg', '0', 'init=f.rsrg', 'steps=1'),
      train('fw.rsrg', '0.05', 'width=4', 'steps=1'),
    ]);
    expect(init.code, init.stderr).toBe(0);
    const before = rbmProjectorCodec.decode(readFileSync(join(tmp, 'f.rsrg')));
    const t = rbmProjectorCodec.decode(readFileSync(join(tmp, 'fi.rsrg'))).training as unknown as Record;
    // Same configurations, seed and weights: the same L bit for bit (common random numbers).
    expect(t.evaluations[0].weights).toEqual(Array.from(before.filter.weights));
    expect(t.evaluations[0].odd.loss).toBe((before.training as unknown as Record).final.loss);
    expect(wide.code, wide.stderr).toBe(0);
    const w = rbmProjectorCodec.decode(readFileSync(join(tmp, 'fw.rsrg')));
    expect(w.filter.width).toBe(4);
    const start = (w.training as unknown as Record).evaluations[0].weights;
    expect(start.filter((x) => x === 0.15)).toHaveLength(4);
    expect(start.slice(0, 2)).toEqual([0.15, 0.15]);
    expect(Array.from(w.filter.weights).filter((x) => x !== 0 && x !== 0.15)).toHaveLength(16);
  });

  it('reads its options: width defaults to the block size, a width below it is refused', () => {
    expect(readRgFilterOptions({}).width).toBe(2);
    expect(readRgFilterOptions({ width: 4 }).width).toBe(4);
    expect(() => readRgFilterOptions({ width: 1 })).toThrow(/does not cover its block/);
  });
});
