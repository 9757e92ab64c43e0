import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RsrgError, writeFileAtomicWith } from '../src/index.js';

describe('writeFileAtomicWith (writers that fill a file of their own)', () => {
  it('replaces the file whole when the writer succeeds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsrg-atomic-with-'));
    const path = join(dir, 'r.h5');
    writeFileSync(path, 'old');
    await writeFileAtomicWith(path, (temp) => writeFileSync(temp, 'new'));
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['r.h5']);
  });

  it('keeps the earlier file and removes the temporary one when the writer fails, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsrg-atomic-with-'));
    const path = join(dir, 'r.h5');
    writeFileSync(path, 'old');
    const write = (temp: string) => {
      writeFileSync(temp, 'half');
      throw new Error('disk on fire');
    };
    const failing = writeFileAtomicWith(path, write, { label: 'result.h5', reason: () => 'HDF5 said no' });
    await expect(failing).rejects.toThrow(RsrgError);
    await expect(writeFileAtomicWith(path, write, { label: 'result.h5' })).rejects.toThrow(
      /^cannot write result\.h5: disk on fire/,
    );
    await expect(writeFileAtomicWith(path, write, { reason: () => 'HDF5 said no' })).rejects.toThrow(
      /HDF5 said no$/,
    );
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['r.h5']);
  });
});
