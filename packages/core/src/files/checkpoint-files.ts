/**
 * Numbered checkpoint files of one run in one directory: written atomically, checksummed (a
 * codec's envelope), the newest and the previous good one kept, read back newest first.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Codec } from '../codec.js';
import { writeFileAtomic } from './atomic-write.js';
import { readCodecFile } from './read-checked.js';
import { describeSystemError } from './system-error.js';

/** A checkpoint file: `<stem>.<sequence>.ckpt`. */
export interface CheckpointFile {
  /** Its path. */
  readonly path: string;
  /** Its sequence number: later checkpoints have larger ones. */
  readonly sequence: number;
  /** When it was last modified (ms since the epoch). */
  readonly mtimeMs: number;
}

/** Where a run keeps and finds its checkpoints. */
export interface CheckpointStore<T> {
  /** Stores a checkpoint; a failure throws (the previous checkpoints stay as they were). */
  write(checkpoint: T): void | Promise<void>;
  /** The newest good checkpoint, or undefined when there is none (start from the beginning). */
  load(): T | undefined | Promise<T | undefined>;
}

/** Options of `checkpointFileStore`. */
export interface CheckpointFileStoreOptions {
  /** Told about damaged checkpoints skipped, in one line each. */
  readonly onWarning?: (message: string) => void;
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The checkpoint files `<stem>.<sequence>.ckpt` in `dir`, newest first. */
export function checkpointFileList(dir: string, stem: string): CheckpointFile[] {
  if (!existsSync(dir)) return [];
  const pattern = new RegExp(`^${literal(stem)}\\.(\\d+)\\.ckpt$`);
  const out: CheckpointFile[] = [];
  for (const name of readdirSync(dir)) {
    const m = pattern.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    let mtimeMs = 0;
    try {
      mtimeMs = statSync(path).mtimeMs;
    } catch {
      continue; // removed meanwhile
    }
    out.push({ path, sequence: Number(m[1]), mtimeMs });
  }
  return out.sort((a, b) => b.sequence - a.sequence);
}

/**
 * The checkpoints `<dir>/<stem>.<sequence>.ckpt`, each one file of `codec` (a checksummed
 * msgpack envelope). `write` writes the next sequence number atomically (temp file, fsync,
 * rename, directory fsync) and then removes every older file of the stem except the previous
 * good one, so the newest and the previous are kept. `load` removes temp files left by a writer
 * killed mid-write, then reads the checkpoints newest first and takes the first whose checksum
 * and contents check out: a damaged newest checkpoint is reported through `onWarning` and the
 * previous one used; with none left it returns undefined (start over), and nothing good was
 * removed.
 *
 * @example
 * const store = checkpointFileStore('run/checkpoints', 'training', trainingCheckpointCodec);
 * const resumeFrom = store.load();
 * store.write(next);
 */
export function checkpointFileStore<T>(
  dir: string,
  stem: string,
  codec: Codec<T>,
  options: CheckpointFileStoreOptions = {},
): {
  /** The newest good checkpoint (synchronous here). */
  load(): T | undefined;
  /** Stores a checkpoint (synchronously). */
  write(checkpoint: T): void;
  /** The store's files, newest first. */
  files(): CheckpointFile[];
} {
  let next: number | undefined;
  let previous: number | undefined; // the newest checkpoint known good
  const scan = () => {
    const files = checkpointFileList(dir, stem);
    next = Math.max(0, ...files.map((f) => f.sequence)) + 1;
    return files;
  };
  const removeStaleTemps = () => {
    // A writer killed mid-write leaves its temp file `.<name>.<pid>.<random>.tmp` behind.
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      if (name.startsWith(`.${stem}.`) && name.endsWith('.tmp')) {
        try {
          unlinkSync(join(dir, name));
        } catch {
          // gone already
        }
      }
    }
  };
  return {
    files: () => checkpointFileList(dir, stem),
    load() {
      removeStaleTemps();
      for (const f of scan()) {
        try {
          const checkpoint = codec.decode(readFileSync(f.path), f.path);
          previous = f.sequence;
          return checkpoint;
        } catch (err) {
          options.onWarning?.(`${(err as Error).message}; trying the previous checkpoint`);
        }
      }
      return undefined;
    },
    write(checkpoint) {
      mkdirSync(dir, { recursive: true });
      if (next === undefined) scan();
      const sequence = next!;
      const path = join(dir, `${stem}.${String(sequence).padStart(6, '0')}.ckpt`);
      writeFileAtomic(path, codec.encode(checkpoint), { label: `checkpoint ${path}` });
      next = sequence + 1;
      for (const f of checkpointFileList(dir, stem)) {
        if (f.sequence === sequence || f.sequence === previous) continue;
        try {
          unlinkSync(f.path);
        } catch (err) {
          options.onWarning?.(`cannot remove the old checkpoint ${f.path}: ${describeSystemError(err)}`);
        }
      }
      previous = sequence;
    },
  };
}

/**
 * A stage of a resumable run whose result is one file: read back (its checksum checked) when
 * `path` is there, else computed and written atomically. So a resumed run keeps every finished
 * stage, and a stage killed half-way is done again.
 *
 * @example
 * const data = await storedStage('run/training-data.rsrg', ensembleCodec, () => sampleEnsemble(registry, config));
 */
export async function storedStage<T>(path: string, codec: Codec<T>, compute: () => Promise<T>): Promise<T> {
  if (existsSync(path)) return readCodecFile(path, codec).value;
  const value = await compute();
  writeFileAtomic(path, codec.encode(value), { label: path });
  return value;
}
