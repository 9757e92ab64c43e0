import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decode, encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import {
  chainStateCodec,
  defineCodec,
  FileFormatError,
  Rng,
  type RsrgError,
  readEnvelope,
  UsageError,
} from '../src/index.js';

/** A codec whose payload is anything msgpack holds, for envelopes of every shape. */
const raw = (kind: string, version = 1, reads: number[] = []) =>
  defineCodec<unknown>({ kind, version, reads, toData: (x) => x, fromData: (x) => x });

/** A file as versions before checksums wrote it: the bare four-field envelope. */
const oldFile = (kind: string, version: number, data: unknown) =>
  encode({ format: 'rsrg', kind, version, data });

const payload = {
  name: 'payload',
  sizes: [4, 4],
  coupling: 0.44068679350977147,
  bytes: Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 255),
  nested: { a: [1, 2, 3], b: null, c: true },
};

/** The error `f` throws (it must throw). */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
}

/** `f` throws a FileFormatError (exit code 1, never a usage error) whose message matches. */
function expectFileError(f: () => unknown, message: RegExp, what = ''): void {
  const err = thrown(f);
  expect(err, what).toBeInstanceOf(FileFormatError);
  expect(err, what).not.toBeInstanceOf(UsageError);
  expect((err as RsrgError).exitCode, what).toBe(1);
  expect((err as Error).message, what).toMatch(message);
  expect((err as Error).message, what).not.toMatch(/\n/);
}

