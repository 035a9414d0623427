/** One line of the benchmark report. */
export interface BenchRow {
  suite: string;
  name: string;
  /** The measured figure, with its unit. */
  value: string;
  /** Against the baseline measured in the same run (e.g. `0.62× bare express`). */
  ratio?: string;
  goal?: string;
  /** Whether the goal was met; undefined when the row has no goal. */
  met?: boolean;
}

export function printTable(rows: BenchRow[]): string {
  const headers = ['suite', 'benchmark', 'value', 'ratio', 'goal', 'met'];
  const cells = rows.map((row) => [
    row.suite,
    row.name,
    row.value,
    row.ratio ?? '',
    row.goal ?? '',
    row.met === undefined ? '' : row.met ? 'yes' : 'NO',
  ]);
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...cells.map((line) => line[column]?.length ?? 0)),
  );
  const format = (line: string[]) =>
    line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ');
  return [
    format(headers),
    widths.map((width) => '-'.repeat(width)).join('-|-'),
    ...cells.map(format),
  ].join('\n');
}
