import { createHash } from 'node:crypto';
import { decode, encode } from '@msgpack/msgpack';
import { FileFormatError } from './errors/index.js';
import { Rng } from './rng.js';
import type { ChainState } from './sampler.js';
import {
  packConfigurationBits,
  packedBytes,
  packSpins,
  stateSpins,
  unpackConfigurationBits,
  unpackSpins,
} from './spins.js';

const MAGIC = 'rsrg';

/**
 * The file layout. A file is one msgpack map, `{ format: 'rsrg', kind, version, data, sha256 }`,
 * the keys in that order. `sha256` is the SHA-256 digest of the same map without it, i.e. of
 * the bytes a file without a checksum would hold: the header byte says four fields instead of
 * five, the rest is the file up to the checksum field. So the digest covers every byte before
 * it (format, kind, version and data), and it is checked on the raw bytes before anything is
 * decoded. Files written before checksums are that four-field map and still read, reported as
 * `checksum: 'absent'`.
 */
const FOUR_FIELDS = 0x84;
const FIVE_FIELDS = 0x85;
const DIGEST_BYTES = 32;
/** fixstr 'sha256', then the bin8 header of a 32-byte value. */
const TRAILER_HEAD = Uint8Array.of(0xa6, 0x73, 0x68, 0x61, 0x32, 0x35, 0x36, 0xc4, DIGEST_BYTES);
const TRAILER_BYTES = TRAILER_HEAD.length + DIGEST_BYTES;
/** Every rsrg file starts so (after its map header byte): fixstr 'format', fixstr 'rsrg'. */
const PREFIX = Uint8Array.of(0xa6, 0x66, 0x6f, 0x72, 0x6d, 0x61, 0x74, 0xa4, 0x72, 0x73, 0x72, 0x67);
const ENVELOPE_FIELDS = new Set(['format', 'kind', 'version', 'data', 'sha256']);

/** Whether a file carried a checksum that matched (`verified`), or none at all (`absent`, an older file). */
export type ChecksumStatus = 'verified' | 'absent';

/** A file's envelope, its checksum checked: what `readEnvelope` returns. */
export interface Envelope {
  /** What the file holds, e.g. 'ensemble', 'rbm-projector', 'chain-state'. */
  readonly kind: string;
  /** The format version the file was written with (a positive integer). */
  readonly version: number;
  /** Whether the file's SHA-256 checksum was verified, or the file has none. */
  readonly checksum: ChecksumStatus;
  /** The payload as msgpack decoded it (binary fields are views into the input bytes). */
  readonly data: unknown;
}

/** A decoded file with what was checked: `Codec.decodeFile`'s result. */
export interface Decoded<T> {
  /** The object the file holds, rebuilt by the codec. */
  readonly value: T;
  /** The format version the file was written with. */
  readonly version: number;
  /** 'absent' for a file written before checksums: it loads, but damage in it goes unnoticed. */
  readonly checksum: ChecksumStatus;
}

/**
 * A versioned msgpack format for one kind of persisted object. Files are an envelope
 * `{ format: 'rsrg', kind, version, data, sha256 }` (see `readEnvelope`); `decode` rejects
 * damaged, truncated and foreign bytes, other kinds and unknown versions with a FileFormatError
 * whose message says which.
 */
export interface Codec<T> {
  /** The envelope's `kind`: which object a file of this format holds. */
  readonly kind: string;
  /** The version this build writes; `decode` also reads the older ones it lists. */
  readonly version: number;
  /** The whole file for `value`: the envelope with its payload and a SHA-256 checksum. */
  encode(value: T): Uint8Array;
  /** The value in `bytes`; `source` (a path) names the file in error messages. */
  decode(bytes: Uint8Array, source?: string): T;
  /**
   * `decode`, also saying whether the file's checksum was verified or the file has none
   * (written by an earlier version): a caller may warn about the latter.
   *
   * @example
   * const { value, checksum } = ensembleCodec.decodeFile(readFileSync(path), path);
   * if (checksum === 'absent') warn(`${path} has no checksum (an older file): damage would go unnoticed`);
   */
  decodeFile(bytes: Uint8Array, source?: string): Decoded<T>;
}

