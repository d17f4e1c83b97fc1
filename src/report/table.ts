import { parse } from 'csv-parse/sync';
import { CAUSES } from '../model/causes.js';
import { InputError } from '../errors.js';

/**
 * What a CSV holds, which decides its charts: a single point (one row per path), a sweep
 * (rows per swept value and path), one of the two searches, or a comparison with published
 * figures.
 */
export type CsvKind = 'single' | 'sweep' | 'zero-loss' | 'capacity' | 'published';

/** A parsed CSV: its columns in file order and its rows as text, as the file has them. */
export interface Table {
  /** Where the rows came from: named in every error. */
  file: string;
  columns: string[];
  rows: Record<string, string>[];
}

/** A table with its kind worked out and its needed columns checked. */
export interface ResultTable extends Table {
  kind: CsvKind;
  /** Swept parameter columns (sweeps only), in file order; the first is the x axis. */
  swept: string[];
}

/** Columns every result row carries that the single-point and sweep charts draw. */
const RESULT_COLUMNS = [
  'path',
  'delivered_gbps',
  'offered_gbps',
  'cores_used',
  'cycles_per_pkt',
  ...CAUSES.map((c) => `cycles_per_pkt_${c}`),
  'latency_p50_us',
  'latency_p99_us',
  'latency_p999_us',
];

const NEEDED: Record<CsvKind, string[]> = {
  single: RESULT_COLUMNS,
  sweep: ['path', 'delivered_gbps', 'cores_used', 'latency_p99_us'],
  'zero-loss': ['frame_bytes', 'path', 'zero_loss_load_pct', 'delivered_gbps'],
  capacity: ['path', 'search_field', 'capacity'],
  published: ['id', 'path', 'metric', 'unit', 'published', 'published_low', 'published_high', 'simulated'],
};

/** Parses CSV text; a malformed file is bad input, not an internal error. */
export function parseTable(text: string, file: string): Table {
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, bom: true }) as string[][];
  } catch (e) {
    throw new InputError('', 'a well-formed CSV file', (e as Error).message, file);
  }
  if (records.length === 0) throw new InputError('', 'a CSV file with a header line', 'an empty file', file);
  const [columns, ...body] = records;
  if (body.length === 0) throw new InputError('', 'at least one data row under the header', 'only the header', file);
  const rows = body.map((cells) => Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? ''])));
  return { file, columns, rows };
}

/**
 * Columns before `scenario` (or before `replications`, which precedes it when a sweep is
 * replicated) are the sweep's parameters: that is where the runner puts a point's
 * assignment. Search CSVs put their own keys there too, so they are told apart first.
 */
function sweptColumns(columns: string[]): string[] {
  const ends = ['scenario', 'replications'].map((c) => columns.indexOf(c)).filter((i) => i >= 0);
  if (ends.length === 0) return [];
  return columns.slice(0, Math.min(...ends)).filter((c) => c !== 'path');
}

function kindOf(columns: string[]): CsvKind | undefined {
  const has = (c: string) => columns.includes(c);
  if (has('id') && has('metric') && has('published') && has('simulated')) return 'published';
  if (has('zero_loss_load_pct')) return 'zero-loss';
  if (has('capacity') && has('search_field')) return 'capacity';
  if (!has('path')) return undefined;
  return sweptColumns(columns).length > 0 ? 'sweep' : 'single';
}

/** Works out what `table` holds and checks it has every column its charts need. */
export function classify(table: Table): ResultTable {
  const kind = kindOf(table.columns);
  if (kind === undefined) {
    throw new InputError(
      'columns',
      'an iovsim result CSV (with a "path" column), a zero-loss or capacity search CSV, or a comparison CSV (id, metric, published, simulated)',
      `columns ${abbreviate(table.columns)}`,
      table.file,
    );
  }
  const missing = NEEDED[kind].filter((c) => !table.columns.includes(c));
  if (missing.length > 0) {
    throw new InputError(
      'columns',
      `the columns of a ${kind} CSV: ${NEEDED[kind].join(', ')}`,
      `no ${missing.map((c) => `"${c}"`).join(', ')}`,
      table.file,
    );
  }
  return { ...table, kind, swept: kind === 'sweep' ? sweptColumns(table.columns) : [] };
}

function abbreviate(columns: string[]): string {
  const shown = columns.slice(0, 6).join(', ');
  return columns.length > 6 ? `${shown}, ... (${columns.length} in all)` : shown;
}

/**
 * The number in `column` of row `i`, or null when the cell is empty (the CSV writer leaves
 * a cell empty when there is no data, e.g. latency with nothing delivered). Text that is not
 * a number is bad input, reported with its line in the file (the header is line 1).
 */
export function numberAt(table: Table, i: number, column: string): number | null {
  const text = (table.rows[i][column] ?? '').trim();
  if (text === '') return null;
  const x = Number(text);
  if (!Number.isFinite(x))
    throw new InputError(`line ${i + 2}, column ${column}`, 'a number', JSON.stringify(text), table.file);
  return x;
}

/** Whether the table has a 95 % half-width for `column` (it ran replications). */
export const hasCi = (table: Table, column: string): boolean => table.columns.includes(`${column}_ci95`);
