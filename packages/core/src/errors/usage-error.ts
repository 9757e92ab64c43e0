import { RsrgError } from './rsrg-error.js';

/** Bad input from the user: an unknown id, a size that does not fit, a malformed number. Exit code 2. */
export class UsageError extends RsrgError {
  /** 2: the command was used wrongly, as opposed to 1, a failure while running it. */
  override readonly exitCode = 2;
}