function startsWith(bytes: Uint8Array, at: number, pattern: Uint8Array, length = pattern.length): boolean {
  if (bytes.length < at + length) return false;
  for (let i = 0; i < length; i++) if (bytes[at + i] !== pattern[i]) return false;
  return true;
}

/** Whether the bytes end in a checksum field after a five-field map header. */
function hasTrailer(bytes: Uint8Array): boolean {
  const n = bytes.length;
  return (
    n > PREFIX.length + TRAILER_BYTES &&
    bytes[0] === FIVE_FIELDS &&
    startsWith(bytes, n - TRAILER_BYTES, TRAILER_HEAD)
  );
}

/**
 * Whether the bytes are (part of) an rsrg file: the envelope's first bytes, possibly cut short,
 * or a whole prefix after a damaged first byte, or a checksum field at the end.
 */
function looksLikeRsrg(bytes: Uint8Array): boolean {
  const n = bytes.length;
  const header = bytes[0] === FOUR_FIELDS || bytes[0] === FIVE_FIELDS;
  if (header && startsWith(bytes, 1, PREFIX, Math.min(n - 1, PREFIX.length))) return true;
  if (startsWith(bytes, 1, PREFIX)) return true;
  return n > TRAILER_BYTES && startsWith(bytes, n - TRAILER_BYTES, TRAILER_HEAD);
}

function digestOf(bytes: Uint8Array): Uint8Array {
  // The four-field map: header byte 0x84, then everything up to the checksum field.
  return createHash('sha256')
    .update(Uint8Array.of(FOUR_FIELDS))
    .update(bytes.subarray(1, bytes.length - TRAILER_BYTES))
    .digest();
}

/** The damage message for bytes msgpack cannot decode. */
function undecodable(bytes: Uint8Array, source: string, err: unknown): FileFormatError {
  const message = err instanceof Error ? err.message : String(err);
  if (!looksLikeRsrg(bytes)) {
    return new FileFormatError(`${source} is not a readable rsrg file (corrupt or not msgpack: ${message})`);
  }
  // Reading past the end: the decoder's "Insufficient data", or a DataView read out of bounds.
  if (err instanceof RangeError && !message.startsWith('Extra ')) {
    return new FileFormatError(
      `${source} is truncated (its data ends early, after ${bytes.length} bytes): the file is incomplete or damaged`,
    );
  }
  return new FileFormatError(`${source} is damaged (corrupt msgpack: ${message})`);
}

/**
 * Whether `bytes` start like an rsrg file (any kind, any version, damaged or not), so that a
 * reader of another format (a raw weight.dat, say) can refuse it by name instead of reading its
 * bytes as numbers.
 */
export function isRsrgFile(bytes: Uint8Array): boolean {
  if (bytes.length < PREFIX.length + 1) return false;
  if (bytes[0] !== FIVE_FIELDS && bytes[0] !== FIVE_FIELDS - 1) return false;
  return PREFIX.every((b, k) => bytes[k + 1] === b);
}

/**
 * The envelope of any rsrg file, its checksum verified when it has one, the fields' types
 * checked: what every codec's `decode` starts with, and a way to tell a file's kind without
 * knowing it. Throws a FileFormatError naming what is wrong: empty, truncated, a checksum
 * mismatch (damaged), not msgpack or not an rsrg file, or an envelope field of the wrong type.
 *
 * @example
 * const { kind } = readEnvelope(readFileSync(path), path); // 'ensemble', 'rbm-projector', …
 */
