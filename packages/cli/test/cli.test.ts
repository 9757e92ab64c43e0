import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatValueError } from '../src/format/value-error.js';

// These tests run the built binary, as users do (CI builds before testing).
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const docs = readFileSync(fileURLToPath(new URL('../../../docs/cli.md', import.meta.url)), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'rsrg-cli-'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function rsrg(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: tmp, env: { ...process.env, RSRG_DEBUG: '', RSRG_PROGRESS: '', ...env }, maxBuffer: 1 << 24 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

interface Estimate {
  sector: 'even' | 'odd';
  nr: number;
  nc: number;
  y: number;
  error: number;
}

// L = 8: one RG step (8 → 4) by default; 4 chains × 10 bins keep the run well under a second.
const tiny = ['mcrg', '--size', '8', '--samples', '2000', '--chains', '4', '--bins', '10', '--json'];

let listing: {
  models: {
    id: string;
    couplingSets: { even: string; odd: string };
    defaults: { sampler: string; projector: string };
  }[];
  samplers: { id: string }[];
  projectors: { id: string }[];
  couplingSets: { id: string; couplings: { name: string }[] }[];
};

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  const r = await rsrg(['list', '--json']);
  expect(r.code).toBe(0);
  listing = JSON.parse(r.stdout);
});

describe('rsrg list', () => {
  it('lists what the default plugins register, as JSON with consistent references', () => {
    expect(listing.models.length).toBeGreaterThan(0);
    expect(listing.samplers.length).toBeGreaterThan(0);
    expect(listing.projectors.length).toBeGreaterThan(0);
    const sets = new Set(listing.couplingSets.map((s) => s.id));
    for (const m of listing.models) {
      expect(sets.has(m.couplingSets.even), `${m.id} even set`).toBe(true);
      expect(sets.has(m.couplingSets.odd), `${m.id} odd set`).toBe(true);
      expect(listing.samplers.some((s) => s.id === m.defaults.sampler)).toBe(true);
      expect(listing.projectors.some((p) => p.id === m.defaults.projector)).toBe(true);
    }
  });

  it('prints every id and coupling name in text form, and loads --plugin modules', async () => {
    const r = await rsrg(['--plugin', fixture('broken-sampler.mjs'), 'list']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const group of [listing.models, listing.samplers, listing.projectors, listing.couplingSets]) {
      for (const item of group) expect(r.stdout).toContain(item.id);
    }
    for (const set of listing.couplingSets) for (const c of set.couplings) expect(r.stdout).toContain(c.name);
    expect(r.stdout).toContain('broken');
  });

  it('resolves a --plugin package name from the node_modules above the working directory', async () => {
    const pkg = join(tmp, 'node_modules', '@example', 'rsrg-plugin');
    mkdirSync(join(pkg, 'lib'), { recursive: true });
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({
        name: '@example/rsrg-plugin',
        type: 'module',
        exports: { '.': { import: './lib/plugin.js' } },
      }),
    );
    writeFileSync(join(pkg, 'lib', 'plugin.js'), readFileSync(fixture('broken-sampler.mjs')));
    const r = await rsrg(['--plugin', '@example/rsrg-plugin', 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const l = JSON.parse(r.stdout);
    expect(l.samplers.map((s: { id: string }) => s.id)).toContain('broken');
    expect(l.plugins.at(-1)).toBe(pathToFileURL(join(pkg, 'lib', 'plugin.js')).href);
  });
});

describe('rsrg mcrg', () => {
  let result: {
    command: string;
    parameters: Record<string, unknown> & {
      levels: number;
      seed: number;
      chains: number;
      binsPerChain: number;
      workers: number;
    };
    seed: number;
    estimates: Estimate[];
    samples: number;
    bins: number;
    tauInt: { value: number; error: number; unit: string };
    wallSeconds: number;
    versions: Record<string, string>;
    rng: string;
    couplings: { even: string[]; odd: string[] };
    lattices: string[];
  };
  let text: Run;
  let outFile: string;

  beforeAll(async () => {
    outFile = join(tmp, 'new', 'dir', 'result.json');
    const [json, human] = await Promise.all([
      rsrg([...tiny, '--workers', '1']),
      rsrg([...tiny.filter((a) => a !== '--json'), '--workers', '1', '--out', outFile]),
    ]);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    result = JSON.parse(json.stdout);
    text = human;
  });

  it('prints one JSON object of the documented shape', () => {
    expect(result.command).toBe('mcrg');
    expect(result.parameters).toMatchObject({
      size: 8,
      samples: 2000,
      chains: 4,
      binsPerChain: 10,
      workers: 1,
      seed: 1,
    });
    expect(result.seed).toBe(1);
    expect(result.samples).toBe(2000);
    expect(result.bins).toBe(40);
    expect(result.lattices).toEqual(['8×8', '4×4'].slice(0, result.parameters.levels + 1));
    expect(result.lattices.length).toBe(result.parameters.levels + 1);
    expect(result.tauInt.value).toBeGreaterThan(0);
    expect(result.tauInt.unit).toBe('measurements');
    expect(result.wallSeconds).toBeGreaterThan(0);
    expect(result.rng).toMatch(/xoshiro128\*\*/);
    expect(Object.keys(result.versions)).toEqual(
      expect.arrayContaining(['@rsrg/cli', '@rsrg/mcrg', '@rsrg/core']),
    );
  });

  it('has one estimate per sector, RG step and truncation', () => {
    const { levels } = result.parameters;
    const expected: string[] = [];
    for (const sector of ['even', 'odd'] as const) {
      for (let nr = 1; nr <= levels; nr++) {
        for (let nc = 1; nc <= result.couplings[sector].length; nc++) expected.push(`${sector} ${nr} ${nc}`);
      }
    }
    expect(result.estimates.map((e) => `${e.sector} ${e.nr} ${e.nc}`).sort()).toEqual(expected.sort());
    for (const e of result.estimates) {
      expect(Number.isFinite(e.y), JSON.stringify(e)).toBe(true);
      expect(e.error).toBeGreaterThan(0);
    }
  });

  it('prints the parameters and both exponent tables, and --out writes the same result', () => {
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    for (const label of [
      'model',
      'lattice',
      'K',
      'sampler',
      'projector',
      'samples',
      'chains×bins',
      'interval',
      'levels',
      'seed',
      'τ_int',
      'wall time',
    ]) {
      expect(text.stdout).toMatch(new RegExp(`^${label} +\\S`, 'm'));
    }
    expect(text.stdout).toMatch(/^y_t .*$/m);
    expect(text.stdout).toMatch(/^y_h .*$/m);
    expect(text.stdout).toMatch(/^N_c +coupling +N_r = 1/m);
    for (const e of result.estimates) {
      const name = result.couplings[e.sector][e.nc - 1];
      expect(text.stdout).toMatch(
        new RegExp(
          `^ *${e.nc} +${escapeRegExp(name)} .*${escapeRegExp(formatValueError(e.y, e.error))}`,
          'm',
        ),
      );
    }
    const written = JSON.parse(readFileSync(outFile, 'utf8'));
    expect(written.estimates).toEqual(result.estimates);
  });

  it('gives bit-identical estimates for 1 and 2 workers, and different ones for another seed', async () => {
    const [two, seed2] = await Promise.all([
      rsrg([...tiny, '--workers', '2']),
      rsrg([...tiny, '--workers', '1', '--seed', '2']),
    ]);
    expect(two.code).toBe(0);
    const r2 = JSON.parse(two.stdout);
    expect(r2.parameters.workers).toBe(2);
    expect(JSON.stringify(r2.estimates)).toBe(JSON.stringify(result.estimates));
    const s2 = JSON.parse(seed2.stdout);
    expect(s2.seed).toBe(2);
    expect(s2.estimates.map((e: Estimate) => e.y)).not.toEqual(result.estimates.map((e) => e.y));
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function expectOneErrorLine(r: Run, code: number, pattern: RegExp) {
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n');
  expect(lines, r.stderr).toHaveLength(2);
  expect(lines[1]).toBe('');
  expect(lines[0]).toMatch(/^rsrg: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.code, r.stderr).toBe(code);
}

describe('progress', () => {
  const run = ['mcrg', '--size', '16', '--samples', '40000', '--workers', '1', '--json'];

  it.concurrent('redirected stderr stays empty by default', async () => {
    const r = await rsrg(run);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });

  it.concurrent('RSRG_PROGRESS=seconds writes progress lines to a redirected stderr, and stdout is the same', async () => {
    const [quiet, logged] = await Promise.all([rsrg(run), rsrg(run, { RSRG_PROGRESS: '0.05' })]);
    expect(logged.code, logged.stderr).toBe(0);
    const lines = logged.stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(/^(thermalize|measure) +\|.*\| \d+% \d+\/\d+ moves/);
    expect(lines.at(-1)).toMatch(/ 100% /);
    const { wallSeconds: _, ...withoutTime } = JSON.parse(logged.stdout);
    const { wallSeconds: __, ...quietWithoutTime } = JSON.parse(quiet.stdout);
    expect(withoutTime).toEqual(quietWithoutTime);
  });
});

describe('errors: exit code and one stderr line', () => {
  const usage: [string, string[], RegExp][] = [
    ['negative count', ['mcrg', '--samples', '-5'], /--samples.*'-5'/],
    ['trailing garbage', ['mcrg', '--samples', '12abc'], /--samples.*'12abc'/],
    ['non-integer count', ['mcrg', '--samples', '2.5'], /--samples.*'2\.5'/],
    ['zero size', ['mcrg', '--size', '0'], /--size.*'0'/],
    ['nan coupling', ['mcrg', '--coupling', 'nan'], /--coupling.*'nan'/],
    ['hex seed', ['mcrg', '--seed', '0x10'], /--seed.*'0x10'/],
    ['unknown option', ['mcrg', '--bogus'], /unknown option '--bogus'/],
    ['missing value', ['mcrg', '--size'], /--size.*missing/],
    ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    [
      'help for an unknown command',
      ['help', 'frobnicate'],
      /unknown command 'frobnicate' \(known: mcrg, sample, train, reproduce, \b.*list\b.*\)/,
    ],
    ['options but no command', ['--plugin', fixture('broken-sampler.mjs')], /missing command/],
    ['stray argument', ['mcrg', 'extra'], /too many arguments/],
    [
      'indivisible size',
      ['mcrg', '--size', '18', '--levels', '2', '--samples', '1000'],
      /size 18 .*divisible/,
    ],
    [
      'missing plugin file',
      ['--plugin', './no-such-plugin.mjs', 'list'],
      /cannot load plugin '\.\/no-such-plugin\.mjs'/,
    ],
    [
      'module that is no plugin',
      ['--plugin', fixture('not-a-plugin.mjs'), 'list'],
      /not-a-plugin\.mjs.*neither/,
    ],
    ['missing weights file', ['mcrg', '--weights', 'no-such-filter.rsrg'], /--weights.*no-such-filter\.rsrg/],
    [
      'malformed projector option',
      ['mcrg', '--projector-option', 'blockSize'],
      /--projector-option.*'blockSize'/,
    ],
    [
      'projector option the projector rejects',
      ['mcrg', '--size', '8', '--samples', '1000', '--projector-option', 'blockSize=3'],
      /8.*3|3.*8/,
    ],
  ];
  it.concurrent.each(usage)('%s exits 2', async (_, args, pattern) => {
    expectOneErrorLine(await rsrg(args), 2, pattern);
  });

  it.concurrent.each(['model', 'sampler', 'projector'] as const)(
    'an unknown %s lists the known ones',
    async (kind) => {
      const r = await rsrg(['mcrg', `--${kind}`, 'no-such-id', '--size', '8', '--samples', '1000']);
      expectOneErrorLine(r, 2, new RegExp(`unknown ${kind} 'no-such-id' \\(known: `));
      const known = { model: listing.models, sampler: listing.samplers, projector: listing.projectors }[kind];
      for (const { id } of known) expect(r.stderr).toContain(id);
    },
  );

  const failing = [
    'mcrg',
    '--plugin',
    fixture('broken-sampler.mjs'),
    '--sampler',
    'broken',
    '--size',
    '8',
    '--samples',
    '1000',
  ];
  it.concurrent.each(['1', '2'])(
    'a failure inside a plugin exits 1 without a stack (%s workers)',
    async (workers) => {
      expectOneErrorLine(await rsrg([...failing, '--workers', workers]), 1, /kernel exploded/);
    },
  );

  it.concurrent('RSRG_DEBUG=1 adds the stack after the line', async () => {
    const r = await rsrg([...failing, '--workers', '1'], { RSRG_DEBUG: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^rsrg: error: .*kernel exploded\n/);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it.concurrent.each(['soon', '0', '-3'])(
    'RSRG_PROGRESS=%s exits 2 before running anything',
    async (value) => {
      const r = await rsrg(['mcrg', '--size', '8', '--samples', '1000'], { RSRG_PROGRESS: value });
      expectOneErrorLine(r, 2, new RegExp(`RSRG_PROGRESS must be a number of seconds > 0, got '${value}'`));
      expect(r.stdout).toBe('');
    },
  );

  it.concurrent('a corrupt --weights file exits 1 (a file-format error, not a usage error)', async () => {
    const file = join(tmp, 'corrupt.rsrg');
    writeFileSync(file, Buffer.from([0xc1, 0xff, 0x00, 0x13, 0x37]));
    const r = await rsrg([
      'mcrg',
      '--projector',
      'rbm',
      '--weights',
      file,
      '--size',
      '8',
      '--samples',
      '1000',
    ]);
    expectOneErrorLine(r, 1, /corrupt\.rsrg/);
  });

  it.concurrent('an --out path that cannot be created exits 1 before running', async () => {
    const file = join(tmp, 'plain-file');
    writeFileSync(file, '');
    const r = await rsrg(['mcrg', '--size', '8', '--samples', '1000', '--out', join(file, 'sub', 'r.json')]);
    expectOneErrorLine(r, 1, /cannot write --out file/);
  });
});

describe('help', () => {
  it('documents every option of every command in docs/cli.md', async () => {
    const runs = await Promise.all([rsrg(['--help']), rsrg(['mcrg', '--help']), rsrg(['help', 'list'])]);
    for (const r of runs) {
      expect(r.code).toBe(0);
      const options = [...r.stdout.matchAll(/(?:^|\s)(--[a-z][a-z-]*)/g)].map((m) => m[1]);
      expect(options.length).toBeGreaterThan(0);
      for (const o of options) expect(docs, `${o} in docs/cli.md`).toContain(`\`${o}`);
    }
    expect(runs[0].stdout).toMatch(/mcrg/);
    expect(runs[0].stdout).toMatch(/list/);
  });

  it('prints the help on stdout when run without arguments, and the version with --version', async () => {
    const [none, version] = await Promise.all([rsrg([]), rsrg(['--version'])]);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^Usage: rsrg/);
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'));
    expect(version.stdout.trim()).toBe(pkg.version);
  });
});
