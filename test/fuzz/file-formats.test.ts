// Issue 12: a fuzz suite over every file format. Real files (generated once per run with the
// built CLI), truncated at ≥ 20 offsets and flipped (XOR 0x01 and 0xff) at ≥ 50 positions, plus
// files of the wrong kind, empty files, directories and missing files. Each case must give a
// clear error naming the file, or exactly the original result; none may exit 0 with a different
// number. Every case is read in-process through the library readers the CLI uses (fast); a
// representative subset also goes through the CLI binary, where the exit code, the single
// `rsrg: error: …` stderr line and the --json numbers are checked.
//
// Formats without a checksum cannot meet "never a different number", and are judged by what
// they can do:
// - weight.dat, the authors' raw float32 layout: a flipped byte that leaves its float finite, or a
//   cut to 4·k² bytes, is a valid, different filter. Such a read counts as 'undetectable', not a
//   failure, only when the change is exactly what the format allows (one weight changed at the
//   flipped offset; the first k² weights, unchanged, for a cut to 4·k²). WEIGHT_DAT_STRICT=1
//   counts them as failures.
// - ensemble-legacy / projector-legacy: the real files as an earlier version wrote them (no
//   checksum; they still load). A flip the codec's field checks accept is 'undetectable'; the
//   point of these cases is that everything else is a clean error naming the file, and that the
//   CLI names the file when a damaged header reaches it (a model id, a size).
//
// Result JSON (rsrg mcrg --out, result.json of run directories and studies) carries a SHA-256 of
// the rest of the document; its cases go through core's reader (`readChecksummedJson`).
//
// FUZZ_KEEP=1 keeps the generated files, to rerun a failing case's command by hand;
// FUZZ_VERBOSE=1 adds every distinct error message to the summary.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chainStateCodec,
  Rng,
  RsrgError,
  readChecksummedJson,
  readCodecFile,
  readFileChecked,
} from '@rsrg/core';
import { ensembleCodec } from '@rsrg/mcrg';
import { type RbmFilter, rbmProjectorCodec, readWeightDat } from '@rsrg/projectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CASE_KINDS,
  type CaseKind,
  type CliRun,
  FLIP_MASKS,
  type Format,
  type FuzzCase,
  flipLabel,
  flipPositions,
  flipped,
  judgeCli,
  judgeInProcess,
  type Outcome,
  pool,
  runCli,
  truncated,
  truncateLabel,
  truncationOffsets,
  type Verdict,
} from './cases.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'packages/cli/dist/bin.js');
/** A CLI case that runs longer than this is a hang (a full run here takes about a second). */
const CLI_TIMEOUT_MS = 60_000;
const CONCURRENCY = Math.max(2, availableParallelism());
const WEIGHT_DAT_STRICT = process.env.WEIGHT_DAT_STRICT === '1';
const CHECKSUM_BYTES = 41;

/** The generated real files. */
interface RealFiles {
  readonly ensemble: string;
  readonly projector: string;
  readonly weightDat: string;
  readonly resultJson: string;
  /** Another rsrg kind (a chain checkpoint) that weight.dat's length and finiteness checks accept. */
  readonly chainState: string;
  /** weight.dat's bytes under an .rsrg name, so that --weights reads them as an rsrg file. */
  readonly weightDatAsRsrg: string;
  readonly ensembleLegacy: string;
  readonly projectorLegacy: string;
}

/** The generated files, the original reads and CLI outputs, and the cases. */
interface Fixture {
  readonly dir: string;
  readonly real: RealFiles;
  readonly originals: Record<Format, unknown>;
  /** The compared part (estimates / filter) of each consumer's run on the original, as JSON text. */
  readonly baseline: Record<string, string>;
  readonly cases: Record<Format, FuzzCase[]>;
}

/** One judged case, for the summary and the failure list. */
interface Judged {
  readonly format: Format;
  readonly kind: CaseKind;
  readonly via: 'library' | 'cli';
  readonly label: string;
  readonly consumer: string;
  readonly verdict: Verdict;
  readonly command?: string;
}

