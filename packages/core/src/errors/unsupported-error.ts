import { UsageError } from './usage-error.js';

/** A valid plugin asked to do something it cannot: Wolff with a plaquette coupling, majority rule on an odd size. */
export class UnsupportedError extends UsageError {}
