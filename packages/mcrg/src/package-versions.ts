import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface PackageJson {
  name?: string;
  version?: string;
}

function readPackage(file: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** The nearest package.json with a name above a file, and its directory. */
function owningPackage(file: string): { dir: string; pkg: PackageJson } | undefined {
  let dir = dirname(file);
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = readPackage(candidate);
      if (pkg?.name) return { dir, pkg };
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** `name` as Node would find it from `dir`: node_modules/name/package.json in dir or above. */
function dependencyPackage(dir: string, name: string): PackageJson | undefined {
  for (;;) {
    const pkg = readPackage(join(dir, 'node_modules', name, 'package.json'));
    if (pkg) return pkg;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * Versions of the packages behind a run: @rsrg/mcrg, the @rsrg/core it uses, and the
 * package of every plugin module in `sources` (file URLs, as `Registry.sources` holds them).
 */
export function packageVersions(sources: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (pkg: PackageJson | undefined) => {
    if (pkg?.name && pkg.version) out[pkg.name] = pkg.version;
  };
  const self = owningPackage(fileURLToPath(import.meta.url));
  add(self?.pkg);
  if (self) add(dependencyPackage(self.dir, '@rsrg/core'));
  for (const url of sources) if (url.startsWith('file:')) add(owningPackage(fileURLToPath(url))?.pkg);
  return out;
}
