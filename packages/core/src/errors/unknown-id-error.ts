import { UsageError } from './usage-error.js';

/** An id that no registered plugin provides; the message lists the ids that exist. */
export class UnknownIdError extends UsageError {
  constructor(
    readonly kind: string,
    readonly id: string,
    readonly known: readonly string[],
  ) {
    super(`unknown ${kind} '${id}' (known: ${known.length ? known.join(', ') : 'none'})`);
  }
}
