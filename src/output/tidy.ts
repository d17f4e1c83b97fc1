import { existsSync, rmSync } from 'node:fs';
import { longFamilies, type Row } from '../metrics/metrics.js';
import { toCsv } from './csv.js';
import { writeAtomic } from './write.js';

/** A long-form table of one family: rows of (keys, scenario, path, index, value). */
export interface LongTable {
  /** The file suffix: `<name>.<suffix>.csv`. */
  suffix: string;
  rows: Row[];
}

/**
 * The per-VM and per-core columns of `rows` in long form: one row per row and member, with
 * the row's keys (`keys` that it has, such as swept fields or a search's frame size), its
 * scenario and path, the member's index and its value (and `_ci95` half-width when
 * replicated). Nothing is empty: a row without the family adds no line.
 */
export function longTables(rows: Row[], keys: readonly string[]): LongTable[] {
  return longFamilies().map((f) => ({
    suffix: f.file,
    rows: rows.flatMap((r) => {
      const id: Row = {};
      for (const k of [...keys, 'scenario', 'path']) if (r[k] !== undefined) id[k] = r[k];
      return Object.keys(r).flatMap((column) => {
        const i = f.member(column);
        // A row read back from a CSV has every column of the file, empty where the row has no
        // such member (a 1-VM point beside a 4-VM one): no line for those.
        if (i === undefined || r[column] === '') return [];
        const line: Row = { ...id, [f.index]: Number(i), [f.value]: r[column] };
        if (r[`${column}_ci95`] !== undefined) line[`${f.value}_ci95`] = r[`${column}_ci95`];
        return [line];
      });
    }),
  }));
}

/** Where a long-form table of `csvFile` goes: `<name>.<suffix>.csv` beside it. */
export const longFileFor = (csvFile: string, suffix: string): string => csvFile.replace(/\.csv$/i, `.${suffix}.csv`);

/**
 * Writes the per-VM and per-core long forms of `rows` beside `csvFile`, atomically; a family
 * with no rows has no file (one left by an earlier run is removed, as it would not describe
 * this CSV). `keys` are the plan's key columns, as the sidecar's row keys record them.
 * Returns the files written.
 */
export function writeLongTables(csvFile: string, rows: Row[], keys: readonly string[]): string[] {
  const written: string[] = [];
  for (const t of longTables(rows, keys)) {
    const file = longFileFor(csvFile, t.suffix);
    if (t.rows.length > 0) {
      writeAtomic(file, toCsv(t.rows));
      written.push(file);
    } else rmSync(file, { force: true });
  }
  return written;
}

/** Removes the long forms beside `csvFile`, if any. */
export function removeLongTables(csvFile: string): void {
  for (const f of longFamilies()) rmSync(longFileFor(csvFile, f.file), { force: true });
}

/** The long forms that are beside `csvFile` now. */
export const longFilesBeside = (csvFile: string): string[] =>
  longFamilies()
    .map((f) => longFileFor(csvFile, f.file))
    .filter((file) => existsSync(file));
