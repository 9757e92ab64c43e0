import { RsrgError } from './rsrg-error.js';

/** A persisted file that is corrupt, of another kind, or of a version this build cannot read. */
export class FileFormatError extends RsrgError {}
