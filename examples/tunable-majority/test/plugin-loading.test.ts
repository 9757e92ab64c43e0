import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Lattice, Registry, Rng, randomSpins } from '@rsrg/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tunableMajorityProjector } from '../src/index.js';

// The built modules, as a user loads them (CI builds everything before testing).
const root = fileURLToPath(new URL('../../../', import.meta.url));
const pluginPath = 'examples/tunable-majority/dist/index.js';
const pluginFile = fileURLToPath(new URL(`../../../${pluginPath}`, import.meta.url));
const bin = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));

beforeAll(() => {
  for (const file of [pluginFile, bin]) {
    if (!existsSync(file))
      throw new Error(`${file} is missing: run \`pnpm build\` at the repository root first`);
  }
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node packages/cli/dist/bin.js ...args` from the repository root. */
function rsrg(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: root, env: { ...process.env, RSRG_DEBUG: '', RSRG_PROGRESS: '' }, maxBuffer: 1 << 24 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

describe('Registry.load', () => {
  it('registers tunable-majority from the built module, by path and by file URL', async () => {
    for (const specifier of [pluginFile, pathToFileURL(pluginFile).href]) {
      const registry = await new Registry().load(specifier);
      expect(registry.projectors.list().map((f) => f.id)).toEqual(['tunable-majority']);
      expect(registry.sources).toEqual([pathToFileURL(pluginFile).href]);
    }
  });

  it('gives a projector that draws the same μ and leaves the same RNG state as the sources', async () => {
    const registry = await new Registry().load(pluginFile);
    const built = await registry.projectors.get('tunable-majority').create({ w: '0.4' });
    const source = tunableMajorityProjector(0.4);
    const fine = new Lattice([8, 8]);
    const k1 = built.create(fine);
    const k2 = source.create(fine);
    const sigma = randomSpins(fine, Rng.stream(31, 0));
    const r1 = Rng.stream(31, 1);
    const r2 = r1.clone();
    const mu1 = new Int8Array(16);
    const mu2 = new Int8Array(16);
    for (let i = 0; i < 10; i++) {
      k1.apply(sigma, mu1, r1);
      k2.apply(sigma, mu2, r2);
      expect(Array.from(mu1)).toEqual(Array.from(mu2));
    }
    expect(Array.from(r1.s)).toEqual(Array.from(r2.s));
    expect(built.probability!(fine, sigma, mu1)).toBe(source.probability!(fine, sigma, mu1));
  });
});

describe('rsrg --plugin', () => {
  it('lists tunable-majority with the plugin loaded, and not without it', async () => {
    const withPlugin = await rsrg(['--plugin', pluginPath, 'list', '--json']);
    expect(withPlugin.code, withPlugin.stderr).toBe(0);
    const listing = JSON.parse(withPlugin.stdout) as { plugins: string[]; projectors: { id: string }[] };
    expect(listing.projectors.map((p) => p.id)).toContain('tunable-majority');
    expect(listing.plugins).toContain(pathToFileURL(pluginFile).href);

    const without = await rsrg(['list', '--json']);
    expect(without.code, without.stderr).toBe(0);
    const ids = (JSON.parse(without.stdout) as { projectors: { id: string }[] }).projectors.map((p) => p.id);
    expect(ids).toContain('majority');
    expect(ids).not.toContain('tunable-majority');
  });

  it('runs mcrg with --projector tunable-majority and reports estimates in both sectors', async () => {
    const r = await rsrg([
      '--plugin',
      pluginPath,
      'mcrg',
      '--model',
      'ising2d',
      '--size',
      '8',
      '--samples',
      '2000',
      '--projector',
      'tunable-majority',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      parameters: { projector: string; size: number };
      blockSize: number;
      lattices: string[];
      estimates: { sector: string; nr: number; nc: number; y: number; error: number }[];
      versions: Record<string, string>;
    };
    expect(doc.parameters.projector).toBe('tunable-majority');
    expect(doc.blockSize).toBe(2);
    expect(doc.lattices).toEqual(['8×8', '4×4']);
    expect(new Set(doc.estimates.map((e) => e.sector))).toEqual(new Set(['even', 'odd']));
    for (const e of doc.estimates) {
      expect(Number.isFinite(e.y), `y for ${e.sector} N_c = ${e.nc}`).toBe(true);
      expect(e.error > 0 && Number.isFinite(e.error), `error for ${e.sector} N_c = ${e.nc}`).toBe(true);
    }
    // The run records the plugin package among the versions behind the result.
    const { name, version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(doc.versions[name]).toBe(version);
  });
});
