import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix as posixPath, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from '@rsrg/core';
import { plugin as modelsPlugin } from '@rsrg/models';
import { describe, expect, it } from 'vitest';
import * as isingModule from '../packages/models/src/ising/index.js';
import * as studiesModule from '../packages/models/src/studies/index.js';

/**
 * Architecture boundaries. Model code lives in @rsrg/models only: every other package (the
 * analyzer, the command line, the samplers, the projectors, core) resolves models through the
 * registry and knows none of them: no import of @rsrg/models, no model registration or
 * definition, no hard-coded critical coupling, no model or coupling-set id. The one allowance
 * is the CLI's default `--model`. The package graph keeps interfaces in @rsrg/core and
 * implementations beside it, and neither the packages nor the modules inside one import in a
 * cycle.
 */

const root = fileURLToPath(new URL('../', import.meta.url));
const posix = (path: string) => path.split(sep).join('/');

// ---------------------------------------------------------------------------------------------
// A small tokenizer: enough of TypeScript to tell code from comments and string literals.

interface Token {
  readonly kind: 'code' | 'string' | 'comment';
  readonly text: string;
  /** Offset of the first character of `text` in the source. */
  readonly start: number;
}

// After these characters (or keywords) a '/' starts a regular expression, not a division.
const REGEX_AFTER = new Set('(,=:[!&|?{};+-*%<>~^'.split(''));
const REGEX_KEYWORDS = /\b(?:return|typeof|case|do|else|in|of|void|yield|await|delete|throw|new)\s*$/;

/**
 * Splits TypeScript source into code, comments and string literals. A template literal's
 * text parts are strings and its `${…}` parts code; regular expression literals are code.
 */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let code = '';
  let codeStart = 0;
  const flush = (end: number) => {
    if (code) tokens.push({ kind: 'code', text: code, start: codeStart });
    code = '';
    codeStart = end;
  };
  // Brace depth of each open `${`, so that the matching '}' resumes the template.
  const templates: number[] = [];
  let depth = 0;
  let i = 0;
  const readTemplate = () => {
    // At the first character of template text; returns after '`' or '${'.
    const start = i;
    while (i < source.length && source[i] !== '`' && !(source[i] === '$' && source[i + 1] === '{')) {
      i += source[i] === '\\' ? 2 : 1;
    }
    tokens.push({ kind: 'string', text: source.slice(start, i), start });
    if (source[i] === '`') i++;
    else {
      i += 2;
      templates.push(depth);
      depth++;
    }
    codeStart = i;
  };
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      flush(i);
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? source.length : end;
      tokens.push({ kind: 'comment', text: source.slice(i, stop), start: i });
      i = stop;
      codeStart = i;
    } else if (c === '/' && next === '*') {
      flush(i);
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      tokens.push({ kind: 'comment', text: source.slice(i, stop), start: i });
      i = stop;
      codeStart = i;
    } else if (c === "'" || c === '"') {
      flush(i);
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      tokens.push({ kind: 'string', text: source.slice(i + 1, j), start: i + 1 });
      i = j + 1;
      codeStart = i;
    } else if (c === '`') {
      flush(i);
      i++;
      readTemplate();
    } else if (c === '}' && templates.length > 0 && depth - 1 === templates[templates.length - 1]) {
      flush(i);
      templates.pop();
      depth--;
      i++;
      readTemplate();
    } else if (c === '/' && isRegexStart(code, tokens)) {
      // A regular expression literal stays in the code, read up to its closing '/'.
      let j = i + 1;
      let inClass = false;
      while (j < source.length && source[j] !== '\n' && (inClass || source[j] !== '/')) {
        if (source[j] === '\\') j++;
        else if (source[j] === '[') inClass = true;
        else if (source[j] === ']') inClass = false;
        j++;
      }
      if (!code) codeStart = i;
      code += source.slice(i, j + 1);
      i = j + 1;
    } else {
      if (c === '{') depth++;
      else if (c === '}') depth--;
      if (!code) codeStart = i;
      code += c;
      i++;
    }
  }
  flush(i);
  return tokens;
}

function isRegexStart(code: string, tokens: readonly Token[]): boolean {
  const before = code.trimEnd();
  if (before === '') {
    // Only a string or comment since the last code: a '/' after a string is a division.
    const last = tokens.findLast((t) => t.kind !== 'comment');
    return last === undefined || last.kind === 'code';
  }
  return REGEX_AFTER.has(before[before.length - 1]) || REGEX_KEYWORDS.test(before);
}

