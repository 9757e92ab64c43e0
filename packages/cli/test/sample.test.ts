import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensembleCodec, ensembleConfiguration } from '@rsrg/mcrg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, type Run, rsrg } from './fixtures/run-rsrg.js';

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-sample-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// 8×8 at K_c, 4 chains of 100 configurations: well under a second of sampling.
const sampling = [
  '--size',
  '8',
  '--samples',
  '400',
  '--chains',
  '4',
  '--interval',
  '2',
  '--thermalize',
  '100',
  '--seed',
  '7',
];

describe('rsrg sample', () => {
  let sampled: Run;
  let doc: {
    command: string;
    out: string;
    bytes: number;
    count: number;
    volume: number;
    header: Record<string, unknown>;
  };

  beforeAll(async () => {
    sampled = await rsrg(tmp, [
      'sample',
      '--model',
      'ising2d',
      ...sampling,
      '--workers',
      '1',
      '--out',
      'e.rsrg',
      '--json',
    ]);
    expect(sampled.stderr).toBe('');
    expect(sampled.code).toBe(0);
    doc = JSON.parse(sampled.stdout);
  });

  it('writes an ensemble file holding the configurations and header it reports', () => {
    expect(doc.command).toBe('sample');
    expect(doc.out).toBe(join(tmp, 'e.rsrg'));
    const bytes = readFileSync(join(tmp, 'e.rsrg'));
    expect(bytes.length).toBe(doc.bytes);
    const e = ensembleCodec.decode(bytes);
    expect(e.count).toBe(400);
    expect(e.volume).toBe(64);
    expect(e.header).toMatchObject({
      model: 'ising2d',
      size: 8,
      sizes: [8, 8],
      chains: 4,
      interval: 2,
      thermalize: 100,
      seed: 7,
    });
    expect(JSON.parse(JSON.stringify(e.header))).toEqual(doc.header);
    // Configurations are ±1 and not all alike (a chain that never moved would repeat one).
    const distinct = new Set<string>();
    for (let i = 0; i < e.count; i++) {
      const s = ensembleConfiguration(e, i);
      expect(s.every((x) => x === 1 || x === -1)).toBe(true);
      distinct.add(s.join(''));
    }
    expect(distinct.size).toBeGreaterThan(300);
  });

  it('mcrg --ensemble measures exactly the configurations a sampling run with the same settings does', async () => {
    const common = ['--bins', '10', '--workers', '1', '--json'];
    const [direct, stored] = await Promise.all([
      rsrg(tmp, ['mcrg', ...sampling, ...common]),
      rsrg(tmp, ['mcrg', '--ensemble', 'e.rsrg', ...common]),
    ]);
    expect(direct.code, direct.stderr).toBe(0);
    expect(stored.code, stored.stderr).toBe(0);
    const a = JSON.parse(direct.stdout);
    const b = JSON.parse(stored.stdout);
    expect(b.parameters).toMatchObject({
      size: 8,
      samples: 400,
      chains: 4,
      interval: 2,
      thermalize: 100,
      seed: 7,
    });
    expect(b.estimates.length).toBeGreaterThan(0);
    expect(b.estimates).toEqual(a.estimates);
  });

  it('rejects a value that contradicts the ensemble, a missing file and a corrupt one', async () => {
    writeFileSync(join(tmp, 'corrupt.rsrg'), Buffer.from([0xc1, 0x00, 0x17]));
    const [clash, missing, corrupt] = await Promise.all([
      rsrg(tmp, ['mcrg', '--ensemble', 'e.rsrg', '--size', '16', '--workers', '1']),
      rsrg(tmp, ['mcrg', '--ensemble', 'nothing.rsrg']),
      rsrg(tmp, ['mcrg', '--ensemble', 'corrupt.rsrg']),
    ]);
    expectOneLineError(clash, 2, /size 16 .* size 8/);
    expectOneLineError(missing, 2, /--ensemble: no such file 'nothing\.rsrg'/);
    expectOneLineError(corrupt, 1, /corrupt\.rsrg/);
  });

  it('needs --out, --model, --size and --samples', async () => {
    const [noOut, noModel] = await Promise.all([
      rsrg(tmp, ['sample', '--model', 'ising2d', ...sampling]),
      rsrg(tmp, ['sample', '--size', '8', '--samples', '10', '--out', 'x.rsrg']),
    ]);
    expectOneLineError(noOut, 2, /--out/);
    expectOneLineError(noModel, 2, /--model/);
  });
});
