// Registry.load awaits asynchronous plugins, and tells a plugin that is not there (a usage
// error, exit code 2) from one that fails while importing or registering (exit code 1).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Registry, RsrgError, UsageError } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'rsrg-registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A plugin module with `source` as its text; returns its path. */
function pluginFile(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

const sampler = `{ id: 'late', description: 'registered after an await', unit: 'move', supports: () => undefined, create() { throw new Error('unused'); } }`;

async function failure(load: Promise<unknown>): Promise<RsrgError> {
  try {
    await load;
  } catch (err) {
    expect(RsrgError.isInstance(err)).toBe(true);
    return err as RsrgError;
  }
  throw new Error('expected the load to fail');
}

describe('Registry.load', () => {
  it('awaits an asynchronous plugin before it returns', async () => {
    const path = pluginFile(
      'async-ok.mjs',
      `export default async function (registry) { await new Promise((r) => setTimeout(r, 20)); registry.samplers.add(${sampler}); }`,
    );
    const registry = await new Registry().load(path);
    expect(registry.samplers.has('late')).toBe(true);
    expect(registry.sources).toEqual([pathToFileURL(path).href]);
  });

  it('an asynchronous plugin that rejects fails the load with exit code 1, naming the module', async () => {
    const path = pluginFile(
      'async-throws.mjs',
      `export async function plugin() { await null; throw new Error('async registration exploded'); }`,
    );
    const err = await failure(new Registry().load(path));
    expect(err.exitCode).toBe(1);
    expect(err).not.toBeInstanceOf(UsageError);
    expect(err.message).toBe(`plugin '${path}' failed while registering: async registration exploded`);
  });

  it('a plugin that throws while registering exits 1, and is not recorded as loaded', async () => {
    const path = pluginFile('sync-throws.mjs', `export default () => { throw new Error('sync exploded'); };`);
    const registry = new Registry();
    const err = await failure(registry.load(path));
    expect(err.exitCode).toBe(1);
    expect(err.message).toMatch(/sync-throws\.mjs' failed while registering: sync exploded$/);
    expect(registry.sources).toEqual([]);
  });

  it('a module that throws while it is imported exits 1, naming the module', async () => {
    const path = pluginFile(
      'import-throws.mjs',
      `throw new Error('import exploded');\nexport default () => {};`,
    );
    const err = await failure(new Registry().load(path));
    expect(err.exitCode).toBe(1);
    expect(err.message).toBe(`plugin '${path}' failed while loading: import exploded`);
  });

  it('a module whose own import is missing is the plugin failing (1), a missing module a usage error (2)', async () => {
    const path = pluginFile('bad-import.mjs', `import 'no-such-package-for-rsrg';\nexport default () => {};`);
    const broken = await failure(new Registry().load(path));
    expect(broken.exitCode).toBe(1);
    expect(broken.message).toMatch(/bad-import\.mjs' failed while loading: .*no-such-package-for-rsrg/);
    const missing = await failure(new Registry().load(join(dir, 'not-there.mjs')));
    expect(missing).toBeInstanceOf(UsageError);
    expect(missing.message).toMatch(/cannot load plugin '.*not-there\.mjs'/);
  });

  it('a module without a plugin function is a usage error', async () => {
    const path = pluginFile('no-plugin.mjs', 'export const x = 1;');
    const err = await failure(new Registry().load(path));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(`plugin '${path}' exports neither a 'plugin' nor a default function`);
  });

  it('use() refuses an asynchronous plugin instead of losing its failure', () => {
    const registry = new Registry();
    expect(() => registry.use(async () => {})).toThrow(/use\(\) takes a synchronous plugin/);
    expect(() => registry.use(() => {})).not.toThrow();
  });
});
