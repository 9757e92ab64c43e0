import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rbmProjectorCodec } from '@rsrg/projectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, rsrg, sampleIsing2d } from './fixtures/run-rsrg.js';

/**
 * Trainer `rsmi` through the generic `rsrg train --trainer` path: its file is an ordinary
 * `rbm-projector` file of width b, which `rsrg mcrg --weights` measures like any other.
 */

interface Value {
  readonly value: number;
  readonly error: number;
}

/** The parts of the file's training record read here. */
interface RsmiRecord {
  readonly trainer: string;
  readonly informationHE: Value;
  readonly informationVE: Value;
  readonly ratio: Value;
  readonly lambda: readonly Value[];
  readonly groups: readonly { readonly lambda: readonly number[] }[];
  readonly options: { readonly groups: number; readonly norm: number };
}

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-rsmi-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  await sampleIsing2d(tmp, { size: 16, samples: 400, seed: 21, out: 'd16.rsrg' });
});

describe('rsrg train --trainer rsmi', () => {
  const train = (extra: string[]) =>
    rsrg(tmp, [
      'train',
      '--trainer',
      'rsmi',
      '--data',
      'd16.rsrg',
      '--trainer-option',
      'groups=4',
      '--trainer-option',
      'blocks=16',
      '--seed',
      '5',
      ...extra,
    ]);

  it('writes an rbm-projector file of width b holding the mean λ, and I(H:E), I(V:E) with errors', async () => {
    const r = await train(['--out', 'rsmi.rsrg', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.trainer).toBe('rsmi');
    expect(doc.projector).toBe('rbm');
    expect(doc.history).toHaveLength(4);
    const file = rbmProjectorCodec.decode(readFileSync(join(tmp, 'rsmi.rsrg')));
    expect(file.filter.width).toBe(2);
    expect(file.filter.blockSize).toBe(2);
    expect(file.filter.dimension).toBe(2);
    const t = file.training as unknown as RsmiRecord;
    expect(t.trainer).toBe('rsmi');
    expect(t.options.groups).toBe(4);
    expect(t.options.norm).toBe(2);
    expect(t.groups).toHaveLength(4);
    for (let i = 0; i < 4; i++) {
      const mean = t.groups.reduce((s, g) => s + g.lambda[i], 0) / 4;
      expect(file.filter.weights[i]).toBeCloseTo(mean, 12);
      expect(t.lambda[i].value).toBe(file.filter.weights[i]);
      expect(t.lambda[i].error).toBeGreaterThan(0);
    }
    for (const v of [t.informationHE, t.informationVE, t.ratio]) {
      expect(v.value).toBeGreaterThan(0);
      expect(v.error).toBeGreaterThan(0);
    }
    expect(t.informationHE.value).toBeLessThan(t.informationVE.value);
    expect(t.informationHE.value).toBeLessThan(Math.LN2);
  });

  it('is measured by rsrg mcrg --weights, which finds the projector rbm in the file', async () => {
    const r = await rsrg(tmp, [
      'mcrg',
      '--ensemble',
      'd16.rsrg',
      '--weights',
      'rsmi.rsrg',
      '--bins',
      '4',
      '--workers',
      '1',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.parameters.projector).toBe('rbm');
    expect(doc.estimates.length).toBeGreaterThan(0);
  });

  it('refuses a block of more than 8 spins and too few configurations per group, in one line', async () => {
    const [big, groups] = await Promise.all([
      train(['--out', 'bad.rsrg', '--trainer-option', 'blockSize=4']),
      train(['--out', 'bad.rsrg', '--trainer-option', 'groups=300']),
    ]);
    expectOneLineError(big, 2, /16 spins exceeds 8/);
    expectOneLineError(groups, 2, /at least 2 configurations per group/);
  });
});
