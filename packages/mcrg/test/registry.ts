import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Registry } from '@rsrg/core';
import { plugin as modelsPlugin } from '@rsrg/models';
import { plugin as projectorsPlugin } from '@rsrg/projectors';
import { plugin as samplersPlugin } from '@rsrg/samplers';

const packages = fileURLToPath(new URL('../../', import.meta.url));

/** The built-in models, samplers and projectors, from their TypeScript sources (this thread only). */
export function sourceRegistry(): Registry {
  return new Registry().use(modelsPlugin).use(samplersPlugin).use(projectorsPlugin);
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds a package unless its dist exists (and, with `fresh`, is newer than its sources). */
function ensureBuilt(pkg: string, fresh: boolean): void {
  const dist = join(packages, pkg, 'dist', 'index.js');
  const stale =
    !existsSync(dist) || (fresh && statSync(dist).mtimeMs < newestSource(join(packages, pkg, 'src')));
  if (stale) execFileSync('pnpm', ['--filter', `@rsrg/${pkg}`, 'build'], { stdio: 'ignore' });
}

/**
 * The same plugins loaded from their built dist modules, so worker threads can rebuild the
 * registry from `registry.sources` and run the same code. Builds what is missing; rebuilds
 * @rsrg/mcrg when its sources changed, because the workers run dist/worker.js.
 */
export async function builtRegistry(): Promise<Registry> {
  for (const pkg of ['core', 'models', 'samplers', 'projectors']) ensureBuilt(pkg, false);
  ensureBuilt('mcrg', true);
  const registry = new Registry();
  await registry.load(pathToFileURL(join(packages, 'models', 'dist', 'index.js')).href);
  await registry.load(pathToFileURL(join(packages, 'samplers', 'dist', 'index.js')).href);
  await registry.load(pathToFileURL(join(packages, 'projectors', 'dist', 'index.js')).href);
  return registry;
}
