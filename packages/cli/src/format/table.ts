export type Align = 'left' | 'right';

/**
 * A plain-text table: columns padded to their widest cell, separated by two spaces,
 * a header row, no trailing spaces. `align` defaults to left for every column.
 */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) =>
    widths
      .map((w, c) => {
        const cell = r[c] ?? '';
        return align[c] === 'right' ? cell.padStart(w) : cell.padEnd(w);
      })
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Label/value lines with the labels padded to a common width. */
export function renderFields(fields: readonly (readonly [string, string])[], indent = ''): string {
  const w = Math.max(...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${indent}${k.padEnd(w)}  ${v}`).join('\n');
}
