import { decode, encode } from '@msgpack/msgpack';
import { FileFormatError } from './errors/index.js';
import { Rng } from './rng.js';
import type { ChainState } from './sampler.js';
import { packSpins, unpackSpins } from './spins.js';

const MAGIC = 'rsrg';

/**
 * A versioned msgpack format for one kind of persisted object. Files are an envelope
 * `{ format: 'rsrg', kind, version, data }`; `decode` rejects other kinds, unknown versions
 * and corrupt bytes with a FileFormatError whose message says which.
 */
export interface Codec<T> {
  readonly kind: string;
  readonly version: number;
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array, source?: string): T;
}

export function defineCodec<T>(spec: {
  kind: string;
  version: number;
  /** Older versions this build still reads. */
  reads?: readonly number[];
  toData(value: T): unknown;
  fromData(data: unknown, version: number): T;
}): Codec<T> {
  const readable = new Set([spec.version, ...(spec.reads ?? [])]);
  return {
    kind: spec.kind,
    version: spec.version,
    encode(value) {
      return encode({ format: MAGIC, kind: spec.kind, version: spec.version, data: spec.toData(value) });
    },
    decode(bytes, source = 'input') {
      let env: unknown;
      try {
        env = decode(bytes);
      } catch {
        throw new FileFormatError(`${source} is not a readable rsrg file (corrupt or not msgpack)`);
      }
      if (typeof env !== 'object' || env === null || (env as { format?: unknown }).format !== MAGIC) {
        throw new FileFormatError(`${source} is not an rsrg file`);
      }
      const e = env as { kind?: unknown; version?: unknown; data?: unknown };
      if (e.kind !== spec.kind)
        throw new FileFormatError(`${source} holds a ${String(e.kind)}, expected a ${spec.kind}`);
      if (typeof e.version !== 'number' || !readable.has(e.version)) {
        throw new FileFormatError(
          `${source} is ${spec.kind} format version ${String(e.version)}; this build reads ${[...readable].join(', ')}`,
        );
      }
      try {
        return spec.fromData(e.data, e.version);
      } catch (err) {
        if (err instanceof FileFormatError) throw err;
        throw new FileFormatError(`${source}: malformed ${spec.kind} (${(err as Error).message})`);
      }
    },
  };
}

/** Checkpoint of one Markov chain: bit-packed spins, RNG state and move counter. */
export const chainStateCodec = defineCodec<ChainState>({
  kind: 'chain-state',
  version: 1,
  toData: (s) => ({
    volume: s.spins.length,
    spins: packSpins(s.spins),
    rng: Array.from(s.rng.s),
    moves: s.moves,
  }),
  fromData: (d) => {
    const o = d as { volume: number; spins: Uint8Array; rng: number[]; moves: number };
    if (!(o.spins instanceof Uint8Array) || !Array.isArray(o.rng) || o.rng.length !== 4)
      throw new Error('bad fields');
    return { spins: unpackSpins(o.spins, o.volume), rng: new Rng(o.rng), moves: o.moves };
  },
});
