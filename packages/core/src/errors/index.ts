export { RsrgError } from './rsrg-error.js';
export { UsageError } from './usage-error.js';
export { UnknownIdError } from './unknown-id-error.js';
export { UnsupportedError } from './unsupported-error.js';
export { FileFormatError } from './file-format-error.js';
