import type { Registry } from '@rsrg/core';
import type { CliIo } from './io.js';

/** What every command gets: the process's I/O and the registry built from the global options. */
export interface CommandContext {
  readonly io: CliIo;
  /** The registry with the default plugins and every `--plugin` loaded (built on first use). */
  registry(): Promise<Registry>;
  /** This package's version, recorded in JSON output. */
  readonly version: string;
}