interface CliCase {
  readonly c: FuzzCase;
  readonly consumer: string;
  readonly args: string[];
  readonly pick: (doc: Record<string, unknown>) => unknown;
}

let fx: Fixture;
const records: Judged[] = [];
const started = performance.now();

// The consumers' command lines; every run of a consumer uses the same options as its baseline.
const mcrgEnsembleArgs = (ensemble: string) => ['mcrg', '--ensemble', ensemble, '--workers', '1', '--json'];
const mcrgProjectorArgs = (ensemble: string, weights: string) => [
  ...mcrgEnsembleArgs(ensemble),
  '--projector',
  'rbm',
  '--weights',
  weights,
];
const trainArgs = (data: string, out: string) => [
  'train',
  '--data',
  data,
  '--epochs',
  '1',
  '--width',
  '4',
  '--workers',
  '1',
  '--out',
  out,
  '--json',
];
const importArgs = (dat: string, out: string) => [
  'train',
  '--import-weight-dat',
  dat,
  '--out',
  out,
  '--json',
];
const estimates = (doc: Record<string, unknown>) => doc.estimates;
const filter = (doc: Record<string, unknown>) => doc.filter;
const outFile = (c: FuzzCase, what: string) =>
  join(fx.dir, 'out', `${c.format}-${c.label.replace(/[@^=.]/g, '-')}-${what}.rsrg`);

/**
 * Each format: its file, its library read (what the CLI's consumers do with the file), the
 * case kinds it gets, its CLI consumers, and, for a format without a checksum, which different
 * reads are the format's own limit.
 */
interface FormatSpec {
  readonly ext: string;
  readonly file: (r: RealFiles) => string;
  readonly read: (c: FuzzCase) => unknown;
  readonly kinds: readonly CaseKind[];
  readonly wrongKinds: (r: RealFiles) => Record<string, string>;
  readonly consumer: (c: FuzzCase) => CliCase;
  /** A second consumer for a few cases (train --data, mcrg --weights x.dat). */
  readonly second?: (c: FuzzCase) => CliCase;
  readonly undetectable?: (c: FuzzCase, value: unknown) => boolean;
  /** A legacy (checksum-less) copy of a format: its CLI subset is picked by the library's verdicts. */
  readonly legacy?: boolean;
  /** The key after the header, for picking header flips (default: the whole file). */
  readonly headerEnd?: string;
}

const mcrgOverEnsemble = (c: FuzzCase): CliCase => ({
  c,
  consumer: 'mcrg --ensemble',
  args: mcrgEnsembleArgs(c.path),
  pick: estimates,
});
const mcrgWithWeights = (consumer: string) => (c: FuzzCase) => ({
  c,
  consumer,
  args: mcrgProjectorArgs(fx.real.ensemble, c.path),
  pick: estimates,
});
const decodedAtAll = (_c: FuzzCase, value: unknown) => value !== undefined;