// ---------------------------------------------------------------------------------------------
// Imports, as the tokenizer sees them.

const IMPORT_FROM = /\b(?:import|export)\s+(?:type\s+)?([\w\s{},*$]*?)\s*from\s*$/;
const IMPORT_CALL = /\b(?:import|require)\s*\(\s*$/;
const SIDE_EFFECT_IMPORT = /\bimport\s*$/;

interface ImportSpecifier {
  readonly specifier: string;
  /** Offset of the specifier's first character in the source. */
  readonly start: number;
  /** What an `import … from` or `export … from` clause binds, e.g. '{ plugin }'; '' otherwise. */
  readonly clause: string;
}

/**
 * Every module specifier in a source: static imports and re-exports (type-only ones too),
 * side-effect imports, import() and require(). Commented-out imports are not imports.
 */
function importSpecifiers(source: string): ImportSpecifier[] {
  const out: ImportSpecifier[] = [];
  let codeSoFar = '';
  for (const token of tokenize(source)) {
    if (token.kind === 'comment') continue;
    if (token.kind === 'string') {
      const before = codeSoFar.slice(-200);
      const clause = IMPORT_FROM.exec(before);
      if (clause || IMPORT_CALL.test(before) || SIDE_EFFECT_IMPORT.test(before))
        out.push({ specifier: token.text, start: token.start, clause: clause?.[1] ?? '' });
    }
    // Code seen so far, with each string as an empty literal so that `from ''` ends an import.
    codeSoFar = (codeSoFar + (token.kind === 'code' ? token.text : "''")).slice(-400);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// What counts as model code.

/** What the scanner knows about the models, from the built-in registry and the model modules. */
interface ModelKnowledge {
  /** Model and coupling-set ids, e.g. 'ising2d', 'ising2d.even'. */
  readonly ids: readonly string[];
  /** Critical couplings worth recognising (≥ 4 significant digits). */
  readonly criticalCouplings: readonly number[];
  /** Names the model and study modules export, e.g. ising2d, ISING2D_CRITICAL_COUPLING, chungKao2019. */
  readonly exportNames: ReadonlySet<string>;
}

const builtIns = new Registry().use(modelsPlugin);

const knowledge: ModelKnowledge = {
  ids: [...builtIns.models.list().map((m) => m.id), ...builtIns.couplingSets.list().map((s) => s.id)],
  criticalCouplings: [
    // The 2D and 3D values as they appear in the literature, whatever the registry says.
    0.4406868,
    0.2216546,
    ...builtIns.models.list().flatMap((m) => (m.criticalCoupling === undefined ? [] : [m.criticalCoupling])),
  ].filter((k) => significantDigits(String(k)) >= 4),
  exportNames: new Set([...Object.keys(isingModule), ...Object.keys(studiesModule)]),
};

/** The package where model code lives; every other package's src is scanned. */
const MODELS_PACKAGE = '@rsrg/models';

/**
 * Model-specific text a source file may still contain, each with the reason. `file` is
 * relative to the repository root; `max` is how often the literal may occur there, and every
 * occurrence must follow the code matching `context`. An allowance must be used: a stale one
 * fails the test, so that this list stays the true account of what is model-specific.
 */
interface Allowance {
  readonly file: string;
  /** The rule it lifts (default 'model id'); `literal` is then the flagged text, e.g. '.studies.add('. */
  readonly rule?: Finding['rule'];
  readonly literal: string;
  readonly context: RegExp;
  readonly max: number;
  readonly reason: string;
}

const ALLOWANCES: readonly Allowance[] = [
  {
    file: 'packages/cli/src/commands/mcrg.ts',
    literal: 'ising2d',
    context: /\bmodel\s*:\s*$/,
    max: 1,
    reason: "the default of `rsrg mcrg --model`, so that `rsrg mcrg` alone runs the paper's case",
  },
  {
    file: 'examples/tunable-majority/src/study.ts',
    literal: 'ising2d',
    context: /\bmodel\s*:\s*$/,
    max: 1,
    reason: 'the example plugin declares a study of its projector on a model of @rsrg/models, by id',
  },
  {
    file: 'examples/tunable-majority/src/index.ts',
    rule: 'model registration',
    literal: '.studies.add(',
    context: /^\s*registry$/,
    max: 1,
    reason: 'the example plugin registers its own study (a plugin may bring studies, as @rsrg/models does)',
  },
];

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly rule:
    | 'model import'
    | 'model export name'
    | 'model registration'
    | 'model definition'
    | 'critical coupling'
    | 'model id';
  readonly text: string;
  /** Offset in the source of the flagged text (for a string, of its first character). */
  readonly offset: number;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function significantDigits(literal: string): number {
  const mantissa = literal.replace(/^[+-]/, '').replace(/[eE].*$/, '');
  return mantissa.replace('.', '').replace(/^0+/, '').length;
}

const NUMBER = /(?<![\w.])(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?(?![\w.])/g;
// K_c = ln(1 + √2)/2 written as an expression.
const KC_EXPRESSION = /\blog(?:1p)?\s*\(\s*(?:1\s*\+\s*)?(?:Math\.SQRT2|Math\.sqrt\(\s*2\s*\))/;
// Registering a model, a coupling set or a study: `registry.models.add(…)` and the like.
const REGISTRATION = /\.\s*(?:models|couplingSets|studies)\s*\.\s*add\s*\(/g;
// Declaring one: a value typed as a Model or Study, or a coupling set built by couplingSet(…)
// (its declaration in core, `function couplingSet(`, is not a call).
const DEFINITION =
  /:\s*(?:Model|Study)\s*=|\b(?:satisfies|implements)\s+(?:Model|Study)\b|(?<!\bfunction\s+)(?<![\w$.])couplingSet\s*\(/g;

/** Whether an import specifier written in `file` reaches @rsrg/models. */
function importsModelModule(file: string, specifier: string): boolean {
  if (specifier === MODELS_PACKAGE || specifier.startsWith(`${MODELS_PACKAGE}/`)) return true;
  const target = specifier.startsWith('.') ? posix(resolve(root, dirname(file), specifier)) : specifier;
  return /(?:^|\/)packages\/models(?:\/|$)/.test(target);
}

/**
 * Every piece of model code in one source file (`file` relative to the repository root),
 * before allowances. Comments are ignored: they may name a model as an example.
 */
function scanSource(file: string, source: string, known: ModelKnowledge = knowledge): Finding[] {
  const findings: Finding[] = [];
  const lineOf = (offset: number) => source.slice(0, offset).split('\n').length;
  const add = (rule: Finding['rule'], offset: number, text: string) =>
    findings.push({ file, line: lineOf(offset), rule, text, offset });
  const idPattern = new RegExp(
    `(?<![\\w-])(?:${known.ids.map(escapeRegExp).join('|')}|ising\\d+d)(?![\\w-])`,
    'i',
  );
  for (const { specifier, start, clause } of importSpecifiers(source)) {
    if (importsModelModule(file, specifier)) add('model import', start, specifier);
    if (!specifier.startsWith('@rsrg/')) continue;
    // Exported values are flagged as identifiers below; this catches the types (IsingModel).
    for (const name of clause.replace(/[{}]/g, ' ').split(/[\s,]+/)) {
      if (!known.exportNames.has(name) && /ising/i.test(name)) add('model export name', start, name);
    }
  }
  for (const token of tokenize(source)) {
    if (token.kind === 'comment') continue;
    if (token.kind === 'string') {
      const id = idPattern.exec(token.text);
      if (id) add('model id', token.start, `'${token.text}'`);
    } else {
      for (const m of token.text.matchAll(/[A-Za-z_$][\w$]*/g)) {
        if (known.exportNames.has(m[0])) add('model export name', token.start + m.index, m[0]);
      }
      if (KC_EXPRESSION.test(token.text)) add('critical coupling', token.start, token.text.trim());
      for (const m of token.text.matchAll(REGISTRATION)) {
        add('model registration', token.start + m.index, m[0].replace(/\s+/g, ''));
      }
      for (const m of token.text.matchAll(DEFINITION)) {
        add('model definition', token.start + m.index, m[0].replace(/\s+/g, ' '));
      }
    }
    for (const m of token.text.matchAll(NUMBER)) {
      if (significantDigits(m[0]) < 4) continue;
      const x = Number(m[0]);
      if (known.criticalCouplings.some((k) => Math.abs(x - k) < 1e-4 * k)) {
        add('critical coupling', token.start + m.index, m[0]);
      }
    }
  }
  return findings.sort((a, b) => a.offset - b.offset);
}

/** Findings left after the allowances, and how often each allowance was used. */
function applyAllowances(
  file: string,
  source: string,
  findings: readonly Finding[],
  allowances: readonly Allowance[] = ALLOWANCES,
): { violations: Finding[]; used: Map<Allowance, number> } {
  const used = new Map<Allowance, number>();
  const violations = findings.filter((f) => {
    const allowance = allowances.find(
      (a) =>
        a.file === file &&
        f.rule === (a.rule ?? 'model id') &&
        f.text === (f.rule === 'model id' ? `'${a.literal}'` : a.literal),
    );
    if (!allowance) return true;
    // The code before the opening quote (or the flagged text), on its line, must match the stated context.
    const lineStart = source.lastIndexOf('\n', f.offset) + 1;
    const before = source.slice(lineStart, f.rule === 'model id' ? f.offset - 1 : f.offset);
    if (!allowance.context.test(before)) return true;
    const n = (used.get(allowance) ?? 0) + 1;
    used.set(allowance, n);
    return n > allowance.max;
  });
  return { violations, used };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(?:[cm]?ts|[cm]?js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The model code in every source file under `dir` (a package's src), after the allowances. */
function modelCodeIn(dir: string): { files: number; violations: Finding[]; used: Map<Allowance, number> } {
  const files = sourceFiles(dir);
  const violations: Finding[] = [];
  const used = new Map<Allowance, number>();
  for (const path of files) {
    const file = posix(relative(root, path));
    const source = readFileSync(path, 'utf8');
    const result = applyAllowances(file, source, scanSource(file, source));
    violations.push(...result.violations);
    for (const [a, n] of result.used) used.set(a, (used.get(a) ?? 0) + n);
  }
  return { files: files.length, violations, used };
}

const format = (f: Finding) => `${f.file}:${f.line} ${f.rule}: ${f.text}`;

// ---------------------------------------------------------------------------------------------
// Import cycles.

type Graph = ReadonlyMap<string, readonly string[]>;

/**
 * The cycles of a directed graph, one per back edge of a depth-first search, each as a path
 * that starts at its least node and ends where it starts. Nodes and edges are taken in sorted
 * order, so the answer is stable; it is empty exactly when the graph has no cycle.
 */
function findCycles(graph: Graph): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles = new Map<string, string[]>();
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const k = cycle.indexOf([...cycle].sort()[0]);
        const path = [...cycle.slice(k), ...cycle.slice(0, k)];
        cycles.set(path.join('\n'), [...path, path[0]]);
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return [...cycles.values()];
}

const formatCycle = (cycle: readonly string[]) => cycle.join(' → ');

/**
 * The relative imports among TypeScript files (`files`: path relative to the tree → source),
 * as a graph from each file to the files it imports. './x.js' is x.ts, './dir' is dir/index.ts;
 * other specifiers (packages, node:, files outside the tree) are not edges.
 */
function importGraph(files: ReadonlyMap<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, source] of files) {
    const targets = new Set<string>();
    for (const { specifier } of importSpecifiers(source)) {
      if (!specifier.startsWith('.')) continue;
      const base = posixPath.join(posixPath.dirname(file), specifier);
      const stem = base.replace(/\.[cm]?js$/, '');
      const target = [`${stem}.ts`, `${base}.ts`, `${stem}/index.ts`].find((c) => files.has(c));
      if (target) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** The .ts files of a package's src, keyed by their path inside src. */
function srcTree(dir: string): Map<string, string> {
  const src = join(dir, 'src');
  return new Map(
    sourceFiles(src)
      .filter((path) => path.endsWith('.ts'))
      .map((path) => [posix(relative(src, path)), readFileSync(path, 'utf8')]),
  );
}

// ---------------------------------------------------------------------------------------------
// The workspace.

/** Which workspace packages each package may depend on; every package must be listed. */
const ALLOWED_DEPENDENCIES: Readonly<Record<string, readonly string[] | 'any'>> = {
  '@rsrg/core': [],
  '@rsrg/models': ['@rsrg/core'],
  '@rsrg/samplers': ['@rsrg/core'],
  '@rsrg/projectors': ['@rsrg/core'],
  '@rsrg/mcrg': ['@rsrg/core'],
  '@rsrg/campaigns': ['@rsrg/core', '@rsrg/mcrg'],
  // The study runner finds trainers, projectors and studies through the registry.
  '@rsrg/studies': ['@rsrg/core', '@rsrg/mcrg'],
  '@rsrg/optimize': ['@rsrg/core', '@rsrg/mcrg', '@rsrg/projectors'],
  '@rsrg/cli': 'any',
  // Out-of-tree plugins use the public plugin API only.
  '@rsrg/example-tunable-majority': ['@rsrg/core'],
};

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const workspace = ['packages', 'examples'].flatMap((group) =>
  existsSync(join(root, group))
    ? readdirSync(join(root, group), { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(join(root, group, e.name, 'package.json')))
        .map((e) => {
          const dir = join(root, group, e.name);
          return { dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest };
        })
    : [],
);

/** Every dependency range of a manifest, of every kind (turbo orders builds by all of them). */
const allRanges = (manifest: Manifest): Record<string, string> => ({
  ...manifest.dependencies,
  ...manifest.devDependencies,
  ...manifest.peerDependencies,
  ...manifest.optionalDependencies,
});

// ---------------------------------------------------------------------------------------------

describe('the scanner (controls)', () => {
  const mcrgFile = 'packages/mcrg/src/example.ts';
  const rules = (file: string, source: string) => scanSource(file, source).map((f) => f.rule);

  it('knows the built-in models: their ids, coupling sets, critical couplings and exports', () => {
    expect(knowledge.ids).toEqual(expect.arrayContaining(['ising1d', 'ising2d', 'ising3d', 'ising2d.even']));
    expect(knowledge.criticalCouplings.some((k) => Math.abs(k - 0.4406868) < 1e-6)).toBe(true);
    expect(knowledge.criticalCouplings.some((k) => Math.abs(k - 0.2216546) < 1e-6)).toBe(true);
    expect(knowledge.criticalCouplings).not.toContain(0.5);
    expect([...knowledge.exportNames]).toEqual(
      expect.arrayContaining(['ising2d', 'ising3d', 'isingModels', 'hypercubicIsing', 'chungKao2019']),
    );
    // The plugin itself is no model code: every package may name a `plugin`.
    expect(knowledge.exportNames.has('plugin')).toBe(false);
  });

  it('flags imports of @rsrg/models and of model exports', () => {
    expect(rules(mcrgFile, "import { ising2d } from '@rsrg/models';\n")).toEqual([
      'model export name',
      'model import',
    ]);
    expect(rules(mcrgFile, "import {\n  type IsingModel,\n  plugin,\n} from '@rsrg/models';")).toContain(
      'model import',
    );
    expect(rules(mcrgFile, "import type { IsingModel } from '@rsrg/projectors';")).toContain(
      'model export name',
    );
    expect(
      rules(mcrgFile, "import { hypercubicIsing } from '../../models/src/ising/hypercubic.js';"),
    ).toContain('model import');
    expect(rules(mcrgFile, "export * from '@rsrg/models/ising';")).toContain('model import');
    expect(rules(mcrgFile, "const m = await import('../../models/dist/index.js');")).toContain(
      'model import',
    );
    expect(rules(mcrgFile, "import * as p from '@rsrg/projectors';\nconst m = p.ising3d;")).toContain(
      'model export name',
    );
  });

  it('flags critical couplings as literals, strings and expressions, and model ids in strings', () => {
    expect(rules(mcrgFile, 'const K = 0.44068679350977147;')).toEqual(['critical coupling']);
    expect(rules(mcrgFile, 'const K = 0.4406867935;')).toEqual(['critical coupling']);
    expect(rules(mcrgFile, 'const K = 0.2216546;')).toEqual(['critical coupling']);
    expect(rules(mcrgFile, "const K = Number('0.4406868');")).toEqual(['critical coupling']);
    expect(rules(mcrgFile, 'const K = Math.log(1 + Math.SQRT2) / 2;')).toEqual(['critical coupling']);
    expect(rules(mcrgFile, "const set = 'ising2d.even';")).toEqual(['model id']);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source under test
    expect(rules(mcrgFile, 'const set = `${model}.odd` === `ising3d.odd`;')).toEqual(['model id']);
    expect(rules(mcrgFile, "const ids = ['ising1d'];")).toEqual(['model id']);
  });

  it('flags model, coupling-set and study registrations and definitions', () => {
    expect(rules(mcrgFile, 'registry.models.add(myModel);')).toEqual(['model registration']);
    expect(rules(mcrgFile, 'r.couplingSets.add(even);\nr.studies.add(study);')).toEqual([
      'model registration',
      'model registration',
    ]);
    expect(rules(mcrgFile, 'registry\n  .models\n  .add(m);')).toEqual(['model registration']);
    expect(rules(mcrgFile, 'export const chain: Model = { id: "chain" } as never;')).toEqual([
      'model definition',
    ]);
    expect(rules(mcrgFile, 'export const paper = { id: "p" } satisfies Study;')).toEqual([
      'model definition',
    ]);
    expect(rules(mcrgFile, "const even = couplingSet('chain.even', 'pairs', [nn]);")).toEqual([
      'model definition',
    ]);
  });

  it('passes model-neutral code: comments, plugin imports, lookups, other numbers, look-alike names', () => {
    const clean = [
      "import { plugin } from '@rsrg/projectors';",
      "import type { Model, Study } from '@rsrg/core';",
      "// e.g. 'ising2d' at K_c = 0.4406868: comments may name a model",
      '/* ising3d.even */',
      '// registry.models.add(model) happens in @rsrg/models',
      'const half = 0.5; const n = 4406868; const y = x / 2 / 0.44;',
      // A quote inside a regular expression or an escaped one must not open or close a string.
      'const re = /\'[a-z]+/; const s = "a \\" ising"; const u = 1.5 / 2;',
      "const model = registry.models.get(config.model); const label = 'isingLike';",
      'registry.projectors.add(majority); const all = registry.models.list();',
      'function describe(model: Model, study?: Study): string { return model.id; }',
      'export function couplingSet(id: string) { return id; } const k = set.couplingSet(1);',
      'interface Setup { readonly model: Model; readonly study: Study }',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source under test
      'const t = `${a}/${b}` + `x${{ a: 1 }.a}y`;',
    ].join('\n');
    expect(scanSource(mcrgFile, clean).map(format)).toEqual([]);
  });

  it('applies an allowance only in its file and context, and at most max times', () => {
    const file = 'packages/cli/src/commands/mcrg.ts';
    const check = (f: string, src: string) => {
      const { violations, used } = applyAllowances(f, src, scanSource(f, src));
      return { rules: violations.map((v) => v.rule), used: [...used.values()] };
    };
    expect(check(file, "export const D = { model: 'ising2d', size: 32 };")).toEqual({ rules: [], used: [1] });
    expect(check(file, "export const D = { model: 'ising2d' };\nconst E = { model: 'ising2d' };")).toEqual({
      rules: ['model id'],
      used: [2],
    });
    expect(check(file, "const fallback = 'ising2d';")).toEqual({ rules: ['model id'], used: [] });
    expect(check(file, "export const D = { model: 'ising3d' };")).toEqual({ rules: ['model id'], used: [] });
    expect(check('packages/cli/src/other.ts', "export const D = { model: 'ising2d' };")).toEqual({
      rules: ['model id'],
      used: [],
    });
    // An allowance of another rule lifts that rule only, in its file and context.
    const plugin = 'examples/tunable-majority/src/index.ts';
    expect(check(plugin, '  registry.studies.add(study);')).toEqual({ rules: [], used: [1] });
    expect(check(plugin, '  registry.models.add(model);')).toEqual({
      rules: ['model registration'],
      used: [],
    });
    expect(check(plugin, 'r.studies.add(study);')).toEqual({ rules: ['model registration'], used: [] });
    expect(check(file, '  registry.studies.add(study);')).toEqual({
      rules: ['model registration'],
      used: [],
    });
  });

  it('fails a package whose src holds model code (a package written to a temporary folder)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsrg-architecture-'));
    try {
      writeFileSync(
        join(dir, 'chain.ts'),
        [
          "import { type Model, couplingSet, type Plugin } from '@rsrg/core';",
          "import { nearestNeighbourCoupling } from '@rsrg/models';",
          "const even = couplingSet('chain.even', 'pairs', [nearestNeighbourCoupling(1)]);",
          "const chain: Model = { id: 'chain', criticalCoupling: 0.4406867935 } as never;",
          'export const plugin: Plugin = (registry) => {',
          '  registry.models.add(chain);',
          '  registry.couplingSets.add(even);',
          '};',
        ].join('\n'),
      );
      writeFileSync(
        join(dir, 'neutral.ts'),
        "export const id = (registry: Registry) => registry.models.get('x');\n",
      );
      const { files, violations } = modelCodeIn(dir);
      expect(files).toBe(2);
      expect(new Set(violations.map((v) => v.file.split('/').at(-1)))).toEqual(new Set(['chain.ts']));
      expect(violations.map((v) => `${v.line} ${v.rule}`)).toEqual([
        '2 model export name',
        '2 model import',
        '3 model definition',
        '3 model export name',
        '4 model definition',
        '4 critical coupling',
        '6 model registration',
        '7 model registration',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('model code lives in @rsrg/models only', () => {
  const others = workspace.filter((w) => w.manifest.name !== MODELS_PACKAGE);

  it('scans every other package, the built-in ones and the examples', () => {
    expect(others.map((w) => w.manifest.name)).toEqual(
      expect.arrayContaining([
        '@rsrg/core',
        '@rsrg/samplers',
        '@rsrg/projectors',
        '@rsrg/mcrg',
        '@rsrg/studies',
        '@rsrg/cli',
        '@rsrg/example-tunable-majority',
      ]),
    );
  });

  it.each(others.map((w) => [w.manifest.name, posix(relative(root, join(w.dir, 'src')))]))(
    '%s (%s): no model import, registration, definition, critical coupling or model id',
    (_, dir) => {
      const { files, violations, used } = modelCodeIn(join(root, dir));
      expect(files).toBeGreaterThan(0);
      expect(violations.map(format)).toEqual([]);
      for (const a of ALLOWANCES.filter((x) => x.file.startsWith(`${dir}/`))) {
        expect(used.get(a) ?? 0, `allowance '${a.literal}' in ${a.file} (${a.reason}) is not used`).toBe(
          a.max,
        );
      }
    },
  );

  it('@rsrg/models holds what the others may not: the scanner sees it there', () => {
    const models = workspace.find((w) => w.manifest.name === MODELS_PACKAGE);
    expect(models).toBeDefined();
    const rules = new Set(modelCodeIn(join(models!.dir, 'src')).violations.map((f) => f.rule));
    expect([...rules].sort()).toEqual(
      expect.arrayContaining(['critical coupling', 'model definition', 'model id', 'model registration']),
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('the cycle detector (controls)', () => {
  it('finds a deliberate cycle and prints it from its least node', () => {
    const graph = new Map([
      ['c', ['a', 'd']],
      ['a', ['b']],
      ['b', ['c']],
      ['d', []],
      ['e', ['a']],
    ]);
    expect(findCycles(graph).map(formatCycle)).toEqual(['a → b → c → a']);
  });

  it('finds a self-import and two cycles through one node', () => {
    expect(findCycles(new Map([['a', ['a']]])).map(formatCycle)).toEqual(['a → a']);
    const graph = new Map([
      ['a', ['b', 'c']],
      ['b', ['a']],
      ['c', ['a']],
    ]);
    expect(findCycles(graph).map(formatCycle)).toEqual(['a → b → a', 'a → c → a']);
  });

  it('passes an acyclic graph, diamonds and shared leaves included', () => {
    const graph = new Map([
      ['a', ['b', 'c']],
      ['b', ['d']],
      ['c', ['d', 'e']],
      ['d', ['e']],
      ['e', []],
    ]);
    expect(findCycles(graph)).toEqual([]);
    expect(findCycles(new Map())).toEqual([]);
  });

  it('reads the import graph of sources: re-exports, type-only and dynamic imports, index files', () => {
    const files = new Map([
      ['index.ts', "export * from './a.js';\nexport { b } from './b/index.js';\n"],
      [
        'a.ts',
        "import type { B } from './b';\nimport { readFileSync } from 'node:fs';\n// import './index.js';\n",
      ],
      ['b/index.ts', "export const b = 1;\nexport const later = () => import('../a.js');\n"],
      ['c.ts', "import { b } from './b/index.js';\nimport '../outside.js';\n"],
    ]);
    const graph = importGraph(files);
    expect(Object.fromEntries(graph)).toEqual({
      'index.ts': ['a.ts', 'b/index.ts'],
      'a.ts': ['b/index.ts'],
      'b/index.ts': ['a.ts'],
      'c.ts': ['b/index.ts'],
    });
    expect(findCycles(graph).map(formatCycle)).toEqual(['a.ts → b/index.ts → a.ts']);
    files.set('b/index.ts', 'export const b = 1;\n');
    expect(findCycles(importGraph(files))).toEqual([]);
  });
});

describe('no import cycles', () => {
  it.each(workspace.map((w) => [w.manifest.name, posix(relative(root, join(w.dir, 'src')))]))(
    '%s (%s): none among the relative imports of its modules',
    (_, dir) => {
      const files = srcTree(join(root, dir, '..'));
      expect(files.size).toBeGreaterThan(0);
      expect(findCycles(importGraph(files)).map(formatCycle)).toEqual([]);
    },
  );

  it('none among the workspace packages (dependencies of every kind)', () => {
    const names = new Set(workspace.map((w) => w.manifest.name));
    const graph = new Map(
      workspace.map((w) => [w.manifest.name, Object.keys(allRanges(w.manifest)).filter((d) => names.has(d))]),
    );
    expect(graph.get('@rsrg/cli')).toEqual(expect.arrayContaining(['@rsrg/core', MODELS_PACKAGE]));
    expect(findCycles(graph).map(formatCycle)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * What breaks the graph rule for package `name`: a workspace dependency it may not have, one
 * not taken from the workspace, or an import of a workspace package its manifest does not
 * declare (which would resolve only by accident, through hoisting or an alias).
 */
function dependencyViolations(
  name: string,
  manifest: Manifest,
  sources: readonly string[],
  allowed: readonly string[] | 'any',
): string[] {
  const ranges = allRanges(manifest);
  const deps = Object.keys(ranges).filter((d) => d.startsWith('@rsrg/'));
  const out: string[] = [];
  for (const d of deps) {
    if (allowed !== 'any' && !allowed.includes(d)) out.push(`${name} depends on ${d}`);
    if (!ranges[d].startsWith('workspace:'))
      out.push(`${name} takes ${d}@${ranges[d]}, not the workspace copy`);
  }
  const imported = new Set<string>();
  for (const source of sources) {
    for (const token of tokenize(source)) {
      const m = token.kind === 'string' ? /^(@rsrg\/[\w-]+)/.exec(token.text) : null;
      if (m && m[1] !== name) imported.add(m[1]);
    }
  }
  for (const d of imported)
    if (!deps.includes(d)) out.push(`${name} imports ${d}, which it does not declare`);
  return out;
}

describe('the package dependency graph', () => {
  it('lists every workspace package, and only those', () => {
    expect(workspace.map((w) => w.manifest.name).sort()).toEqual(Object.keys(ALLOWED_DEPENDENCIES).sort());
  });

  it('flags a forbidden, a non-workspace and an undeclared dependency (control)', () => {
    const manifest = {
      name: '@rsrg/mcrg',
      dependencies: { '@rsrg/core': '0.1.0', '@rsrg/projectors': 'workspace:*' },
    };
    const source = "import { runMcrg } from '@rsrg/mcrg';\nimport { plugin } from '@rsrg/samplers';";
    expect(dependencyViolations('@rsrg/mcrg', manifest, [source], ['@rsrg/core'])).toEqual([
      '@rsrg/mcrg takes @rsrg/core@0.1.0, not the workspace copy',
      '@rsrg/mcrg depends on @rsrg/projectors',
      '@rsrg/mcrg imports @rsrg/samplers, which it does not declare',
    ]);
    expect(dependencyViolations('@rsrg/cli', manifest, [], 'any')).toEqual([
      '@rsrg/cli takes @rsrg/core@0.1.0, not the workspace copy',
    ]);
  });

  it.each(Object.entries(ALLOWED_DEPENDENCIES))('%s depends only on %j', (name, allowed) => {
    const pkg = workspace.find((w) => w.manifest.name === name);
    expect(pkg, `${name} is not in the workspace`).toBeDefined();
    const sources = sourceFiles(join(pkg!.dir, 'src')).map((path) => readFileSync(path, 'utf8'));
    expect(sources.length).toBeGreaterThan(0);
    expect(dependencyViolations(name, pkg!.manifest, sources, allowed)).toEqual([]);
  });
});
