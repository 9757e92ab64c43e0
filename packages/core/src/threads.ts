import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { RsrgError } from './errors/index.js';

/**
 * Worker threads used when a command is not told how many: the cores node may use. Every
 * package asks here, so the default is one decision.
 */
export function defaultWorkerCount(): number {
  return availableParallelism();
}

/**
 * The path of a package's built worker entry `dist/<name>.js`. `moduleUrl` is the caller's
 * `import.meta.url` and `fromSource` the path from its TypeScript source to the package's
 * `dist/` (e.g. `'../../dist/'`): under vitest the caller runs from `src/`, while worker
 * threads always load built JavaScript. Throws when the build is missing.
 *
 * @example
 * new Worker(builtWorkerFile(import.meta.url, 'worker', '../dist/'), { workerData })
 */
export function builtWorkerFile(moduleUrl: string, name: string, fromSource: string): string {
  const inSource = moduleUrl.endsWith('.ts');
  const file = fileURLToPath(new URL(`${inSource ? fromSource : './'}${name}.js`, moduleUrl));
  if (!existsSync(file)) {
    throw new RsrgError(`worker threads need the built package (${file} is missing): run the build first`);
  }
  return file;
}