const SPECS: Record<Format, FormatSpec> = {
  ensemble: {
    ext: 'rsrg',
    file: (r) => r.ensemble,
    read: (c) => readCodecFile(c.path, ensembleCodec, { option: '--ensemble' }).value,
    kinds: CASE_KINDS,
    wrongKinds: (r) => ({
      projector: r.projector,
      'weight.dat': r.weightDat,
      'chain-state': r.chainState,
      'result-json': r.resultJson,
    }),
    consumer: mcrgOverEnsemble,
    second: (c) => ({
      c,
      consumer: 'train --data',
      args: trainArgs(c.path, outFile(c, 'train')),
      pick: filter,
    }),
  },
  projector: {
    ext: 'rsrg',
    file: (r) => r.projector,
    read: (c) => readCodecFile(c.path, rbmProjectorCodec, { option: '--weights' }).value,
    kinds: CASE_KINDS,
    wrongKinds: (r) => ({
      ensemble: r.ensemble,
      'chain-state': r.chainState,
      'result-json': r.resultJson,
      'weight.dat-bytes': r.weightDatAsRsrg,
    }),
    consumer: mcrgWithWeights('mcrg --weights'),
  },
  'weight.dat': {
    ext: 'dat',
    file: (r) => r.weightDat,
    read: (c) =>
      readWeightDat(readFileChecked(c.path, { option: '--import-weight-dat' }), { source: c.path }),
    kinds: CASE_KINDS,
    wrongKinds: (r) => ({
      ensemble: r.ensemble,
      projector: r.projector,
      'chain-state-4k2-bytes': r.chainState,
    }),
    consumer: (c) => ({
      c,
      consumer: 'train --import-weight-dat',
      args: importArgs(c.path, outFile(c, 'imported')),
      pick: filter,
    }),
    second: mcrgWithWeights('mcrg --weights (.dat)'),
    undetectable: weightDatUndetectable,
  },
  'ensemble-legacy': {
    ext: 'rsrg',
    file: (r) => r.ensembleLegacy,
    read: (c) => readCodecFile(c.path, ensembleCodec, { option: '--ensemble' }).value,
    kinds: ['truncate', 'flip'],
    wrongKinds: () => ({}),
    consumer: mcrgOverEnsemble,
    undetectable: decodedAtAll,
    legacy: true,
    headerEnd: 'packed',
  },
  'projector-legacy': {
    ext: 'rsrg',
    file: (r) => r.projectorLegacy,
    read: (c) => readCodecFile(c.path, rbmProjectorCodec, { option: '--weights' }).value,
    kinds: ['truncate', 'flip'],
    wrongKinds: () => ({}),
    consumer: mcrgWithWeights('mcrg --weights'),
    undetectable: decodedAtAll,
    legacy: true,
  },
};
const FORMATS = Object.keys(SPECS) as Format[];

/**
 * Whether a weight.dat read that differs from the original is exactly what the format cannot
 * detect: a flip changed the one weight holding that byte (same width, every other weight
 * equal); a cut to 4·k² bytes gave the first k² weights.
 */
function weightDatUndetectable(c: FuzzCase, value: unknown): boolean {
  if (WEIGHT_DAT_STRICT || c.offset === undefined) return false;
  const f = value as RbmFilter;
  const o = fx.originals['weight.dat'] as RbmFilter;
  if (!(f?.weights instanceof Float64Array) || f.dimension !== 2 || f.blockSize !== o.blockSize) return false;
  if (c.kind === 'flip') {
    const changed = Math.floor(c.offset / 4);
    return (
      f.width === o.width &&
      f.weights.every((w, i) => (i === changed ? w !== o.weights[i] : w === o.weights[i]))
    );
  }
  if (c.kind === 'truncate') {
    return 4 * f.width * f.width === c.offset && f.weights.every((w, i) => w === o.weights[i]);
  }
  return false;
}

function libraryVerdict(c: FuzzCase): Verdict {
  const spec = SPECS[c.format];
  return judgeInProcess(
    c,
    () => spec.read(c),
    fx.originals[c.format],
    (v) => spec.undetectable?.(c, v) ?? false,
  );
}

async function cli(args: string[]): Promise<CliRun> {
  return runCli(bin, args, root, CLI_TIMEOUT_MS);
}

