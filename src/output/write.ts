import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { columnsOf, type Row } from './columns.js';

/** CSV text of the rows; a column a row lacks (a hop its path does not have) is empty. */
export function toCsv(rows: Row[]): string {
  return stringify(rows, { header: true, columns: columnsOf(rows) });
}

/**
 * Writes `text` to `file` atomically: into a temporary file beside it, then renamed over
 * it. A run that dies midway leaves the previous file as it was.
 */
export function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
