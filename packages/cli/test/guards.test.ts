// Runs that cannot fit are refused at once, in one line with the estimate and the limit; more
// workers than cores or chains are reduced, with a note; plugins that fail while importing or
// registering exit 1, naming the module. Runs the built binary.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, rsrg } from './fixtures/run-rsrg.js';

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-guards-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('memory guard', () => {
  it('refuses the 65536² lattice in under 2 s with exit 2 and a line naming the estimate', async () => {
    const started = performance.now();
    const r = await rsrg(tmp, ['mcrg', '--size', '65536']);
    const seconds = (performance.now() - started) / 1000;
    expectOneLineError(
      r,
      2,
      /^rsrg: error: the run needs about [\d.]+ [TG]iB of memory \(65536×65536 lattice, \d+ chains? at a time, 14 levels\), more than (this machine's memory|the memory limit of this process) \([\d.]+ [KMGT]iB\): use a smaller --size or fewer --workers, or set --max-memory$/,
    );
    expect(seconds).toBeLessThan(2);
  });

  it.concurrent('refuses --size 100000 the same way, and past --max-memory at the array limit', async () => {
    const [memory, arrays] = await Promise.all([
      rsrg(tmp, ['mcrg', '--size', '100000']),
      rsrg(tmp, ['mcrg', '--size', '100000', '--max-memory', '1P']),
    ]);
    expectOneLineError(memory, 2, /the run needs about [\d.]+ TiB of memory \(100000×100000 lattice/);
    expectOneLineError(
      arrays,
      2,
      /^rsrg: error: the 100000×100000 lattice has 10000000000 sites, more than the 2147483647 \(2\^31 − 1\) a chain can index: use a smaller size$/,
    );
  });

  it.concurrent('--max-memory lowers the limit for mcrg and sample, and must be a size', async () => {
    const [mcrg, sample, bad] = await Promise.all([
      rsrg(tmp, ['mcrg', '--size', '64', '--max-memory', '16M']),
      rsrg(tmp, [
        'sample',
        '--model',
        'ising2d',
        '--size',
        '256',
        '--samples',
        '100000',
        '--max-memory',
        '256M',
        '--out',
        'never.rsrg',
      ]),
      rsrg(tmp, ['mcrg', '--max-memory', 'lots']),
    ]);
    expectOneLineError(
      mcrg,
      2,
      /the run needs about [\d.]+ MiB of memory .*, more than --max-memory \(16\.0 MiB\)/,
    );
    expectOneLineError(
      sample,
      2,
      /100000 configurations of 8192 bytes\), more than --max-memory \(256 MiB\): use a smaller --size, fewer --samples or --workers/,
    );
    expectOneLineError(bad, 2, /--max-memory must be a size in bytes such as 512M, 4G or 1\.5T, got 'lots'/);
  });

  it.concurrent('refuses to sample fewer configurations than chains', async () => {
    const r = await rsrg(tmp, [
      'sample',
      '--model',
      'ising2d',
      '--size',
      '8',
      '--samples',
      '2',
      '--out',
      'x.rsrg',
    ]);
    expectOneLineError(r, 2, /samples 2 is fewer than the 8 chains/);
  });
});

describe('worker cap', () => {
  const tiny = ['mcrg', '--size', '8', '--samples', '800', '--chains', '4', '--bins', '4', '--json'];
  const cores = availableParallelism();
  const capped = Math.min(4, cores);

  it.concurrent('reduces --workers to the chains and cores with one note, unless --force-workers', async () => {
    const [many, forced] = await Promise.all([
      rsrg(tmp, [...tiny, '--workers', '64']),
      rsrg(tmp, [...tiny, '--workers', '6', '--force-workers']),
    ]);
    expect(many.code, many.stderr).toBe(0);
    expect(many.stderr).toMatch(
      new RegExp(
        `^rsrg: note: 64 workers asked for, [^:]*: using ${capped} \\(--force-workers to insist\\)\\n$`,
      ),
    );
    expect(JSON.parse(many.stdout).parameters.workers).toBe(capped);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toBe('');
    expect(JSON.parse(forced.stdout).parameters.workers).toBe(6);
    expect(JSON.stringify(JSON.parse(forced.stdout).estimates)).toBe(
      JSON.stringify(JSON.parse(many.stdout).estimates),
    );
  });

  it.concurrent('says nothing when the default is reduced to the chains', async () => {
    const r = await rsrg(tmp, [
      'mcrg',
      '--size',
      '8',
      '--samples',
      '400',
      '--chains',
      '1',
      '--bins',
      '4',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).parameters.workers).toBe(1);
  });
});

describe('plugins', () => {
  const plugin = (name: string, source: string) => {
    writeFileSync(join(tmp, name), source);
    return join(tmp, name);
  };

  it.concurrent('a plugin that throws while it is imported exits 1, naming the module', async () => {
    const path = plugin(
      'import-throws.mjs',
      "throw new Error('import exploded');\nexport default () => {};\n",
    );
    const r = await rsrg(tmp, ['--plugin', path, 'list']);
    expectOneLineError(
      r,
      1,
      new RegExp(`^rsrg: error: plugin '${path}' failed while loading: import exploded$`),
    );
  });

  it.concurrent('an asynchronous plugin that rejects exits 1, naming the module', async () => {
    const path = plugin(
      'async-throws.mjs',
      "export default async () => { await new Promise((r) => setTimeout(r, 10)); throw new Error('late failure'); };\n",
    );
    const r = await rsrg(tmp, ['--plugin', path, 'list']);
    expectOneLineError(
      r,
      1,
      new RegExp(`^rsrg: error: plugin '${path}' failed while registering: late failure$`),
    );
  });

  it.concurrent('an asynchronous plugin is awaited: what it registers is there', async () => {
    const path = plugin(
      'async-ok.mjs',
      `export default async (registry) => {
  await new Promise((r) => setTimeout(r, 10));
  registry.samplers.add({ id: 'awaited', description: 'registered late', unit: 'move', supports: () => undefined, create() { throw new Error('unused'); } });
};
`,
    );
    const r = await rsrg(tmp, ['--plugin', path, 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).samplers.map((s: { id: string }) => s.id)).toContain('awaited');
  });
});