async function mustRun(args: string[]): Promise<Record<string, unknown>> {
  const run = await cli(args);
  if (run.status !== 0)
    throw new Error(`fixture: rsrg ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return args.includes('--json') ? (JSON.parse(run.stdout) as Record<string, unknown>) : {};
}

/**
 * A chain-state file (another rsrg kind) that weight.dat's checks alone cannot reject: 4·k² bytes
 * long and, read as float32, all finite. Only recognizing the rsrg envelope can tell it apart.
 */
function chainStateLikeWeightDat(): Uint8Array {
  for (let volume = 64; volume < 4096; volume++) {
    for (let stream = 0; stream < 8; stream++) {
      const bytes = chainStateCodec.encode({
        spins: new Int8Array(volume).fill(-1),
        rng: Rng.stream(1, stream),
        moves: 0,
      });
      const k = Math.round(Math.sqrt(bytes.length / 4));
      if (k < 2 || 4 * k * k !== bytes.length) break;
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let finite = true;
      for (let i = 0; i < bytes.length; i += 4) finite &&= Number.isFinite(view.getFloat32(i, true));
      if (finite) return bytes;
    }
  }
  throw new Error('fixture: no chain-state file of 4·k² bytes with finite float32 words');
}

/** An rsrg file as versions before checksums wrote it: the four-field map, no sha256 field. */
function withoutChecksum(bytes: Uint8Array): Uint8Array {
  const legacy = Uint8Array.prototype.slice.call(bytes, 0, bytes.length - CHECKSUM_BYTES);
  if (legacy[0] !== 0x85) throw new Error('fixture: not a five-field rsrg file');
  legacy[0] = 0x84;
  return legacy;
}

/** The damaged inputs of one format, written under dir/<format>/. */
function buildCases(format: Format, real: RealFiles, dir: string): FuzzCase[] {
  const spec = SPECS[format];
  const bytes = new Uint8Array(readFileSync(spec.file(real)));
  const here = join(dir, format.replace('.', '-'));
  mkdirSync(here);
  const cases: FuzzCase[] = [];
  const write = (kind: CaseKind, label: string, data: Uint8Array, extra: Partial<FuzzCase> = {}) => {
    const path = join(here, `${label.replace(/[@^=]/g, '-')}.${spec.ext}`);
    writeFileSync(path, data);
    cases.push({ format, kind, label, path, ...extra });
  };
  for (const length of truncationOffsets(bytes.length)) {
    write('truncate', truncateLabel(length), truncated(bytes, length), { offset: length });
  }
  for (const offset of flipPositions(bytes.length)) {
    for (const mask of FLIP_MASKS) {
      write('flip', flipLabel(offset, mask), flipped(bytes, offset, mask), { offset, mask });
    }
  }
  if (!spec.kinds.includes('wrong-kind')) return cases;
  for (const [name, path] of Object.entries(spec.wrongKinds(real))) {
    cases.push({ format, kind: 'wrong-kind', label: `kind=${name}`, path });
  }
  write('empty', 'empty', new Uint8Array(0));
  const directory = join(here, `directory.${spec.ext}`);
  mkdirSync(directory);
  cases.push({ format, kind: 'directory', label: 'directory', path: directory });
  cases.push({ format, kind: 'missing', label: 'missing', path: join(here, `missing.${spec.ext}`) });
  return cases;
}

async function generate(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'rsrg-fuzz-'));
  const realDir = join(dir, 'real');
  mkdirSync(realDir);
  mkdirSync(join(dir, 'out'));
  const at = (name: string) => join(realDir, name);
  const real: RealFiles = {
    ensemble: at('ensemble.rsrg'),
    projector: at('projector.rsrg'),
    weightDat: at('weight.dat'),
    resultJson: at('result.json'),
    chainState: at('chain-state.rsrg'),
    weightDatAsRsrg: at('weight-dat-bytes.rsrg'),
    ensembleLegacy: at('ensemble-legacy.rsrg'),
    projectorLegacy: at('projector-legacy.rsrg'),
  };
  await mustRun(
    ['sample', '--model', 'ising2d', '--size', '8', '--samples', '200', '--seed', '1'].concat(
      '--out',
      real.ensemble,
    ),
  );
  const trained = await mustRun([
    ...trainArgs(real.ensemble, real.projector),
    '--export-weight-dat',
    real.weightDat,
  ]);
  const [mcrgEnsemble, mcrgProjector, mcrgDat, imported] = await Promise.all([
    mustRun([...mcrgEnsembleArgs(real.ensemble), '--out', real.resultJson]),
    mustRun(mcrgProjectorArgs(real.ensemble, real.projector)),
    mustRun(mcrgProjectorArgs(real.ensemble, real.weightDat)),
    mustRun(importArgs(real.weightDat, at('imported.rsrg'))),
  ]);
  writeFileSync(real.chainState, chainStateLikeWeightDat());
  writeFileSync(real.weightDatAsRsrg, readFileSync(real.weightDat));
  writeFileSync(real.ensembleLegacy, withoutChecksum(readFileSync(real.ensemble)));
  writeFileSync(real.projectorLegacy, withoutChecksum(readFileSync(real.projector)));

  const ensemble = readCodecFile(real.ensemble, ensembleCodec);
  const projector = readCodecFile(real.projector, rbmProjectorCodec);
  const ensembleLegacy = readCodecFile(real.ensembleLegacy, ensembleCodec);
  const projectorLegacy = readCodecFile(real.projectorLegacy, rbmProjectorCodec);
  // The legacy copies are what an earlier version wrote: no checksum, the same contents.
  expect([ensemble.checksum, projector.checksum]).toEqual(['verified', 'verified']);
  expect([ensembleLegacy.checksum, projectorLegacy.checksum]).toEqual(['absent', 'absent']);
  expect(ensembleLegacy.value).toEqual(ensemble.value);
  expect(projectorLegacy.value).toEqual(projector.value);
  const originals: Record<Format, unknown> = {
    ensemble: ensemble.value,
    projector: projector.value,
    'weight.dat': readWeightDat(readFileSync(real.weightDat), { source: real.weightDat }),
    'ensemble-legacy': ensembleLegacy.value,
    'projector-legacy': projectorLegacy.value,
  };
  const cases = Object.fromEntries(FORMATS.map((f) => [f, buildCases(f, real, dir)])) as Record<
    Format,
    FuzzCase[]
  >;
  return {
    dir,
    real,
    originals,
    baseline: {
      'mcrg --ensemble': JSON.stringify(mcrgEnsemble.estimates),
      'mcrg --weights': JSON.stringify(mcrgProjector.estimates),
      'mcrg --weights (.dat)': JSON.stringify(mcrgDat.estimates),
      'train --data': JSON.stringify(trained.filter),
      'train --import-weight-dat': JSON.stringify(imported.filter),
    },
    cases,
  };
}

/** Up to `count` items of `xs`, evenly spaced. */
function spread<T>(xs: readonly T[], count: number): T[] {
  if (xs.length <= count) return [...xs];
  return Array.from({ length: count }, (_, i) => xs[Math.floor((i * (xs.length - 1)) / (count - 1))]);
}

/**
 * The representative CLI subset of a format. Checksummed formats: cuts at 0, 1, in the header,
 * the middle and the last byte; flips of the first byte, one early, one in the middle, the last
 * byte; every wrong kind, the empty file, the directory, the missing file; and a few cases
 * through the format's second consumer. Legacy formats: a cut, and flips the library accepted
 * (in the header for ensembles) or rejected, to see what the CLI makes of them.
 */
function cliCases(format: Format): CliCase[] {
  const spec = SPECS[format];
  const cases = fx.cases[format];
  const byLabel = new Map(cases.map((c) => [c.label, c]));
  const get = (label: string) => {
    const c = byLabel.get(label);
    if (!c) throw new Error(`no ${format} case ${label}`);
    return c;
  };
  const bytes = readFileSync(spec.file(fx.real));
  const n = bytes.length;
  const positions = flipPositions(n);
  const mid = positions[Math.floor(positions.length / 2)];
  if (spec.legacy) {
    const headerEnd = spec.headerEnd === undefined ? n : bytes.indexOf(Buffer.from(spec.headerEnd));
    const flips = cases.filter((c) => c.kind === 'flip' && (c.offset as number) < headerEnd);
    const accepted = flips.filter((c) => libraryVerdict(c).outcome === 'undetectable');
    const rejected = flips.filter((c) => libraryVerdict(c).outcome === 'named');
    return [get(truncateLabel(Math.floor(n / 2))), ...spread(accepted, 5), ...spread(rejected, 2)].map(
      spec.consumer,
    );
  }
  const labels = [
    ...[0, 1, 8, Math.floor(n / 2), n - 1].map(truncateLabel),
    flipLabel(0, 0x01),
    flipLabel(positions[1], 0xff),
    flipLabel(mid, 0xff),
    flipLabel(n - 1, 0x01),
    ...cases.filter((c) => c.kind !== 'truncate' && c.kind !== 'flip').map((c) => c.label),
  ];
  const primary = [...new Set(labels)].map((l) => spec.consumer(get(l)));
  const second = spec.second;
  if (!second) return primary;
  const more = [truncateLabel(Math.floor(n / 2)), flipLabel(mid, 0x01), 'directory'];
  if (format === 'ensemble') more.push('kind=projector');
  return [...primary, ...more.map((l) => second(get(l)))];
}

function describeFailure(r: Judged): string {
  const cmd = r.command ? `\n    $ ${r.command}` : '';
  return `${r.format} ${r.label} [${r.via}: ${r.consumer}] ${r.verdict.failure}: ${r.verdict.detail}${cmd}`;
}

function summary(): string {
  const head = ['format', 'case kind', 'via', 'cases', 'error named', 'harmless', 'undetectable', 'FAILED'];
  const rows: string[][] = [head];
  const count = (rs: Judged[], o: Outcome) => String(rs.filter((r) => r.verdict.outcome === o).length);
  for (const format of FORMATS) {
    for (const via of ['library', 'cli'] as const) {
      for (const kind of CASE_KINDS) {
        const rs = records.filter((r) => r.format === format && r.kind === kind && r.via === via);
        if (rs.length === 0) continue;
        const outcomes = (['named', 'harmless', 'undetectable', 'failed'] as const).map((o) => count(rs, o));
        rows.push([format, kind, via, String(rs.length), ...outcomes]);
      }
    }
  }
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) =>
    r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '),
  );
  const library = records.filter((r) => r.via === 'library');
  const failed = records.filter((r) => r.verdict.outcome === 'failed');
  lines.push(
    '',
    `total: ${library.length} damaged inputs read in-process, ${records.length - library.length} CLI runs; ` +
      `${failed.length} FAILED; ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  // One example per distinct failure class, for routing.
  const classes = new Map<string, Judged[]>();
  for (const r of failed) {
    const key = `${r.via} ${r.consumer} on ${r.format} ${r.kind}: ${r.verdict.failure}`;
    classes.set(key, [...(classes.get(key) ?? []), r]);
  }
  if (classes.size) lines.push('', 'failure classes (count, one example each):');
  for (const [key, rs] of classes) {
    lines.push(`  ${rs.length} × ${key}`, `    e.g. ${describeFailure(rs[0]).replace(/\n/g, '\n    ')}`);
  }
  // FUZZ_VERBOSE=1: every distinct error message (paths and numbers elided), to review their wording.
  if (process.env.FUZZ_VERBOSE === '1') {
    const messages = new Map<string, number>();
    for (const r of records) {
      if (r.verdict.outcome !== 'named' || !r.verdict.detail) continue;
      const m = `${r.format} [${r.via}] ${r.verdict.detail.replace(/\/tmp\/rsrg-fuzz-\w+\/\S+?(?=['\s:)]|$)/g, '<file>').replace(/\d+/g, 'N')}`;
      messages.set(m, (messages.get(m) ?? 0) + 1);
    }
    lines.push(
      '',
      'distinct error messages:',
      ...[...messages].map(([m, k]) => `  ${String(k).padStart(3)} × ${m}`),
    );
  }
  return lines.join('\n');
}

describe('file-format fuzz (issue 12): damaged, foreign, empty and missing inputs', () => {
  beforeAll(async () => {
    fx = await generate();
  }, 120_000);

  afterAll(() => {
    if (records.length) console.log(`\nfile-format fuzz summary\n${summary()}\n`);
    if (!fx) return;
    if (process.env.FUZZ_KEEP === '1') console.log(`kept ${fx.dir}`);
    else rmSync(fx.dir, { recursive: true, force: true });
  });

  for (const format of FORMATS) {
    describe(format, () => {
      for (const kind of SPECS[format].kinds) {
        it(`${kind}: the library reader names the file or returns the original`, () => {
          const cases = fx.cases[format].filter((c) => c.kind === kind);
          expect(cases.length).toBeGreaterThan(0);
          const failures: string[] = [];
          for (const c of cases) {
            const verdict = libraryVerdict(c);
            const r: Judged = { format, kind, via: 'library', label: c.label, consumer: 'read', verdict };
            records.push(r);
            if (verdict.outcome === 'failed') failures.push(describeFailure(r));
          }
          expect(failures, `${failures.length} of ${cases.length} ${format} ${kind} cases failed`).toEqual(
            [],
          );
        });
      }

      it('CLI subset: exit 1/2 with one stderr line naming the file, or the original --json numbers', async () => {
        const subset = cliCases(format);
        const runs = await pool(
          subset.map((s) => () => cli(s.args)),
          CONCURRENCY,
        );
        const failures: string[] = [];
        subset.forEach((s, i) => {
          // A run may differ from the original only where the library read showed a change the
          // format cannot detect.
          const verdict = judgeCli(
            s.c,
            runs[i],
            s.pick,
            fx.baseline[s.consumer],
            () => libraryVerdict(s.c).outcome === 'undetectable',
          );
          const r: Judged = {
            format,
            kind: s.c.kind,
            via: 'cli',
            label: s.c.label,
            consumer: s.consumer,
            verdict,
            command: `node packages/cli/dist/bin.js ${s.args.join(' ')}  # exit ${runs[i].status}`,
          };
          records.push(r);
          if (verdict.outcome === 'failed') failures.push(describeFailure(r));
        });
        expect(failures, `${failures.length} of ${subset.length} ${format} CLI cases failed`).toEqual([]);
      });
    });
  }

  it('covers at least 200 damaged inputs, ≥ 20 cuts and ≥ 50 flipped positions per format', () => {
    let total = 0;
    for (const format of FORMATS) {
      const cases = fx.cases[format];
      total += cases.length;
      expect(cases.filter((c) => c.kind === 'truncate').length).toBeGreaterThanOrEqual(20);
      expect(
        new Set(cases.filter((c) => c.kind === 'flip').map((c) => c.offset)).size,
      ).toBeGreaterThanOrEqual(50);
      for (const kind of SPECS[format].kinds) expect(cases.some((c) => c.kind === kind)).toBe(true);
    }
    expect(total).toBeGreaterThanOrEqual(200);
  });

  it('result JSON (rsrg mcrg --out): cut at ≥ 20 offsets, flipped at ≥ 50 bytes, empty, a directory', () => {
    const path = fx.real.resultJson;
    const bytes = readFileSync(path);
    const original = readChecksummedJson(path);
    expect(original.checksum).toBe('verified');
    const rng = Rng.stream(2024, 12);
    const dir = mkdtempSync(join(fx.dir, 'result-json-'));
    const damaged: Uint8Array[] = [new Uint8Array(0)];
    for (let k = 0; k < 24; k++) damaged.push(bytes.subarray(0, Math.floor((k / 24) * bytes.length)));
    for (let k = 0; k < 60; k++) {
      const at = rng.nextU32() % bytes.length;
      for (const mask of [0x01, 0xff]) {
        const b = Uint8Array.from(bytes);
        b[at] ^= mask;
        damaged.push(b);
      }
    }
    let named = 0;
    let harmless = 0;
    damaged.forEach((b, k) => {
      const file = join(dir, `case-${k}.json`);
      writeFileSync(file, b);
      try {
        const read = readChecksummedJson(file, { option: '--result' });
        // Only a change JSON ignores may pass: the same document, the checksum verified.
        expect(read.checksum).toBe('verified');
        expect(read.value).toEqual(original.value);
        harmless++;
      } catch (err) {
        expect(RsrgError.isInstance(err), String(err)).toBe(true);
        expect((err as Error).message).toContain(file);
        named++;
      }
    });
    expect(() => readChecksummedJson(dir, { option: '--result' })).toThrow(/--result/);
    expect(named + harmless).toBeGreaterThanOrEqual(140);
    expect(named).toBeGreaterThan(harmless);
  });
});
