import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CouplingSet } from './couplings.js';
import { RsrgError, UnknownIdError, UsageError } from './errors/index.js';
import type { Model } from './model.js';
import type { ProjectorFactory } from './projector.js';
import type { Sampler } from './sampler.js';
import type { Study } from './study.js';
import type { ProjectorTrainer } from './trainer.js';

/**
 * A plugin registers things (unified style); a preset is a plugin that calls others. It may
 * be asynchronous (read a file, compile WebAssembly): `Registry.load` awaits it.
 */
export type Plugin = (registry: Registry) => void | Promise<void>;

type Kind = 'model' | 'sampler' | 'projector' | 'coupling set' | 'study' | 'trainer';

class Table<T extends { id: string }> {
  private readonly items = new Map<string, T>();
  constructor(private readonly kind: Kind) {}
  add(item: T): void {
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(item.id))
      throw new UsageError(`invalid ${this.kind} id '${item.id}'`);
    if (this.items.has(item.id)) throw new UsageError(`${this.kind} '${item.id}' is already registered`);
    this.items.set(item.id, item);
  }
  get(id: string): T {
    const item = this.items.get(id);
    if (!item) throw new UnknownIdError(this.kind, id, [...this.items.keys()]);
    return item;
  }
  has(id: string): boolean {
    return this.items.has(id);
  }
  list(): T[] {
    return [...this.items.values()];
  }
}

/**
 * Models, samplers, projectors, coupling sets, studies and trainers by id. The CLI and the analyzer resolve
 * every id here, so a plugin adds a model or projector without editing any other package.
 * `sources` records the modules loaded, so a worker thread can rebuild the same registry.
 *
 * @example
 * // Loaded by URL (not `use`), so that worker threads can rebuild it from `sources`.
 * const registry = new Registry();
 * for (const p of ['@rsrg/models', '@rsrg/samplers', '@rsrg/projectors']) await registry.load(import.meta.resolve(p));
 * const model = registry.models.get('ising2d'); // an unknown id throws, listing the known ones
 * const ids = registry.projectors.list().map((p) => p.id); // e.g. ['majority', 'decimation', …]
 */
export class Registry {
  /** Spin models (Hamiltonian and lattice), e.g. 'ising2d'. */
  readonly models = new Table<Model>('model');
  /** Monte Carlo samplers, e.g. 'metropolis', 'wolff', 'swendsen-wang'. */
  readonly samplers = new Table<Sampler>('sampler');
  /** Projector factories: each makes the block-spin map of one RG step, e.g. 'majority'. */
  readonly projectors = new Table<ProjectorFactory>('projector');
  /** Coupling sets: the even and odd interactions MCRG measures on every level. */
  readonly couplingSets = new Table<CouplingSet>('coupling set');
  /** Studies: reproductions of a published result, run by `rsrg reproduce`. */
  readonly studies = new Table<Study>('study');
  /** Trainable projectors: each learns the parameters of the projector named by its `projector`. */
  readonly trainers = new Table<ProjectorTrainer>('trainer');
  private readonly loaded: string[] = [];

  /** The plugin modules `load` applied, as URLs, in order: what `fromSources` replays in a worker. */
  get sources(): readonly string[] {
    return this.loaded;
  }

  /**
   * Applies a synchronous plugin. An asynchronous one (returning a promise) is refused: its
   * failure could not be reported here; load its module with `load`, which awaits it.
   */
  use(plugin: Plugin): this {
    const result = plugin(this);
    if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
      (result as Promise<void>).catch(() => {}); // reported below, not as an unhandled rejection
      throw new UsageError('use() takes a synchronous plugin: load an asynchronous one with load()');
    }
    return this;
  }

  /**
   * Imports a plugin module by package name, file URL or path and applies its `default` or
   * `plugin` export, awaiting it when it is asynchronous. Bare names resolve from `parentUrl`
   * (default: this module). A module that does not exist, or exports no plugin function, is a
   * UsageError (exit code 2); a module that throws while it is imported, or a plugin that
   * throws or rejects while registering, is an RsrgError (exit code 1). Every message names
   * the module.
   */
  async load(specifier: string, parentUrl?: string): Promise<this> {
    const url = resolveModule(specifier, parentUrl);
    if (this.loaded.includes(url)) return this;
    const name = displayName(specifier);
    let mod: { default?: unknown; plugin?: unknown };
    try {
      mod = await import(url);
    } catch (err) {
      throw withCause(
        missingModule(url, err)
          ? new UsageError(`cannot load plugin '${name}': ${firstLine(err)}`)
          : new RsrgError(`plugin '${name}' failed while loading: ${firstLine(err)}`),
        err,
      );
    }
    const plugin = typeof mod.plugin === 'function' ? mod.plugin : mod.default;
    if (typeof plugin !== 'function') {
      throw new UsageError(`plugin '${name}' exports neither a 'plugin' nor a default function`);
    }
    try {
      await (plugin as Plugin)(this);
    } catch (err) {
      throw withCause(new RsrgError(`plugin '${name}' failed while registering: ${firstLine(err)}`), err);
    }
    this.loaded.push(url);
    return this;
  }

  /** A fresh registry with the same plugin modules loaded, in order (used inside workers). */
  static async fromSources(sources: readonly string[]): Promise<Registry> {
    const r = new Registry();
    for (const s of sources) await r.load(s);
    return r;
  }
}

/** A module for messages: a file URL as its path, anything else as given. */
function displayName(specifier: string): string {
  if (!specifier.startsWith('file:')) return specifier;
  try {
    return fileURLToPath(specifier);
  } catch {
    return specifier;
  }
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message || err.name : String(err);
  return message.split('\n')[0];
}

function withCause<E extends Error>(error: E, cause: unknown): E {
  Object.defineProperty(error, 'cause', {
    value: cause,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return error;
}

/** Whether an import failed because the module itself is not there (not one it imports). */
function missingModule(url: string, err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_UNSUPPORTED_DIR_IMPORT') return false;
  if (!url.startsWith('file:')) return true;
  try {
    return !existsSync(fileURLToPath(url));
  } catch {
    return true;
  }
}

function resolveModule(specifier: string, parentUrl?: string): string {
  if (specifier.startsWith('file:')) return specifier;
  if (specifier.startsWith('.') || isAbsolute(specifier)) return pathToFileURL(resolve(specifier)).href;
  try {
    return parentUrl ? import.meta.resolve(specifier, parentUrl) : import.meta.resolve(specifier);
  } catch (err) {
    throw new UsageError(`cannot resolve plugin '${specifier}': ${(err as Error).message.split('\n')[0]}`);
  }
}
