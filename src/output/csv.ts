import { stringify } from 'csv-stringify/sync';
import { varyingFamilies, type Row } from '../metrics/metrics.js';

/**
 * All column names across rows, in first-seen order, except that the columns of a family
 * whose members differ by path (drops per hop) sit together after the column declared
 * before the family, with their `_ci95` twins: paths differ in their hops.
 */
export function columnsOf(rows: Row[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  let all = [...seen];
  for (const family of varyingFamilies()) {
    const member = (k: string) => family.matches(k.replace(/_ci95$/, ''));
    const members = all.filter(member);
    const rest = all.filter((k) => !member(k));
    const at = Math.max(rest.indexOf(family.after), rest.indexOf(`${family.after}_ci95`)) + 1;
    all = [...rest.slice(0, at), ...members, ...rest.slice(at)];
  }
  return all;
}

/** CSV text of the rows; a column a row lacks (a hop its path does not have) is empty. */
export function toCsv(rows: Row[]): string {
  return stringify(rows, { header: true, columns: columnsOf(rows) });
}

/**
 * CSV text of a shard's rows, each with its `cell` index first. Text values are quoted, so an
 * empty value ("") stays apart from a column the row does not have (nothing): `iovsim merge`
 * rebuilds every row exactly as it was, and with it the unsharded CSV byte for byte.
 * Booleans are written as text, as toCsv writes them (1, or an empty value).
 */
export function toShardCsv(rows: (Row & { cell: number })[]): string {
  if (rows.length === 0) return 'cell\n';
  const asText = rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'boolean' ? (v ? '1' : '') : v])),
  );
  return stringify(asText, { header: true, columns: columnsOf(asText), quoted_string: true });
}