export function readEnvelope(bytes: Uint8Array, source = 'input'): Envelope {
  // A plain view of a Buffer (readFileSync's): binary fields then decode as plain Uint8Arrays,
  // whose slice() copies, where Buffer's slice() would alias the file's bytes.
  if (bytes.constructor !== Uint8Array)
    bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length === 0) throw new FileFormatError(`${source} is empty (0 bytes): not an rsrg file`);
  let checksum: ChecksumStatus = 'absent';
  if (hasTrailer(bytes)) {
    const stored = bytes.subarray(bytes.length - DIGEST_BYTES);
    const actual = digestOf(bytes);
    if (!actual.every((b, i) => b === stored[i])) {
      throw new FileFormatError(`${source}: checksum mismatch: the file is damaged`);
    }
    checksum = 'verified';
  }
  let env: unknown;
  try {
    env = decode(bytes);
  } catch (err) {
    throw undecodable(bytes, source, err);
  }
  if (typeof env !== 'object' || env === null || Array.isArray(env) || ArrayBuffer.isView(env)) {
    throw new FileFormatError(`${source} is not an rsrg file (msgpack, but not an rsrg envelope)`);
  }
  const e = env as Record<string, unknown>;
  if (e.format !== MAGIC) {
    throw new FileFormatError(`${source} is not an rsrg file (msgpack, but not an rsrg envelope)`);
  }
  const damaged = (what: string) => new FileFormatError(`${source} is damaged (${what})`);
  const unknown = Object.keys(e).find((k) => !ENVELOPE_FIELDS.has(k));
  if (unknown !== undefined) throw damaged(`unknown envelope field '${unknown.slice(0, 40)}'`);
  // A checksum field that is not where it belongs, or not 32 bytes: the trailer check missed it.
  if ('sha256' in e && checksum !== 'verified') throw damaged('the checksum field is malformed');
  if (typeof e.kind !== 'string' || e.kind === '') throw damaged("envelope field 'kind' is not a name");
  if (typeof e.version !== 'number' || !Number.isInteger(e.version) || e.version < 1) {
    throw damaged(`envelope field 'version' is ${JSON.stringify(e.version)}, not a positive integer`);
  }
  if (!('data' in e)) throw damaged('no data');
  return { kind: e.kind, version: e.version, checksum, data: e.data };
}

/** The bytes of an envelope: the four-field map, then its SHA-256 as a fifth field. */
function writeEnvelope(kind: string, version: number, data: unknown): Uint8Array {
  const body = encode({ format: MAGIC, kind, version, data });
  if (body[0] !== FOUR_FIELDS) throw new Error('internal: the envelope is not a four-field fixmap');
  const out = new Uint8Array(body.length + TRAILER_BYTES);
  out.set(body);
  out[0] = FIVE_FIELDS;
  out.set(TRAILER_HEAD, body.length);
  out.set(createHash('sha256').update(body).digest(), body.length + TRAILER_HEAD.length);
  return out;
}

const an = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/**
 * A codec for one kind of file. `toData` gives the msgpack payload, `fromData` checks and
 * rebuilds it (throwing any Error on a malformed payload; it becomes a FileFormatError naming
 * the file). Encoded files carry a SHA-256 checksum; files without one (earlier versions)
 * still decode.
 *
 * @example
 * const pointCodec = defineCodec<{ x: number }>({
 *   kind: 'point',
 *   version: 1,
 *   toData: (p) => ({ x: p.x }),
 *   fromData: (d) => ({ x: (d as { x: number }).x }),
 * });
 * pointCodec.decode(pointCodec.encode({ x: 1 }), 'p.rsrg'); // { x: 1 }
 */
