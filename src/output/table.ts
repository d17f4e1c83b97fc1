import { COLUMNS, isFamily, tableLines, type Row } from '../metrics/metrics.js';
import { STUDY_COLUMNS, type StudyColumn } from '../metrics/study.js';

/** Shown only when a run has them: replications and a precision target's outcome. */
const OPTIONAL = ['replications', 'precision'];

/**
 * A cell as the terminal tables print it: 3 significant digits or so, "-" for no value. A
 * whole number prints without decimals unless `decimals` (its row has fractions: a fairness
 * of exactly 1 beside 0.998 prints 1.00, not 1); zero is always 0.
 */
export const fmt = (v: string | number | undefined, decimals = false): string => {
  if (v === undefined || v === '') return '-';
  if (typeof v === 'string') return v;
  if (Math.abs(v) >= 1e5) return v.toExponential(2);
  return v === 0 || (Number.isInteger(v) && !decimals)
    ? String(v)
    : v.toFixed(Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
};

/** Whether any of a row's (or, in the long table, a column's) numbers has a fraction: then all print with decimals. */
const fractional = (values: unknown[]): boolean =>
  values.some((v) => typeof v === 'number' && !Number.isInteger(v) && Math.abs(v) < 1e5);

/** The paths side by side, one column each, the metrics with a table label as rows. */
export function toTable(title: string, rows: Row[]): string {
  const header = ['', ...rows.map((r) => String(r.path))];
  const present = new Set(rows.flatMap((r) => Object.keys(r)));
  // A family member that is zero on every path (no application cycles in a bulk run) says nothing.
  const shown: [string, string][] = [
    ...tableLines(present)
      .filter(([key, , member]) => !member || rows.some((r) => r[key] !== 0))
      .map(([key, label]): [string, string] => [key, label]),
    ...OPTIONAL.filter((k) => present.has(k)).map((k): [string, string] => [k, k]),
  ];
  const body = shown.map(([key, label]) => {
    const decimals = fractional(rows.map((r) => r[key]));
    return [label, ...rows.map((r) => fmt(r[key], decimals))];
  });
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((line) => line[c].length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [title, line(header), ...body.map(line)].join('\n') + '\n';
}

const study: readonly StudyColumn[] = STUDY_COLUMNS;

/**
 * The key columns of result rows, of those `present`: the row's keys (swept fields, a
 * search's frame size), the path, the search's outcome, the run metrics declared `long`
 * (each followed by its `_ci95` when replicated) and last the precision note.
 */
export function keyColumns(present: ReadonlySet<string>, sweepKeys: readonly string[] = []): string[] {
  const measures = COLUMNS.filter((c) => !isFamily(c) && c.long && c.name !== 'path').flatMap((c) => [
    c.name,
    `${c.name}_ci95`,
  ]);
  return [
    ...sweepKeys,
    ...study.filter((c) => c.key).map((c) => c.name),
    'path',
    ...study.filter((c) => c.long && !c.last).map((c) => c.name),
    ...measures,
    ...study.filter((c) => c.long && c.last).map((c) => c.name),
  ].filter((c, i, all) => present.has(c) && all.indexOf(c) === i);
}

/**
 * One line per row: the row's keys (swept fields, a search's frame size) first, then the path,
 * the search's outcome, the run metrics declared `long` (each with its interval when
 * replicated) and last the precision note. The CSV has every column.
 */
export function toLongTable(title: string, rows: Row[], sweepKeys: readonly string[] = []): string {
  if (rows.length === 0) return `${title}\n(no rows)\n`;
  const cols = keyColumns(new Set(rows.flatMap((r) => Object.keys(r))), sweepKeys);
  const decimals = cols.map((c) => fractional(rows.map((r) => r[c])));
  const cells = [cols, ...rows.map((r) => cols.map((c, i) => fmt(r[c], decimals[i])))];
  const widths = cols.map((_, i) => Math.max(...cells.map((l) => l[i].length)));
  return [title, ...cells.map((l) => l.map((cell, i) => cell.padStart(widths[i])).join('  '))].join('\n') + '\n';
}
