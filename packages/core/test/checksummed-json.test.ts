import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksummedJson, FileFormatError, parseChecksummedJson, readChecksummedJson } from '../src/index.js';

const doc = {
  command: 'mcrg',
  estimates: [{ sector: 'even', nr: 1, nc: 1, y: 0.9087320042478172, error: 0.0028272525928648364 }],
  tauInt: { value: Number.NaN, error: 1e-300 },
};

describe('result files carry a checksum', () => {
  it('round-trips: the document back, its numbers exact, the checksum verified', () => {
    const text = checksummedJson(doc);
    const back = parseChecksummedJson(text, 'r.json');
    expect(back.checksum).toBe('verified');
    expect(back.value).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(Object.keys(JSON.parse(text)).at(-1)).toBe('sha256');
  });

  it('every changed digit, a truncation and a non-object are file errors naming the file', () => {
    const text = checksummedJson(doc);
    const y = '0.9087320042478172';
    const at = text.indexOf(y);
    for (let k = 0; k < y.length; k++) {
      if (y[k] === '.') continue;
      const digit = String((Number(y[k]) + 1) % 10);
      const damaged = text.slice(0, at + k) + digit + text.slice(at + k + 1);
      expect(() => parseChecksummedJson(damaged, 'r.json')).toThrow(/^r\.json: checksum mismatch/);
    }
    for (const cut of [0, 1, 10, text.length - 3]) {
      expect(() => parseChecksummedJson(text.slice(0, cut), 'r.json')).toThrow(FileFormatError);
    }
    expect(() => parseChecksummedJson('[1,2]', 'r.json')).toThrow(/^r\.json is not a JSON result file/);
    expect(() =>
      parseChecksummedJson(text.replace(/"sha256": "[0-9a-f]+"/, '"sha256": 7'), 'r.json'),
    ).toThrow(/checksum mismatch/);
    // A damaged name of the checksum field does not pass for a file written before checksums.
    for (const name of ['sha257', 'sxa256', 'sha25']) {
      expect(() => parseChecksummedJson(text.replace('"sha256"', `"${name}"`), 'r.json')).toThrow(
        new RegExp(`^r\\.json: its checksum field is damaged \\('${name}'\\)`),
      );
    }
  });

  it('a result file of an earlier version (no checksum) reads, marked absent; read errors name the option', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsrg-json-'));
    const old = join(dir, 'old.json');
    writeFileSync(old, JSON.stringify(doc));
    expect(readChecksummedJson(old).checksum).toBe('absent');
    expect(() => readChecksummedJson(dir, { option: '--result' })).toThrow(/--result/);
  });
});