export function defineCodec<T>(spec: {
  kind: string;
  version: number;
  /** Older versions this build still reads. */
  reads?: readonly number[];
  toData(value: T): unknown;
  fromData(data: unknown, version: number): T;
}): Codec<T> {
  const readable = new Set([spec.version, ...(spec.reads ?? [])]);
  const newest = Math.max(...readable);
  const decodeFile = (bytes: Uint8Array, source = 'input'): Decoded<T> => {
    const env = readEnvelope(bytes, source);
    if (env.kind !== spec.kind) {
      throw new FileFormatError(
        `${source} holds ${an(env.kind)} ${env.kind}, expected ${an(spec.kind)} ${spec.kind} (${an(env.kind)} ${env.kind} file, not ${an(spec.kind)} ${spec.kind} file)`,
      );
    }
    if (!readable.has(env.version)) {
      const why =
        env.version > newest ? 'written by a newer rsrg: upgrade to read it' : 'an old format no longer read';
      throw new FileFormatError(
        `${source} is ${spec.kind} format version ${env.version}; this build reads ${[...readable].join(', ')} (${why})`,
      );
    }
    try {
      return { value: spec.fromData(env.data, env.version), version: env.version, checksum: env.checksum };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof FileFormatError) {
        throw message.startsWith(source) ? err : new FileFormatError(`${source}: ${message}`);
      }
      throw new FileFormatError(`${source}: malformed ${spec.kind} (${message})`);
    }
  };
  return {
    kind: spec.kind,
    version: spec.version,
    encode: (value) => writeEnvelope(spec.kind, spec.version, spec.toData(value)),
    decode: (bytes, source) => decodeFile(bytes, source).value,
    decodeFile,
  };
}

/**
 * Checkpoint of one Markov chain: bit-packed spins, RNG state and move counter. Ising (±1)
 * spins take one bit each, in the layout of the first files; any other configuration is
 * stored as states with ⌈log₂ q⌉ bits each, q one more than its largest state (`states`).
 */
export const chainStateCodec = defineCodec<ChainState>({
  kind: 'chain-state',
  version: 1,
  toData: (s) => {
    let ising = true;
    let top = 0;
    for (let i = 0; i < s.spins.length; i++) {
      const v = s.spins[i];
      if (v !== 1 && v !== -1) ising = false;
      if ((v & 0xff) > top) top = v & 0xff;
    }
    const base = { volume: s.spins.length, rng: Array.from(s.rng.s), moves: s.moves };
    if (ising) return { ...base, spins: packSpins(s.spins) };
    const states = Math.max(2, top + 1);
    return { ...base, states, spins: packConfigurationBits(s.spins, stateSpins(states)) };
  },
  fromData: (d) => {
    if (typeof d !== 'object' || d === null || Array.isArray(d)) throw new Error('data is not a map');
    const o = d as Record<string, unknown>;
    const volume = o.volume;
    if (typeof volume !== 'number' || !Number.isInteger(volume) || volume < 1)
      throw new Error(`field 'volume' is ${JSON.stringify(volume)}, not a positive integer`);
    const states = o.states;
    if (
      states !== undefined &&
      (typeof states !== 'number' || !Number.isInteger(states) || states < 2 || states > 256)
    )
      throw new Error(`field 'states' is ${JSON.stringify(states)}, not an integer in [2, 256]`);
    const encoding = states === undefined ? undefined : stateSpins(states);
    const bytes = encoding === undefined ? (volume + 7) >> 3 : packedBytes(volume, encoding);
    if (!(o.spins instanceof Uint8Array) || o.spins.length !== bytes)
      throw new Error(`field 'spins' does not hold ${volume} packed spins`);
    const rng = o.rng;
    if (
      !Array.isArray(rng) ||
      rng.length !== 4 ||
      !rng.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)
    )
      throw new Error("field 'rng' is not 4 unsigned 32-bit words");
    if (typeof o.moves !== 'number' || !Number.isInteger(o.moves) || o.moves < 0)
      throw new Error("field 'moves' is not a non-negative integer");
    const spins =
      encoding === undefined
        ? unpackSpins(o.spins, volume)
        : unpackConfigurationBits(o.spins, volume, encoding);
    return { spins, rng: new Rng(rng as number[]), moves: o.moves };
  },
});
