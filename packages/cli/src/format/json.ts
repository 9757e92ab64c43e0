/**
 * The version of the `--json` documents' shape (`rsrg list`, `mcrg`, `sample`; meant for every
 * command's document): raised when a field is removed or changes meaning, not when one is
 * added. Documents carry it as `schemaVersion`, right after `command` (see `jsonHead`).
 */
export const JSON_SCHEMA_VERSION = 1;

/**
 * The head every `--json` document starts with: `{ command, schemaVersion }`.
 *
 * @example
 * toJson({ ...jsonHead('list'), ...listing });
 */
export function jsonHead<C extends string>(
  command: C,
): {
  /** The command that wrote the document, e.g. 'list'. */
  command: C;
  /** The document shape's version: `JSON_SCHEMA_VERSION`. */
  schemaVersion: number;
} {
  return { command, schemaVersion: JSON_SCHEMA_VERSION };
}

/**
 * A JSON document followed by a newline, indented for people who read it too. Non-finite
 * numbers (an estimate from a singular matrix) become null, as JSON.stringify does; the
 * schema in docs/cli.md says so.
 */
export function toJson(value: unknown, indent = 2): string {
  return `${JSON.stringify(value, null, indent)}\n`;
}
