import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { FileFormatError, RsrgError, UsageError } from '../src/index.js';

// What postMessage does to a value: a structured clone.
function acrossThreads<T>(value: T): T {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(value);
  const received = receiveMessageOnPort(port2)?.message as T;
  port1.close();
  return received;
}

describe('RsrgError identity across threads', () => {
  it('isInstance holds for every subclass and for a structured clone, not for a plain Error', () => {
    for (const e of [new RsrgError('a'), new UsageError('b'), new FileFormatError('c')]) {
      expect(RsrgError.isInstance(e)).toBe(true);
      const cloned = acrossThreads({ ...e, message: e.message });
      expect(RsrgError.isInstance(cloned)).toBe(true);
    }
    expect(RsrgError.isInstance(new Error('x'))).toBe(false);
    expect(RsrgError.isInstance({ name: 'UsageError', message: 'm', exitCode: 2 })).toBe(false);
    expect(RsrgError.isInstance(null)).toBe(false);
  });

  it('toPlain and revive keep the name, message and exit code of a usage error', () => {
    const revived = RsrgError.revive(
      acrossThreads(RsrgError.toPlain(new UsageError('bad size'))),
      'chain 3: ',
    );
    expect(RsrgError.isInstance(revived)).toBe(true);
    expect(revived.exitCode).toBe(2);
    expect(revived.name).toBe('UsageError');
    expect(revived.message).toBe('chain 3: bad size');
  });

  it('a foreign error revives with exit code 1', () => {
    const revived = RsrgError.revive(acrossThreads(RsrgError.toPlain(new TypeError('boom'))));
    expect(revived.exitCode).toBe(1);
    expect(revived.name).toBe('TypeError');
  });
});
