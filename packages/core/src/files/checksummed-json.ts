import { createHash } from 'node:crypto';
import type { ChecksumStatus } from '../codec.js';
import { FileFormatError } from '../errors/index.js';
import { readFileChecked } from './read-checked.js';

/** The field a result file's checksum lives in: the SHA-256 of the rest of the document. */
export const JSON_CHECKSUM_FIELD = 'sha256';

const digest = (doc: unknown) => createHash('sha256').update(JSON.stringify(doc)).digest('hex');

/**
 * A result document as the text of a file that carries its own checksum: the document with a
 * last field `sha256`, the SHA-256 (hex) of the compact JSON of the rest. Non-finite numbers
 * become null first, as in any JSON, so the checksum covers what a reader parses.
 *
 * @example
 * writeFileAtomic('result.json', checksummedJson(doc));
 */
export function checksummedJson(doc: Readonly<Record<string, unknown>>, indent = 2): string {
  const plain = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
  delete plain[JSON_CHECKSUM_FIELD];
  return `${JSON.stringify({ ...plain, [JSON_CHECKSUM_FIELD]: digest(plain) }, null, indent)}\n`;
}

/** A result document read back, with what was checked. */
export interface CheckedJson {
  /** The document, its checksum field removed. */
  readonly value: Record<string, unknown>;
  /** 'verified', or 'absent' for a file written before result files carried one. */
  readonly checksum: ChecksumStatus;
}

/**
 * Parses a result file's text and checks its checksum: text that is not a JSON object, or a
 * document whose checksum does not match, is a FileFormatError naming `source`. A document
 * without the field (an earlier version's) is returned as it is, marked 'absent'; one whose last
 * field holds a SHA-256 under another name (the field's name damaged) is a FileFormatError.
 */
export function parseChecksummedJson(text: string, source = 'input'): CheckedJson {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new FileFormatError(
      `${source} is not a JSON result file (${(err as Error).message.split('\n')[0]})`,
    );
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new FileFormatError(`${source} is not a JSON result file (not an object)`);
  }
  const { [JSON_CHECKSUM_FIELD]: stored, ...rest } = doc as Record<string, unknown>;
  if (stored === undefined) {
    // The checksum is always the last field: a last field holding a SHA-256 under another name
    // is that field with its name damaged, not a file written before checksums.
    const keys = Object.keys(rest);
    const last = rest[keys[keys.length - 1]];
    if (typeof last === 'string' && /^[0-9a-f]{64}$/.test(last)) {
      throw new FileFormatError(
        `${source}: its checksum field is damaged ('${keys[keys.length - 1]}'): the file is damaged`,
      );
    }
    return { value: rest, checksum: 'absent' };
  }
  if (typeof stored !== 'string' || stored !== digest(rest)) {
    throw new FileFormatError(`${source}: checksum mismatch: the file is damaged`);
  }
  return { value: rest, checksum: 'verified' };
}

/**
 * Reads a result file named by `option` (`readFileChecked`'s one-line errors) and checks it
 * (`parseChecksummedJson`).
 *
 * @example
 * const { value: result } = readChecksummedJson('runs/L32/result.json', { option: 'merge' });
 */
export function readChecksummedJson(path: string, options: { readonly option?: string } = {}): CheckedJson {
  const text = readFileChecked(path, { ...options, encoding: 'utf8' }) as string;
  return parseChecksummedJson(text, path);
}
