/**
 * A JSON document followed by a newline, indented for people who read it too. Non-finite
 * numbers (an estimate from a singular matrix) become null, as JSON.stringify does; the
 * schema in docs/cli.md says so.
 */
export function toJson(value: unknown, indent = 2): string {
  return `${JSON.stringify(value, null, indent)}\n`;
}
