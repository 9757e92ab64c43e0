import { UsageError } from './usage-error.js';

/** An id that no registered plugin provides; the message lists the ids that exist. */
export class UnknownIdError extends UsageError {
  constructor(
    /** What was looked up: 'model', 'sampler', 'projector', … */
    readonly kind: string,
    /** The id asked for. */
    readonly id: string,
    /** The ids that are registered for `kind`. */
    readonly known: readonly string[],
  ) {
    super(`unknown ${kind} '${id}' (known: ${known.length ? known.join(', ') : 'none'})`);
  }
}
