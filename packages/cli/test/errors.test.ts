// Exit codes from errors: a marker identifies rsrg's errors, also across worker threads and
// copies of @rsrg/core, never a name that anything can carry.
import { FileFormatError, RsrgError, UsageError } from '@rsrg/core';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { reportError } from '../src/errors.js';

function report(err: unknown): { code: number; text: string } {
  let text = '';
  const code = reportError(
    err,
    (t) => {
      text += t;
    },
    false,
  );
  return { code, text };
}

describe('reportError', () => {
  it('exits with the code rsrg errors carry, in one line', () => {
    expect(report(new UsageError('bad --size'))).toEqual({ code: 2, text: 'rsrg: error: bad --size\n' });
    expect(report(new FileFormatError('e.rsrg: checksum mismatch')).code).toBe(1);
    expect(report(new RsrgError('cannot write r.json\nsecond line'))).toEqual({
      code: 1,
      text: 'rsrg: error: cannot write r.json second line\n',
    });
  });

  it('keeps the code of an error revived from a worker thread, or copied as plain data', () => {
    const plain = RsrgError.toPlain(new UsageError('unknown model'));
    expect(report(RsrgError.revive(plain, 'chain 3: ')).code).toBe(2);
    expect(report(structuredClone(plain)).code).toBe(2);
    expect(
      report({ marker: 'rsrg.error', exitCode: 2, name: 'UsageError', message: 'from another copy' }).code,
    ).toBe(2);
  });

  it('does not take a name for a usage error: only the marker counts', () => {
    const impostor = Object.assign(new Error('looks like one'), { name: 'UsageError' });
    expect(report(impostor).code).toBe(1);
    expect(report({ name: 'UnknownIdError', exitCode: 2, message: 'no marker' }).code).toBe(1);
    expect(report(new Error('plain')).code).toBe(1);
  });

  it('exits 130 on an interrupt and 2 on a parse error', () => {
    expect(report(new DOMException('aborted', 'AbortError'))).toEqual({
      code: 130,
      text: 'rsrg: error: interrupted\n',
    });
    expect(report(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'")).code).toBe(
      2,
    );
  });
});
