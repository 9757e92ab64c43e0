export { FileFormatError } from './file-format-error.js';
export { type PlainError, RsrgError } from './rsrg-error.js';
export { UnknownIdError } from './unknown-id-error.js';
export { UnsupportedError } from './unsupported-error.js';
export { UsageError } from './usage-error.js';
