// Nothing lost, nothing silently wrong: outputs written whole or not at all, an output that is
// an input refused, damaged or old input files reported as such (never as the user's mistake),
// and every --json document carrying its schema version. Runs the built binary.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensembleCodec } from '@rsrg/mcrg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_SCHEMA_VERSION } from '../src/format/json.js';
import { expectOneLineError, type Run, rsrg } from './fixtures/run-rsrg.js';

const tmp = mkdtempSync(join(tmpdir(), 'rsrg-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const oldEnsemble = fileURLToPath(
  new URL('../../core/test/fixtures/ensemble-v1-before-checksums.rsrg', import.meta.url),
);
const oldProjector = fileURLToPath(
  new URL('../../../docs/results/chung-kao-2019-paper/projector.rsrg', import.meta.url),
);

// 8×8, 2 chains of 100 configurations: a fraction of a second to sample and to measure.
const sampling = ['--model', 'ising2d', '--size', '8', '--samples', '200', '--chains', '2', '--seed', '5'];
const measure = ['--bins', '4', '--workers', '1'];

beforeAll(async () => {
  const r = await rsrg(tmp, ['sample', ...sampling, '--workers', '1', '--out', 'e.rsrg']);
  expect(r.code, r.stderr).toBe(0);
});

/** e.rsrg with header fields replaced, written with a valid checksum as `name`. */
function withHeader(name: string, fields: Record<string, unknown>): string {
  const e = ensembleCodec.decode(readFileSync(join(tmp, 'e.rsrg')));
  writeFileSync(join(tmp, name), ensembleCodec.encode({ ...e, header: { ...e.header, ...fields } }));
  return name;
}

const temporaries = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('outputs', () => {
  it('--out equal to --ensemble is refused before anything runs, and the ensemble stays', async () => {
    const before = readFileSync(join(tmp, 'e.rsrg'));
    symlinkSync(join(tmp, 'e.rsrg'), join(tmp, 'link.rsrg'));
    const [same, dotted, linked] = await Promise.all([
      rsrg(tmp, ['mcrg', '--ensemble', 'e.rsrg', '--out', 'e.rsrg', ...measure]),
      rsrg(tmp, ['mcrg', '--ensemble', 'e.rsrg', '--out', './e.rsrg', ...measure]),
      rsrg(tmp, ['mcrg', '--ensemble', 'link.rsrg', '--out', 'e.rsrg', ...measure]),
    ]);
    expectOneLineError(
      same,
      2,
      /^rsrg: error: --out 'e\.rsrg' is the same file as --ensemble 'e\.rsrg': refusing to overwrite an input$/,
    );
    expectOneLineError(dotted, 2, /--out '\.\/e\.rsrg' is the same file as --ensemble 'e\.rsrg'/);
    expectOneLineError(linked, 2, /--out 'e\.rsrg' is the same file as --ensemble 'link\.rsrg'/);
    expect(readFileSync(join(tmp, 'e.rsrg')).equals(before)).toBe(true);
  });

  it('--out equal to --weights is refused too', async () => {
    writeFileSync(join(tmp, 'w.rsrg'), readFileSync(oldProjector));
    const r = await rsrg(tmp, ['mcrg', '--projector', 'rbm', '--weights', 'w.rsrg', '--out', 'w.rsrg']);
    expectOneLineError(r, 2, /--out 'w\.rsrg' is the same file as --weights 'w\.rsrg'/);
  });

  it('a write that fails (a full device) exits 1 naming the file, after the run', async () => {
    const r = await rsrg(tmp, ['mcrg', '--ensemble', 'e.rsrg', ...measure, '--out', '/dev/full']);
    expectOneLineError(
      r,
      1,
      /^rsrg: error: cannot write --out file \/dev\/full: no space left on device \(ENOSPC\)$/,
    );
  });

  it('an mcrg --out file is written whole, with no temporary file left', async () => {
    const dir = join(tmp, 'whole');
    mkdirSync(dir);
    writeFileSync(join(dir, 'r.json'), 'an earlier result');
    const r = await rsrg(tmp, ['mcrg', '--ensemble', 'e.rsrg', ...measure, '--out', 'whole/r.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).command).toBe('mcrg');
    expect(readdirSync(dir)).toEqual(['r.json']);
  });
});

describe('inputs', () => {
  it('a directory as --ensemble or --weights names the option and the path, exit 2', async () => {
    mkdirSync(join(tmp, 'adir'));
    const [ensemble, weights] = await Promise.all([
      rsrg(tmp, ['mcrg', '--ensemble', 'adir']),
      rsrg(tmp, ['mcrg', '--projector', 'rbm', '--weights', 'adir']),
    ]);
    expectOneLineError(ensemble, 2, /^rsrg: error: --ensemble: 'adir' is a directory, not a file$/);
    expectOneLineError(weights, 2, /^rsrg: error: --weights: 'adir' is a directory, not a file$/);
  });

  it('a file written before checksums is read, with one warning line', async () => {
    const r = await rsrg(tmp, [
      'mcrg',
      '--ensemble',
      oldEnsemble,
      '--levels',
      '1',
      '--bins',
      '4',
      '--workers',
      '1',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      `rsrg: warning: --ensemble file ${oldEnsemble} has no checksum (written by an earlier version): damage to it cannot be detected\n`,
    );
    expect(JSON.parse(r.stdout).samples).toBe(24);
  });

  it('a damaged file is a file error (exit 1) naming it', async () => {
    const bytes = readFileSync(join(tmp, 'e.rsrg'));
    bytes[bytes.length - 100] ^= 0x10;
    writeFileSync(join(tmp, 'flipped.rsrg'), bytes);
    writeFileSync(join(tmp, 'cut.rsrg'), bytes.subarray(0, 500));
    const [flipped, cut] = await Promise.all([
      rsrg(tmp, ['mcrg', '--ensemble', 'flipped.rsrg']),
      rsrg(tmp, ['mcrg', '--ensemble', 'cut.rsrg']),
    ]);
    expectOneLineError(flipped, 1, /^rsrg: error: flipped\.rsrg: checksum mismatch: the file is damaged$/);
    expectOneLineError(cut, 1, /cut\.rsrg is truncated/);
  });

  // [what, file name, header fields, the error line]
  const headers: [string, string, Record<string, unknown>, RegExp][] = [
    [
      'an unknown model',
      'bad-model.rsrg',
      { model: 'isig2d' },
      /^rsrg: error: bad-model\.rsrg: header field 'model' is 'isig2d', a model no loaded plugin provides \(known: .*ising2d.*\): the file is damaged, or was written with other plugins$/,
    ],
    [
      'more chains than configurations',
      'bad-chains.rsrg',
      { chains: 3000 },
      /bad-chains\.rsrg: malformed ensemble \(header field 'chains' is 3000, more than the 200 configurations the file holds\)$/,
    ],
    [
      'a coupling the sampler cannot take',
      'bad-coupling.rsrg',
      { coupling: -28880.8 },
      /bad-coupling\.rsrg: header field 'coupling' is -28880\.8, which its sampler '[\w-]+' cannot take on model 'ising2d'/,
    ],
    [
      'a coupling that is no number',
      'bad-nan.rsrg',
      { coupling: Number.NaN },
      /bad-nan\.rsrg: .*header field 'coupling' is NaN/,
    ],
    [
      'sizes that are not the model’s',
      'bad-sizes.rsrg',
      { sizes: [8, 4] },
      /bad-sizes\.rsrg: .*field 'volume'/,
    ],
  ];
  it.concurrent.each(headers)(
    'a header with %s is a damaged file (exit 1), not a usage error',
    async (_, name, fields, pattern) => {
      withHeader(name, fields);
      expectOneLineError(await rsrg(tmp, ['mcrg', '--ensemble', name, '--workers', '1']), 1, pattern);
    },
  );

  it('a value typed against a sound header stays a usage error', async () => {
    const r = await rsrg(tmp, ['mcrg', '--ensemble', 'e.rsrg', '--size', '16', '--workers', '1']);
    expectOneLineError(r, 2, /size 16 was given, but the ensemble was sampled with size 8/);
  });
});

describe('--json documents carry schemaVersion', () => {
  it('list, mcrg and sample', async () => {
    const runs: Run[] = await Promise.all([
      rsrg(tmp, ['list', '--json']),
      rsrg(tmp, ['mcrg', '--ensemble', 'e.rsrg', ...measure, '--json']),
      rsrg(tmp, ['sample', ...sampling, '--workers', '1', '--out', 'again.rsrg', '--json']),
    ]);
    for (const [r, command] of runs.map((r, i) => [r, ['list', 'mcrg', 'sample'][i]] as const)) {
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(Object.keys(doc).slice(0, 2)).toEqual(['command', 'schemaVersion']);
      expect(doc).toMatchObject({ command, schemaVersion: JSON_SCHEMA_VERSION });
    }
    expect(existsSync(join(tmp, 'again.rsrg'))).toBe(true);
    expect(temporaries(tmp)).toEqual([]);
  });
});

// A real full disk: a 64 KiB tmpfs. Needs root; under CI as root a mount that fails is a failure.
const root = process.platform === 'linux' && process.getuid?.() === 0;
const mustMount = root && process.env.CI === 'true';

describe.skipIf(!root)('a full disk', () => {
  const mnt = join(tmp, 'small');
  let mounted = false;
  beforeAll(() => {
    mkdirSync(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt], { stdio: 'pipe' });
      mounted = true;
    } catch (err) {
      if (mustMount) {
        throw new Error(
          `cannot mount a 64k tmpfs as root under CI, so the full-disk test cannot run: ${err}`,
        );
      }
    }
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', [mnt]);
  });

  it('rsrg mcrg --out on a full tmpfs exits 1 and keeps the earlier file intact', async (ctx) => {
    if (!mounted) ctx.skip();
    const earlier = '{"an": "earlier result"}\n';
    writeFileSync(join(mnt, 'r.json'), earlier);
    try {
      writeFileSync(join(mnt, 'filler'), Buffer.alloc(128 * 1024, 1));
    } catch {
      // ENOSPC: the filler took what was left, as meant
    }
    const r = await rsrg(tmp, ['mcrg', '--ensemble', 'e.rsrg', ...measure, '--out', join(mnt, 'r.json')]);
    expectOneLineError(
      r,
      1,
      new RegExp(
        `^rsrg: error: cannot write --out file ${mnt}/r\\.json: no space left on device \\(ENOSPC\\)$`,
      ),
    );
    expect(readFileSync(join(mnt, 'r.json'), 'utf8')).toBe(earlier);
    expect(temporaries(mnt)).toEqual([]);
  });
});
