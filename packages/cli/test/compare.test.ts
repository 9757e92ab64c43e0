// `rsrg compare`: models and projectors side by side from result files (docs/cli.md,
// "rsrg compare"), here the committed 2D (table1) and 3D (64³ campaign) results.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, rsrg } from './fixtures/run-rsrg.js';

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-compare-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const results = (path: string) => fileURLToPath(new URL(`../../../docs/results/${path}`, import.meta.url));
const ISING2D = results('table1-majority-L32-1e6.json');
const ISING3D = results('ising3d-64-campaign/result.json');

describe('rsrg compare', () => {
  it('puts the files’ own values side by side, with the exact exponents, and writes table and figure', async () => {
    const out = join(tmp, 'cmp');
    const r = await rsrg(tmp, ['compare', ISING2D, ISING3D, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.command).toBe('compare');
    const labels = doc.series.map((s: { label: string; exponent: string }) => `${s.label} ${s.exponent}`);
    expect(labels).toEqual([
      'ising2d L=32 majority y_t',
      'ising2d L=32 majority y_h',
      'ising3d L=64 majority y_t',
      'ising3d L=64 majority y_h',
    ]);
    const source = JSON.parse(readFileSync(ISING3D, 'utf8'));
    const yt3 = doc.series[2];
    expect(yt3.nc).toBe(10);
    expect(yt3.exact).toBe(source.model.exponents.yt);
    for (const p of yt3.points) {
      const e = source.estimates.find(
        (x: { sector: string; nr: number; nc: number }) =>
          x.sector === 'even' && x.nr === p.nr && x.nc === 10,
      );
      expect([p.y, p.error]).toEqual([e.y, e.error]);
    }
    for (const f of ['comparison.md', 'comparison.json', 'comparison.svg', 'comparison.png'])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'comparison.md'), 'utf8')).toMatch(
      /\| ising3d L=64 majority \| 10 \| 1\.4146\(32\) \| 1\.5155\(29\) \| 1\.5506\(30\) \| 1\.5792\(45\) \| 1\.58737 \|/,
    );
    expect(readFileSync(join(out, 'comparison.svg'), 'utf8')).toMatch(/^<svg/);
    const text = await rsrg(tmp, ['compare', ISING2D, ISING3D, '--label', '2D majority', '--nc', '1']);
    expect(text.stdout).toMatch(/^y_t\n/);
    expect(text.stdout).toMatch(/2D majority\s+1\s+0\.90558\(78\)/);
  }, 60_000);

  it('gives one line for a missing file and for a file that is not a result', async () => {
    expectOneLineError(await rsrg(tmp, ['compare', join(tmp, 'none.json')]), 2, /none\.json/);
    const bogus = join(tmp, 'bogus.json');
    writeFileSync(bogus, JSON.stringify({ hello: 1 }));
    const r = await rsrg(tmp, ['compare', bogus]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bogus\.json is not an rsrg result/);
  }, 30_000);
});
