import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Registry, UsageError } from '@rsrg/core';

/**
 * Plugin packages every run loads before the user's `--plugin` modules. The models come first:
 * the order fixes only the order of `rsrg list` and of `registry.sources`.
 */
export const DEFAULT_PLUGINS: readonly string[] = [
  '@rsrg/models',
  '@rsrg/samplers',
  '@rsrg/projectors',
  '@rsrg/optimize',
];

/**
 * A registry with the default plugins and then `extra` loaded, each through an absolute file
 * URL so that worker threads re-import exactly the same modules (`registry.sources`).
 */
export async function loadRegistry(extra: readonly string[], cwd: string): Promise<Registry> {
  const registry = new Registry();
  for (const name of DEFAULT_PLUGINS) await registry.load(import.meta.resolve(name));
  for (const spec of extra) await registry.load(resolvePlugin(spec, cwd));
  return registry;
}

/**
 * The file URL of a `--plugin` argument: a path (relative to `cwd`) when it looks like one or
 * names an existing file, else a package found in a node_modules above `cwd` or, failing
 * that, next to the CLI itself.
 */
export function resolvePlugin(spec: string, cwd: string): string {
  if (spec.startsWith('file:')) return spec;
  const path = resolve(cwd, spec);
  if (spec.startsWith('.') || isAbsolute(spec) || existsSync(path)) {
    if (!existsSync(path)) throw new UsageError(`cannot load plugin '${spec}': no such file ${path}`);
    return pathToFileURL(path).href;
  }
  const found = resolvePackage(spec, cwd);
  if (found) return found;
  try {
    return import.meta.resolve(spec);
  } catch {
    throw new UsageError(`cannot load plugin '${spec}': no file or package of that name (from ${cwd})`);
  }
}

const ACTIVE_CONDITIONS = new Set(['import', 'node', 'default']);

type Exports = string | null | { readonly [key: string]: Exports } | readonly Exports[];

// import.meta.resolve takes no parent URL on node 20, so packages next to the user's working
// directory are found here: the nearest node_modules/<name>, then its "exports" or "main".
function resolvePackage(spec: string, cwd: string): string | undefined {
  const m = /^((?:@[^/]+\/)?[^/@][^/]*)(\/.*)?$/.exec(spec);
  if (!m) return undefined;
  const [, name, sub] = m;
  for (let dir = cwd; ; dir = dirname(dir)) {
    const root = join(dir, 'node_modules', name);
    const manifest = join(root, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: Exports; main?: string };
      const target =
        pkg.exports !== undefined
          ? exportTarget(pkg.exports, sub ? `.${sub}` : '.')
          : (sub?.slice(1) ?? pkg.main ?? 'index.js');
      if (target === undefined)
        throw new UsageError(`cannot load plugin '${spec}': package '${name}' does not export it`);
      return pathToFileURL(join(root, target)).href;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function exportTarget(exports: Exports, subpath: string): string | undefined {
  const isMap = typeof exports === 'object' && exports !== null && !Array.isArray(exports);
  const entry =
    isMap && Object.keys(exports).some((k) => k.startsWith('.'))
      ? (exports as Record<string, Exports>)[subpath]
      : subpath === '.'
        ? exports
        : undefined;
  return conditionTarget(entry);
}

function conditionTarget(entry: Exports | undefined): string | undefined {
  if (typeof entry === 'string') return entry;
  if (Array.isArray(entry)) {
    for (const e of entry) {
      const t = conditionTarget(e);
      if (t) return t;
    }
    return undefined;
  }
  if (entry && typeof entry === 'object') {
    // Conditions match in the package's own key order, as node does.
    for (const [condition, target] of Object.entries(entry as Record<string, Exports>)) {
      if (ACTIVE_CONDITIONS.has(condition)) return conditionTarget(target);
    }
  }
  return undefined;
}
