import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tunableMajorityCodec } from '../src/index.js';

// The built modules, as a user runs them (CI builds everything before testing). Nothing in
// packages/cli, packages/studies or packages/mcrg knows this plugin: the study, the trainer and
// the projector come in through --plugin.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const pluginPath = 'examples/tunable-majority/dist/index.js';
const bin = join(root, 'packages/cli/dist/bin.js');
const tmp = mkdtempSync(join(tmpdir(), 'rsrg-tunable-study-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  for (const file of [join(root, pluginPath), bin]) {
    if (!existsSync(file))
      throw new Error(`${file} is missing: run \`pnpm build\` at the repository root first`);
  }
});

function rsrg(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: root, env: { ...process.env, RSRG_DEBUG: '', RSRG_PROGRESS: '' }, maxBuffer: 1 << 26 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

describe('rsrg reproduce tunable-majority-ising2d --plugin (a trainable projector from a plugin)', () => {
  const out = join(tmp, 'run');
  let doc: {
    schemaVersion: number;
    files: Record<string, string | { svg: string; png: string }>;
    parameters: { training: Record<string, unknown> };
    estimates: { projector: string; sector: string; nr: number; nc: number; y: number }[];
    comparison: { projector: string }[];
    training: {
      steps: number;
      evaluation: { step: number }[];
      filter: { weights: number[]; blockSize: number };
    };
  };

  beforeAll(async () => {
    const r = await rsrg([
      'reproduce',
      'tunable-majority-ising2d',
      '--plugin',
      pluginPath,
      '--out',
      out,
      '--workers',
      '2',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    doc = JSON.parse(r.stdout);
  });

  it('trains w, measures both projectors and writes the comparison and the report', () => {
    expect(doc.schemaVersion).toBe(2);
    expect(doc.parameters.training).toMatchObject({
      trainer: 'tunable-majority',
      projector: 'tunable-majority',
    });
    const [w] = doc.training.filter.weights;
    expect(w).toBeGreaterThan(0);
    expect(w).toBeLessThan(2);
    expect(doc.training.steps).toBe(41);
    expect(doc.training.evaluation.map((p) => p.step)).toEqual([10, 20, 30, 40, 41]);
    const projectors = new Set(doc.estimates.map((e) => e.projector));
    expect(projectors).toEqual(new Set(['majority', 'tunable-majority']));
    for (const e of doc.estimates.filter((x) => x.sector === 'even' && x.nr === 1 && x.nc === 1)) {
      expect(e.y).toBeGreaterThan(0.5);
      expect(e.y).toBeLessThan(1.5);
    }
    for (const name of ['comparison.md', 'report.md', 'result.json', 'projector.rsrg', 'filters.svg']) {
      expect(existsSync(join(out, name)), name).toBe(true);
    }
    expect(readFileSync(join(out, 'comparison.md'), 'utf8')).toContain('tunable-majority (this run)');
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('| trainer | `tunable-majority` (projector `tunable-majority`), 41 steps |');
    expect(report).toContain('w maximizes the exact log-likelihood');
    // The projector file is the plugin's own format, holding the w that was measured.
    const file = tunableMajorityCodec.decode(readFileSync(join(out, 'projector.rsrg')));
    expect(file.w).toBe(w);
    expect((file.training as { evaluation: unknown[] }).evaluation).toHaveLength(5);
  });

  it('writes a file that rsrg mcrg --projector tunable-majority --weights reads', async () => {
    const r = await rsrg([
      '--plugin',
      pluginPath,
      'mcrg',
      '--model',
      'ising2d',
      '--size',
      '8',
      '--samples',
      '400',
      '--projector',
      'tunable-majority',
      '--weights',
      join(out, 'projector.rsrg'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).estimates.length).toBeGreaterThan(0);
  });
});