describe('codec envelope: format and checksum', () => {
  const codec = raw('test-kind');
  const bytes = codec.encode(payload);

  it('is a five-field msgpack map whose sha256 is the digest of the same map without it', () => {
    const env = decode(bytes) as Record<string, unknown>;
    expect(Object.keys(env)).toEqual(['format', 'kind', 'version', 'data', 'sha256']);
    expect(env).toMatchObject({ format: 'rsrg', kind: 'test-kind', version: 1 });
    const digest = env.sha256 as Uint8Array;
    expect(digest).toBeInstanceOf(Uint8Array);
    expect(digest.length).toBe(32);
    // Without its checksum field the file is exactly the old four-field file of the same data.
    const withoutChecksum = oldFile('test-kind', 1, payload);
    expect(Buffer.from(bytes.subarray(1, bytes.length - 41))).toEqual(
      Buffer.from(withoutChecksum.subarray(1)),
    );
    expect(Buffer.from(digest)).toEqual(createHash('sha256').update(withoutChecksum).digest());
  });

  it('round-trips and reports the checksum verified; encoding is deterministic', () => {
    const back = codec.decodeFile(bytes, 'f.rsrg');
    expect(back).toEqual({ value: payload, version: 1, checksum: 'verified' });
    expect(codec.decode(bytes)).toEqual(payload);
    expect(Buffer.from(codec.encode(payload))).toEqual(Buffer.from(bytes));
    expect(readEnvelope(bytes)).toMatchObject({ kind: 'test-kind', version: 1, checksum: 'verified' });
  });

  it('binary fields decoded from a Buffer (readFileSync) are plain Uint8Arrays, so slice() copies', () => {
    const file = Buffer.from(bytes);
    const value = codec.decode(file) as typeof payload;
    expect(value.bytes.constructor).toBe(Uint8Array);
    const copy = value.bytes.slice();
    file.fill(0);
    expect(Array.from(copy)).toEqual(Array.from(payload.bytes));
  });

  it('a file cut short at any length is a FileFormatError saying it is empty or truncated', () => {
    expectFileError(() => codec.decode(new Uint8Array(0), 'f.rsrg'), /^f\.rsrg is empty/);
    for (let n = 1; n < bytes.length; n++) {
      expectFileError(
        () => codec.decode(bytes.subarray(0, n), 'f.rsrg'),
        /^f\.rsrg is truncated/,
        `n = ${n}`,
      );
    }
  });

  it('every single-bit flip anywhere in a file is caught as damage', () => {
    const small = codec.encode({ x: 1, y: [0.5, -2], z: 'text' });
    for (const file of [small, bytes]) {
      for (let i = 0; i < file.length; i++) {
        for (let bit = 0; bit < 8; bit++) {
          const flipped = Uint8Array.from(file);
          flipped[i] ^= 1 << bit;
          expectFileError(
            () => codec.decode(flipped, 'f.rsrg'),
            /^f\.rsrg(:| is) .*damaged/,
            `byte ${i}, bit ${bit}`,
          );
        }
      }
    }
  });

  it('bytes left after the file (a longer earlier file overwritten in place) are damage', () => {
    const longer = new Uint8Array(bytes.length + 7);
    longer.set(bytes);
    expectFileError(
      () => codec.decode(longer, 'f.rsrg'),
      /^f\.rsrg is damaged \(corrupt msgpack: Extra 7 of/,
    );
  });

  it('a flip in the data is a checksum mismatch', () => {
    const flipped = Uint8Array.from(bytes);
    flipped[bytes.length - 100] ^= 0x10; // inside the binary field: still valid msgpack
    expect(() => decode(flipped)).not.toThrow();
    expectFileError(
      () => codec.decode(flipped, 'f.rsrg'),
      /^f\.rsrg: checksum mismatch: the file is damaged$/,
    );
  });

  it('names a file of another kind, with the right article', () => {
    const ensemble = raw('ensemble').encode({});
    expectFileError(
      () => raw('rbm-projector').decode(ensemble, 'e.rsrg'),
      /^e\.rsrg holds an ensemble, expected a rbm-projector \(an ensemble file, not a rbm-projector file\)$/,
    );
    expectFileError(
      () => chainStateCodec.decode(ensemble, 'e.rsrg'),
      /holds an ensemble, expected a chain-state/,
    );
  });

  it('bytes that are not an rsrg file say so', () => {
    const cases: [Uint8Array, RegExp][] = [
      [new TextEncoder().encode('hello, world\n'), /is not a readable rsrg file/],
      [new TextEncoder().encode('{"format":"rsrg"}'), /is not a readable rsrg file/],
      [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), /is not a readable rsrg file/],
      [Uint8Array.of(0xc1), /is not a readable rsrg file/],
      [encode([1, 2, 3]), /is not an rsrg file/],
      [encode(42), /is not an rsrg file/],
      [encode(new Uint8Array(8)), /is not an rsrg file/],
      [encode({ kind: 'test-kind', version: 1, data: {} }), /is not an rsrg file/],
      [encode({ format: 'zip', kind: 'test-kind', version: 1, data: {} }), /is not an rsrg file/],
    ];
    for (const [b, message] of cases) expectFileError(() => codec.decode(b, 'x'), message, String(b));
  });

  it('an envelope with fields of the wrong type is damaged, whether or not it has a checksum', () => {
    const envelopes: [Record<string, unknown>, RegExp][] = [
      [{ format: 'rsrg', kind: 7, version: 1, data: {} }, /'kind' is not a name/],
      [{ format: 'rsrg', kind: '', version: 1, data: {} }, /'kind' is not a name/],
      [
        { format: 'rsrg', kind: 'test-kind', version: '1', data: {} },
        /'version' is "1", not a positive integer/,
      ],
      [{ format: 'rsrg', kind: 'test-kind', version: 0, data: {} }, /'version' is 0/],
      [{ format: 'rsrg', kind: 'test-kind', version: 1.5, data: {} }, /'version' is 1.5/],
      [{ format: 'rsrg', kind: 'test-kind', version: 1 }, /no data/],
      [
        { format: 'rsrg', kind: 'test-kind', version: 1, data: {}, extra: 1 },
        /unknown envelope field 'extra'/,
      ],
      [
        { format: 'rsrg', kind: 'test-kind', version: 1, data: {}, sha256: new Uint8Array(31) },
        /checksum field is malformed/,
      ],
      [
        { format: 'rsrg', kind: 'test-kind', version: 1, sha256: new Uint8Array(32), data: {} },
        /checksum field is malformed/,
      ],
    ];
    for (const [env, message] of envelopes) {
      expectFileError(() => codec.decode(encode(env), 'f.rsrg'), message, JSON.stringify(env));
    }
  });

  it('versions: older ones it reads, newer ones ask for an upgrade, dropped ones say so', () => {
    const v2 = raw('test-kind', 2, [1]);
    expect(v2.decodeFile(raw('test-kind', 1).encode('one')).version).toBe(1);
    expectFileError(
      () => codec.decode(raw('test-kind', 3).encode({}), 'f.rsrg'),
      /^f\.rsrg is test-kind format version 3; this build reads 1 \(written by a newer rsrg: upgrade to read it\)$/,
    );
    expectFileError(
      () => raw('test-kind', 3).decode(v2.encode({}), 'f.rsrg'),
      /version 2; this build reads 3 \(an old format/,
    );
  });

  it('a payload its codec rejects is a FileFormatError naming the file, never a usage error', () => {
    const throwing = (error: Error) =>
      defineCodec<unknown>({
        kind: 'test-kind',
        version: 1,
        toData: (x) => x,
        fromData: () => {
          throw error;
        },
      });
    expectFileError(
      () => throwing(new Error("field 'x' is missing")).decode(bytes, 'f.rsrg'),
      /^f\.rsrg: malformed test-kind \(field 'x' is missing\)$/,
    );
    expectFileError(
      () => throwing(new UsageError('a size that does not fit')).decode(bytes, 'f.rsrg'),
      /^f\.rsrg: malformed test-kind \(a size that does not fit\)$/,
    );
    expectFileError(
      () => throwing(new FileFormatError("test-kind field 'w' is bad")).decode(bytes, 'f.rsrg'),
      /^f\.rsrg: test-kind field 'w' is bad$/,
    );
    expectFileError(
      () => throwing(new FileFormatError('f.rsrg: bad')).decode(bytes, 'f.rsrg'),
      /^f\.rsrg: bad$/,
    );
  });
});

describe('files written before checksums', () => {
  it('decode exactly as before and report the checksum absent', () => {
    const old = oldFile('test-kind', 1, payload);
    expect(old[0]).toBe(0x84);
    expect(raw('test-kind').decodeFile(old)).toEqual({ value: payload, version: 1, checksum: 'absent' });
    expect(readEnvelope(old, 'old.rsrg')).toMatchObject({
      kind: 'test-kind',
      version: 1,
      checksum: 'absent',
    });
    // Truncated and damaged old files are still errors, just not caught by a checksum.
    for (let n = 1; n < old.length; n++) {
      expectFileError(() => raw('test-kind').decode(old.subarray(0, n), 'old.rsrg'), /truncated/, `n = ${n}`);
    }
    expectFileError(() => raw('ensemble').decode(old, 'old.rsrg'), /holds a test-kind, expected an ensemble/);
  });

  it('a chain-state checkpoint stored by the previous version loads with its spins, RNG state and moves', () => {
    const file = readFileSync(new URL('./fixtures/chain-state-v1-before-checksums.rsrg', import.meta.url));
    const { value, checksum, version } = chainStateCodec.decodeFile(file, 'chain.rsrg');
    expect({ checksum, version }).toEqual({ checksum: 'absent', version: 1 });
    expect(Array.from(value.spins)).toEqual(Array.from({ length: 37 }, (_, i) => ((i * 7) % 5 < 2 ? -1 : 1)));
    expect(Array.from(value.rng.s)).toEqual([1462220190, 588908612, 355552984, 2301191695]);
    expect(value.moves).toBe(1234);
    // Written again it carries a checksum, and decodes to the same state.
    const again = chainStateCodec.decodeFile(chainStateCodec.encode(value));
    expect(again.checksum).toBe('verified');
    expect(Array.from(again.value.spins)).toEqual(Array.from(value.spins));
    expect(Array.from(again.value.rng.s)).toEqual(Array.from(value.rng.s));
    expect(again.value.moves).toBe(1234);
  });
});

describe('chainStateCodec', () => {
  it('rejects malformed fields with a FileFormatError naming the field', () => {
    const state = { spins: Int8Array.from([1, -1, 1]), rng: Rng.stream(1), moves: 3 };
    const good = { volume: 3, spins: Uint8Array.of(5), rng: Array.from(state.rng.s), moves: 3 };
    expect(chainStateCodec.decode(raw('chain-state').encode(good)).moves).toBe(3);
    const bad: [unknown, RegExp][] = [
      [[1, 2], /data is not a map/],
      [{ ...good, volume: 0 }, /'volume' is 0/],
      [{ ...good, volume: 20 }, /'spins' does not hold 20 packed spins/],
      [{ ...good, spins: [5] }, /'spins' does not hold/],
      [{ ...good, rng: [1, 2, 3] }, /'rng' is not 4 unsigned 32-bit words/],
      [{ ...good, rng: [1, 2, 3, -4] }, /'rng'/],
      [{ ...good, moves: -1 }, /'moves' is not a non-negative integer/],
    ];
    for (const [data, message] of bad) {
      expectFileError(() => chainStateCodec.decode(raw('chain-state').encode(data), 'c.rsrg'), message);
    }
  });
});
