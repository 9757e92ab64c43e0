import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineCodec, FileFormatError, Lattice, UsageError } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import {
  decimation,
  decimationProjector,
  majority,
  majorityProjector,
  rbm,
  rbmFilter,
  readWeightDat,
  resolveTrainOptions,
  trainRbm,
  writeWeightDat,
} from '../src/index.js';

/** The error `run` throws; it must be of class `kind` and one line (the CLI prints it as is). */
function thrown(run: () => unknown, kind: typeof UsageError | typeof FileFormatError): Error {
  let error: unknown;
  try {
    run();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(kind);
  const message = (error as Error).message;
  expect(message).not.toContain('\n');
  return error as Error;
}

// b = 1 is the identity map: y = ln λ / ln b is undefined, so no projector may have it.
describe('block size 1 is refused by every projector', () => {
  it('majority and decimation, from options and from code', () => {
    for (const [factory, make] of [
      [majority, majorityProjector],
      [decimation, decimationProjector],
    ] as const) {
      for (const blockSize of [1, '1']) {
        expect(thrown(() => factory.create({ blockSize }), UsageError).message).toMatch(
          new RegExp(`projector '${factory.id}': blockSize must be an integer ≥ 2, got 1`),
        );
      }
      expect(thrown(() => make(1), UsageError).message).toMatch(/blockSize must be an integer ≥ 2, got 1/);
    }
  });

  it('rbm: the blockSize option, a weight.dat read with b = 1, a filter built with b = 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsrg-b1-'));
    const dat = join(dir, 'weight.dat');
    writeFileSync(dat, writeWeightDat(rbmFilter({ dimension: 2, width: 2, weights: [1, 1, 1, 1] })));
    for (const blockSize of [1, '1']) {
      expect(thrown(() => rbm.create({ weights: dat, blockSize }), UsageError).message).toMatch(
        /projector 'rbm': blockSize must be an integer ≥ 2, got 1/,
      );
    }
    expect(thrown(() => readWeightDat(new Uint8Array(16), { blockSize: 1 }), UsageError).message).toMatch(
      /block size must be an integer ≥ 2, got 1/,
    );
    thrown(() => rbmFilter({ dimension: 2, width: 2, blockSize: 1 }), UsageError);
  });

  it('rbm: a projector file that stores b = 1 is a FileFormatError', () => {
    const raw = defineCodec<unknown>({
      kind: 'rbm-projector',
      version: 1,
      toData: (x) => x,
      fromData: (x) => x,
    });
    const file = join(mkdtempSync(join(tmpdir(), 'rsrg-b1-')), 'b1.rsrg');
    writeFileSync(file, raw.encode({ dimension: 2, width: 2, blockSize: 1, weights: [1, 1, 1, 1] }));
    expect(thrown(() => rbm.create({ weights: file }), FileFormatError).message).toMatch(
      /field 'blockSize' must be an integer ≥ 2, got 1/,
    );
  });

  it('rbm training: blockSize 1 is a usage error before any work', () => {
    thrown(() => resolveTrainOptions({ seed: 1, blockSize: 1 }), UsageError);
    const lattice = Lattice.cubic(2, 4);
    thrown(
      () => trainRbm({ lattice, configs: new Int8Array(16).fill(1) }, { seed: 1, width: 2, blockSize: 1 }),
      UsageError,
    );
  });
});
