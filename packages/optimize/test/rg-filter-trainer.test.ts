import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rbmProjectorCodec } from '@rsrg/projectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRgFilterOptions } from '../src/index.js';
import { invariant } from './filter-symmetry.js';

/**
 * Trainer `rg-filter` through `rsrg train --trainer` (the built CLI, as users run it): on a
 * small 2D case (16×16 and 8×8 at K_c) Adam steps on the y_h loss lower it from a weak block
 * filter, every step is in the record, and `rsrg mcrg --weights FILE` (no --projector) measures
 * the file. The control: the same run with rate 0 leaves W and L where they started. A
 * symmetric filter stays invariant under the point group bit for bit (the free one does not),
 * and the stopping rule stops where dL/dθ is within 2σ of zero, not where it is 7σ.
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
    readonly gradient?: readonly { value: number; error: number }[];
  }[];
  readonly parameters: readonly string[];
  readonly stop: { readonly step: number; readonly reason: string; readonly significance: number };
  readonly final: { readonly weights: number[]; readonly filter: number[]; readonly loss: number };
}

const recordOf = (file: string) =>
  rbmProjectorCodec.decode(readFileSync(join(tmp, file))).training as unknown as Record;

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
    const [r, control] = await Promise.all([
      train('f.rsrg', '0.05', 'tolerance=0'),
      train('f0.rsrg', '0', 'tolerance=0'),
    ]);
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
    // One parameter: the 2×2 filter's four weights form one orbit.
    expect(t.parameters).toEqual(['W[0,0]×4']);
    expect(t.evaluations[0].weights).toEqual([0.15]);
    expect(t.final.filter).toEqual(Array.from(file.filter.weights));
    expect(t.final.filter).toEqual(new Array(4).fill(t.final.weights[0]));
    const first = t.evaluations[0].odd.loss;
    expect(t.final.loss).toBeLessThan(0.5 * first);

    expect(control.code, control.stderr).toBe(0);
    const c = rbmProjectorCodec.decode(readFileSync(join(tmp, 'f0.rsrg'))).training as unknown as Record;
    expect(c.final.weights).toEqual([0.15]);
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

  it('starts from a given file (init) where that run ended, and trains a free 4-wide filter', async () => {
    const [init, wide] = await Promise.all([
      train('fi.rsrg', '0', 'init=f.rsrg', 'steps=1'),
      train('fw.rsrg', '0.05', 'width=4', 'steps=1', 'symmetric=false', 'tolerance=0'),
    ]);
    expect(init.code, init.stderr).toBe(0);
    const before = rbmProjectorCodec.decode(readFileSync(join(tmp, 'f.rsrg')));
    const t = rbmProjectorCodec.decode(readFileSync(join(tmp, 'fi.rsrg'))).training as unknown as Record;
    // Same configurations, seed and weights: the same L bit for bit (common random numbers).
    expect(t.evaluations[0].weights).toEqual((before.training as unknown as Record).final.weights);
    expect(Array.from(before.filter.weights)).toEqual(new Array(4).fill(t.evaluations[0].weights[0]));
    expect(t.evaluations[0].odd.loss).toBe((before.training as unknown as Record).final.loss);
    expect(wide.code, wide.stderr).toBe(0);
    const w = rbmProjectorCodec.decode(readFileSync(join(tmp, 'fw.rsrg')));
    expect(w.filter.width).toBe(4);
    const start = (w.training as unknown as Record).evaluations[0].weights;
    expect(start.filter((x) => x === 0.15)).toHaveLength(4);
    expect(start.slice(0, 2)).toEqual([0.15, 0.15]);
    expect(Array.from(w.filter.weights).filter((x) => x !== 0 && x !== 0.15)).toHaveLength(16);
    // The control of the next test: the free filter is not symmetric.
    expect(invariant(w.filter)).toBe(false);
  });

  it('writes a symmetric 4-wide filter invariant under the point group bit for bit, started on the central block', async () => {
    const r = await train('fs.rsrg', '0.05', 'width=4', 'steps=2', 'tolerance=0');
    expect(r.code, r.stderr).toBe(0);
    const { filter, training } = rbmProjectorCodec.decode(readFileSync(join(tmp, 'fs.rsrg')));
    const t = training as unknown as Record;
    // Three orbits in 2D: 4 corners, 8 edge sites, the central 2×2 block (the start).
    expect(t.parameters).toEqual(['W[0,0]×4', 'W[0,1]×8', 'W[1,1]×4']);
    expect(t.evaluations[0].weights).toEqual([0, 0, 0.15]);
    expect(t.evaluations[2].weights.every((x) => x !== 0 && x !== 0.15)).toBe(true);
    expect(t.final.filter).toEqual(Array.from(filter.weights));
    expect(invariant(filter)).toBe(true);
  });

  it('stops once every |dL/dθ| is within tolerance·σ of zero, not while it is significant', async () => {
    const [stops, flat] = await Promise.all([
      train('fstop.rsrg', '0.05', 'tolerance=2'),
      train('fflat.rsrg', '0.05', 'tolerance=2', 'sector=even', 'w=0.3'),
    ]);
    for (const x of [stops, flat]) expect(x.code, x.stderr).toBe(0);
    const z = (e: Record['evaluations'][number]) =>
      Math.max(...e.gradient!.map((g) => Math.abs(g.value) / g.error));
    // From w = 0.15 the y_h gradient is 7σ: a step is taken; one step later it is within 2σ.
    const s = recordOf('fstop.rsrg');
    expect(s.stop.reason).toBe('gradient');
    expect(s.stop.step).toBe(1);
    expect(z(s.evaluations[0])).toBeGreaterThan(4);
    expect(s.evaluations).toHaveLength(2);
    expect(z(s.evaluations[1])).toBeLessThanOrEqual(2);
    expect(s.stop.significance).toBe(z(s.evaluations[1]));
    expect(s.final.loss).toBe(s.evaluations[1].odd.loss);
    // Control: tolerance 0 (the first test's run, otherwise the same) never stops early.
    const c = recordOf('f.rsrg');
    expect(c.stop).toMatchObject({ step: 6, reason: 'steps' });
    expect(c.evaluations[1]).toEqual(s.evaluations[1]);
    // Where the gradient is insignificant at the start (the y_t loss at w = 0.3), no step at all.
    const f = recordOf('fflat.rsrg');
    expect(f.stop).toMatchObject({ step: 0, reason: 'gradient' });
    expect(f.final.weights).toEqual([0.3]);
  });

  it('reads its options: width defaults to the block size, a width below it is refused', () => {
    expect(readRgFilterOptions({}).width).toBe(2);
    expect(readRgFilterOptions({ width: 4 }).width).toBe(4);
    expect(() => readRgFilterOptions({ width: 1 })).toThrow(/does not cover its block/);
    expect(readRgFilterOptions({})).toMatchObject({ symmetric: true, tolerance: 2 });
    expect(() => readRgFilterOptions({ width: 3 })).toThrow(/width − blockSize must be even/);
    expect(readRgFilterOptions({ width: 3, symmetric: false }).width).toBe(3);
  });
});
