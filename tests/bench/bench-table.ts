/** One measured figure beside its baseline, measured in the same run (tests/bench/README.md). */
export interface BenchRow {
  name: string;
  ours: number;
  baseline: number | null;
  unit: string;
  /** ours / baseline, or null without a baseline. */
  ratio: number | null;
  /** The target in words (tests/bench/README.md), and whether this run met it. */
  target: string;
  met: boolean;
}

export function printTable(rows: readonly BenchRow[]): void {
  const header = ['benchmark', 'ours', 'baseline', 'ratio', 'target', 'met'];
  const lines = rows.map((row) => [
    row.name,
    `${format(row.ours)} ${row.unit}`,
    row.baseline === null ? '-' : `${format(row.baseline)} ${row.unit}`,
    row.ratio === null ? '-' : row.ratio.toFixed(3),
    row.target,
    row.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const render = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  process.stdout.write(`${render(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${lines.map(render).join('\n')}\n`);
}

function format(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
