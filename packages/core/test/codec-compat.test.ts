// The files users already have, written before envelopes carried a checksum, must still load:
// the committed projector files of docs/results and an ensemble stored by the previous version.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensembleCodec, ensembleConfiguration } from '@rsrg/mcrg';
import { rbmProjectorCodec } from '@rsrg/projectors';
import { describe, expect, it } from 'vitest';
import { FileFormatError, readEnvelope } from '../src/index.js';

const results = fileURLToPath(new URL('../../../docs/results/', import.meta.url));
const projectorFiles = readdirSync(results, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(`${results}${d.name}`).map((f) => `${results}${d.name}/${f}`))
  .filter((path) => path.endsWith('.rsrg'))
  // Those written before checksums (later results, e.g. the Potts studies', carry one).
  .filter((path) => readEnvelope(readFileSync(path), path).checksum === 'absent');

describe('files written before checksums', () => {
  it('finds the committed projector files', () => {
    expect(projectorFiles.length).toBeGreaterThanOrEqual(4);
  });

  it.each(projectorFiles.map((path) => ({ path, name: path.slice(results.length) })))(
    '$name loads, unverified, and written again loads to the same filter, verified',
    ({ path }) => {
      const bytes = readFileSync(path);
      expect(readEnvelope(bytes, path)).toMatchObject({
        kind: 'rbm-projector',
        version: 1,
        checksum: 'absent',
      });
      const old = rbmProjectorCodec.decodeFile(bytes, path);
      expect(old.checksum).toBe('absent');
      expect(old.value.filter.weights.length).toBeGreaterThan(0);
      const again = rbmProjectorCodec.decodeFile(rbmProjectorCodec.encode(old.value), path);
      expect(again.checksum).toBe('verified');
      expect(Array.from(again.value.filter.weights)).toEqual(Array.from(old.value.filter.weights));
      expect(again.value.filter.blockSize).toBe(old.value.filter.blockSize);
      expect(again.value.training).toEqual(old.value.training);
      // Such a file is not mistaken for another kind.
      expect(() => ensembleCodec.decode(bytes, path)).toThrow(/holds a rbm-projector, expected an ensemble/);
    },
  );

  it('an ensemble stored by the previous version loads with every configuration', () => {
    const path = fileURLToPath(new URL('./fixtures/ensemble-v1-before-checksums.rsrg', import.meta.url));
    const bytes = readFileSync(path);
    const { value, checksum } = ensembleCodec.decodeFile(bytes, path);
    expect(checksum).toBe('absent');
    expect(value.header).toMatchObject({ model: 'ising2d', size: 4, sizes: [4, 4], seed: 7, chains: 2 });
    expect(value.count).toBe(24);
    expect(value.volume).toBe(16);
    const again = ensembleCodec.decodeFile(ensembleCodec.encode(value));
    expect(again.checksum).toBe('verified');
    expect(again.value).toEqual(value);
    for (let i = 0; i < value.count; i++) {
      expect(Array.from(ensembleConfiguration(again.value, i))).toEqual(
        Array.from(ensembleConfiguration(value, i)),
      );
    }
    // A new ensemble file with one flipped spin is refused; the old one could not tell.
    const damaged = ensembleCodec.encode(value);
    damaged[damaged.length - 50] ^= 1;
    expect(() => ensembleCodec.decode(damaged, 'e.rsrg')).toThrow(FileFormatError);
    expect(() => ensembleCodec.decode(damaged, 'e.rsrg')).toThrow(/checksum mismatch/);
  });
});
