import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';
import { numericColumn, type Row } from '../metrics/metrics.js';
import type { Cell, Plan } from './plan.js';
import {
  cellText,
  rowDigest,
  metaFileFor,
  metaSchema,
  type KeptRow,
  type MetaHeader,
  type MetaRow,
  type RunMeta,
  type Shard,
} from './provenance.js';

/**
 * Every check on result files read back: the rows `--resume` may keep from an earlier run, and
 * the shard files `iovsim merge` puts together, each vouched for by its sidecar (provenance.ts).
 * Whatever is wrong in them is bad input here (exit 2, one line naming the file); the experiment
 * layer only ever gets checked rows.
 */

/** A shard's files: `<name>.shard-<i>-of-<n>.csv` (as `run --shard` names them) and its sidecar. */
const SHARD_FILE = /^(.+)\.shard-(0|[1-9][0-9]*)-of-([1-9][0-9]*)\.(csv|meta\.json)$/;

/** A short hash for messages. */
const short = (h: string): string => `${h.slice(0, 12)}...`;

/** Lists at most 8 cell indices, for one line. */
function cellList(cells: number[]): string {
  const shown = cells.slice(0, 8).join(', ');
  return cells.length > 8 ? `${shown} and ${cells.length - 8} more` : shown;
}

/** Reads and checks a sidecar; undefined when there is none. A damaged one is bad input. */
export function readMeta(metaFile: string, expected: string): RunMeta | undefined {
  if (!existsSync(metaFile)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(metaFile, 'utf8'));
  } catch (e) {
    throw new InputError('', expected, `a file that is not JSON (${(e as Error).message.split('\n')[0]})`, metaFile);
  }
  const r = metaSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    const at = issue.path.join('.') || 'the file';
    throw new InputError('', expected, `a file whose ${at} is wrong (${issue.message})`, metaFile);
  }
  return r.data;
}

/** The first field where `found` differs from `want` in what a resume or a merge must agree on. */
function disagreement(
  want: MetaHeader,
  found: MetaHeader,
): { field: string; want: string; found: string; why: string } | undefined {
  const json = (v: unknown) => JSON.stringify(v ?? null);
  if (want.iovsim !== found.iovsim)
    return { field: 'iovsim', want: want.iovsim, found: found.iovsim, why: 'another iovsim version' };
  if (want.scenario.sha256 !== found.scenario.sha256)
    return {
      field: 'scenario.sha256',
      want: short(want.scenario.sha256),
      found: short(found.scenario.sha256),
      why: `the scenario file's content differs`,
    };
  if (want.seed !== found.seed)
    return { field: 'seed', want: String(want.seed), found: String(found.seed), why: 'another seed' };
  if (json(canonical(want.overrides)) !== json(canonical(found.overrides)))
    return {
      field: 'overrides',
      want: json(canonical(want.overrides)),
      found: json(canonical(found.overrides)),
      why: 'other --seed, --modes or --duration',
    };
  if (want.cells !== found.cells)
    return { field: 'cells', want: String(want.cells), found: String(found.cells), why: 'another number of cells' };
  return undefined;
}

const canonical = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );

/** Where a parsed record sits in its file, for messages. */
interface RecordAt {
  values: (string | null)[];
  line: number;
}

/**
 * Parses a result CSV leniently: the header and every record, whatever their widths. In a
 * shard file (`exact`) an unquoted empty field is a column the row does not have (null) and
 * a quoted one an empty value. A file that does not end with a newline lost its last record
 * (a truncated copy), which is left out. Undefined when nothing can be made of it.
 */
function parseRecords(
  text: string,
  exact: boolean,
): { header: string[]; records: RecordAt[]; cut?: number; skipped: string[] } | undefined {
  let all: { record: (string | null)[]; info: { lines: number } }[];
  const skipped: string[] = [];
  try {
    all = parse(text, {
      relax_column_count: true,
      skip_records_with_error: true,
      on_skip: (err) => {
        const at = (err as { lines?: number } | undefined)?.lines;
        skipped.push(`${at !== undefined ? `line ${at}: ` : ''}${err?.message ?? 'not CSV'}`);
        return undefined;
      },
      skip_empty_lines: true,
      info: true,
      cast: exact ? (v: string, ctx: { quoting: boolean }) => (v === '' && !ctx.quoting ? null : v) : undefined,
    }) as unknown as { record: (string | null)[]; info: { lines: number } }[];
  } catch {
    return undefined;
  }
  if (all.length === 0) return undefined;
  const header = all[0].record.map((h) => h ?? '');
  // Not a result CSV at all: every row is recomputed, with one warning.
  if (exact ? header[0] !== 'cell' : !header.includes('path')) return undefined;
  const records = all.slice(1).map((r) => ({ values: r.record, line: r.info.lines }));
  const cut = !text.endsWith('\n') && records.length > 0 ? records.pop()!.line : undefined;
  return { header, records, cut, skipped };
}

/** A parsed record as a row, or why it is not one. Numbers become numbers; sweep keys take their typed value. */
function rowOf(
  header: string[],
  rec: RecordAt,
  keyColumns: readonly string[],
  extra: readonly string[],
): { row: Row } | { why: string } {
  if (rec.values.length !== header.length)
    return { why: `${rec.values.length} fields where the header has ${header.length}` };
  const row: Row = {};
  for (const [i, col] of header.entries()) {
    const v = rec.values[i];
    if (v === null) continue;
    if (keyColumns.includes(col) || extra.includes(col)) {
      row[col] = v;
      continue;
    }
    const numeric = numericColumn(col);
    if (numeric === undefined) return { why: `an unknown column "${col}"` };
    if (!numeric || v === '') {
      row[col] = v;
      continue;
    }
    const x = Number(v);
    if (!Number.isFinite(x) || String(x) !== v) return { why: `${col} = "${v}", not a number` };
    row[col] = x;
  }
  return { row };
}

/** The identifying text of a row: its key columns and path, as written. */
const rowKeyOf = (values: unknown[]): string => values.map(cellText).join('\u0000');
const cellKeyOf = (plan: Plan, c: Cell): string => rowKeyOf([...plan.keyColumns.map((k) => c.key[k]), c.key.path]);

export interface ResumeRequest {
  plan: Plan;
  csvFile: string;
  metaFile: string;
  /** What this run's sidecar will say. */
  expected: MetaHeader;
  /** --resume-any: keep rows that parse even without a matching sidecar. */
  any: boolean;
}

export interface ResumeOutcome {
  kept: Map<number, KeptRow>;
  /** Rows found in the CSV but recomputed, with why (for a warning). */
  dropped: string[];
  /** The CSV could not be parsed at all: every row is recomputed. */
  unreadable?: boolean;
  /** Set when --resume-any kept rows without provenance: why there was none. */
  unverifiedBecause?: string;
}

/**
 * The rows of an earlier run that `--resume` may keep: only when the sidecar says the CSV came
 * from this scenario's content, seed, overrides, shard and iovsim version, and only rows that
 * parse (every numeric column a finite number, a known cell) and match the digest the
 * sidecar recorded for them; every other row is recomputed. A missing or foreign sidecar is
 * refused, unless `any`.
 */
export function rowsToResume(q: ResumeRequest): ResumeOutcome {
  const { plan, csvFile, metaFile, expected } = q;
  const out: ResumeOutcome = { kept: new Map(), dropped: [] };
  if (!existsSync(csvFile)) return out;
  const anyHint = '; run without --resume to recompute, or with --resume-any to keep the rows';
  let meta: RunMeta | undefined;
  let foreign: string | undefined;
  try {
    meta = readMeta(metaFile, `the provenance sidecar of ${basename(csvFile)}, as iovsim writes it`);
  } catch (e) {
    if (!q.any) {
      const x = e as InputError;
      throw new InputError(x.fieldPath, x.expected, `${x.found}${anyHint}`, x.file);
    }
    foreign = `${basename(metaFile)} is damaged`;
  }
  if (!meta && !foreign) {
    if (!q.any)
      throw new InputError(
        '--resume',
        `its provenance sidecar ${basename(metaFile)} beside it`,
        `no such file (a CSV of unknown origin${anyHint})`,
        csvFile,
      );
    foreign = `${basename(metaFile)} is missing`;
  }
  if (meta) {
    const d = disagreement(expected, meta);
    const shardOf = (m: MetaHeader) => (m.shard ? `shard ${m.shard.index} of ${m.shard.count}` : 'no shard');
    if (d) {
      if (!q.any) throw new InputError(d.field, `${d.want} (this run's)`, `${d.found} (${d.why}${anyHint})`, metaFile);
      foreign = `${basename(metaFile)} records ${d.why}`;
    } else if (shardOf(meta) !== shardOf(expected)) {
      if (!q.any)
        throw new InputError('shard', `${shardOf(expected)} (this run's)`, `${shardOf(meta)}${anyHint}`, metaFile);
      foreign = `${basename(metaFile)} is of ${shardOf(meta)}`;
    }
  }
  const trusted = foreign === undefined ? meta : undefined;
  out.unverifiedBecause = foreign;
  let text: string;
  try {
    text = readFileSync(csvFile, 'utf8');
  } catch (e) {
    throw new InputError('', 'a readable result CSV', (e as Error).message, csvFile);
  }
  const shard = expected.shard;
  const parsed = parseRecords(text, shard !== undefined);
  if (!parsed) {
    out.unreadable = true;
    return out;
  }
  out.dropped.push(...parsed.skipped);
  const byKey = new Map(plan.cells.map((c) => [cellKeyOf(plan, c), c]));
  const recorded = new Map((trusted?.rows ?? []).map((r) => [r.cell, r]));
  const extra = shard ? ['cell', 'path'] : ['path'];
  for (const rec of parsed.records) {
    const drop = (why: string) => out.dropped.push(`line ${rec.line}: ${why}`);
    const r = rowOf(parsed.header, rec, plan.keyColumns, extra);
    if ('why' in r) {
      drop(r.why);
      continue;
    }
    const row = r.row;
    let cell: Cell | undefined;
    if (shard) {
      const k = Number(row.cell);
      cell = /^(0|[1-9][0-9]*)$/.test(String(row.cell)) ? plan.cells[k] : undefined;
      if (cell && cellKeyOf(plan, cell) !== rowKeyOf([...plan.keyColumns.map((c) => row[c]), row.path]))
        cell = undefined;
      if (cell && cell.index % shard.count !== shard.index) cell = undefined;
      delete row.cell;
    } else cell = byKey.get(rowKeyOf([...plan.keyColumns.map((c) => row[c]), row.path]));
    if (!cell) {
      drop('not a cell of this study');
      continue;
    }
    if (out.kept.has(cell.index)) {
      drop(`a second row for cell ${cell.index}`);
      continue;
    }
    for (const k of plan.keyColumns) row[k] = cell.key[k] as string | number;
    if (trusted) {
      const entry = recorded.get(cell.index);
      if (!entry || entry.digest !== rowDigest(row)) {
        drop(`cell ${cell.index} differs from what ${basename(metaFile)} recorded`);
        continue;
      }
    }
    out.kept.set(cell.index, { row, unverified: !trusted });
  }
  if (parsed.cut !== undefined)
    out.dropped.push(`line ${parsed.cut}: cut short (the file does not end with a newline)`);
  return out;
}

/** A study put back together from its shards. */
export interface MergedStudy {
  name: string;
  /** The folder of its shard files (of the first, if they are in several). */
  dir: string;
  /** Every shard file, by index. */
  files: string[];
  meta: RunMeta;
  /** Its rows in cell order, without the `cell` column, values as written. */
  rows: Row[];
}

/** The shard files named on the command line: files, or folders holding them. */
function shardFiles(inputs: string[]): string[] {
  const expected = 'a shard file (<name>.shard-<i>-of-<n>.csv) or a folder of them';
  const files: string[] = [];
  for (const input of inputs) {
    let isDir: boolean;
    try {
      isDir = statSync(input).isDirectory();
    } catch {
      throw new InputError('', expected, 'no such file or folder', input);
    }
    if (isDir) {
      const found = readdirSync(input)
        .filter((f) => SHARD_FILE.test(f) && f.endsWith('.csv'))
        .sort()
        .map((f) => join(input, f));
      if (found.length === 0) throw new InputError('', expected, 'a folder without shard files', input);
      files.push(...found);
    } else {
      const m = SHARD_FILE.exec(basename(input));
      if (!m) throw new InputError('', expected, `a file named ${JSON.stringify(basename(input))}`, input);
      files.push(m[4] === 'csv' ? input : join(dirname(input), basename(input).replace(/\.meta\.json$/, '.csv')));
    }
  }
  // The same file named twice (a folder and a file in it) is one shard.
  const seen = new Set<string>();
  return files.filter((f) => {
    let id = f;
    try {
      id = realpathSync(f);
    } catch {
      // Checked when read.
    }
    return !seen.has(id) && seen.add(id);
  });
}

interface ShardRead {
  file: string;
  shard: Shard;
  meta: RunMeta;
}

/**
 * Reads shard files (or folders of them) and puts each study back together, exactly as one
 * unsharded run would have written it. Refused, naming the files or cells: a shard file
 * without its sidecar, or damaged; shards of one study from another scenario content,
 * iovsim version, seed, overrides or shard count (foreign); two files for one shard
 * (duplicated); a shard or a cell that is not there (missing).
 */
export function mergeShards(inputs: string[]): MergedStudy[] {
  const groups = new Map<string, ShardRead[]>();
  for (const file of shardFiles(inputs)) {
    const m = SHARD_FILE.exec(basename(file))!;
    const shard = { index: Number(m[2]), count: Number(m[3]) };
    if (shard.index >= shard.count)
      throw new InputError('', `a shard index below the count (0 to ${shard.count - 1})`, `shard ${shard.index}`, file);
    if (!existsSync(file)) throw new InputError('', 'a shard CSV beside its sidecar', 'no such file', file);
    const metaFile = metaFileFor(file);
    const meta = readMeta(metaFile, 'the provenance sidecar of a shard, as iovsim run --shard writes it');
    if (!meta) throw new InputError('', `its sidecar ${basename(metaFile)} beside it`, 'no such file', file);
    if (meta.shard?.index !== shard.index || meta.shard.count !== shard.count)
      throw new InputError(
        'shard',
        `shard ${shard.index} of ${shard.count}, as its file name says`,
        meta.shard ? `shard ${meta.shard.index} of ${meta.shard.count}` : 'an unsharded run',
        metaFile,
      );
    const list = groups.get(m[1]) ?? [];
    list.push({ file, shard, meta });
    groups.set(m[1], list);
  }
  return [...groups.entries()].map(([name, list]) => mergeGroup(name, list));
}

function mergeGroup(name: string, list: ShardRead[]): MergedStudy {
  list.sort((a, b) => a.shard.index - b.shard.index || a.file.localeCompare(b.file));
  const first = list[0];
  const n = first.shard.count;
  for (const s of list.slice(1)) {
    if (s.shard.count !== n)
      throw new InputError(
        'shard',
        `shards of one study split the same way (${first.file} is of ${n} shards)`,
        `shard ${s.shard.index} of ${s.shard.count}`,
        s.file,
      );
    const d = disagreement(first.meta, s.meta);
    if (d)
      throw new InputError(
        d.field,
        `${d.want}, as ${basename(first.file)} has: every shard of one study alike`,
        `${d.found} (${d.why}: a shard of another run)`,
        metaFileFor(s.file),
      );
  }
  for (let i = 1; i < list.length; i++)
    if (list[i].shard.index === list[i - 1].shard.index)
      throw new InputError(
        'shard',
        `one file per shard (shard ${list[i].shard.index} of ${n} is also ${list[i - 1].file})`,
        'a second file for it',
        list[i].file,
      );
  const cells = first.meta.cells;
  const owned = (i: number) => Array.from({ length: cells }, (_, k) => k).filter((k) => k % n === i);
  const have = new Set(list.map((s) => s.shard.index));
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !have.has(i));
  if (missing.length > 0) {
    const what = missing
      .slice(0, 4)
      .map((i) => `shard ${i} (cells ${owned(i).length ? cellList(owned(i)) : 'none'})`)
      .join(', ');
    throw new InputError(
      'shards',
      `all ${n} shards of ${name}`,
      `no file for ${what}${missing.length > 4 ? ` and ${missing.length - 4} more shards` : ''}`,
      join(dirname(first.file), `${name}.shard-*-of-${n}.csv`),
    );
  }
  const rows: { cell: number; row: Row }[] = [];
  const metaRows: MetaRow[] = [];
  for (const s of list) {
    let text: string;
    try {
      text = readFileSync(s.file, 'utf8');
    } catch (e) {
      throw new InputError('', 'a readable shard CSV', (e as Error).message, s.file);
    }
    const parsed = parseRecords(text, true);
    const mine = owned(s.shard.index);
    if (!parsed || parsed.header[0] !== 'cell')
      throw new InputError(
        '',
        'a shard CSV as iovsim run --shard writes it (a header starting with cell)',
        'something else',
        s.file,
      );
    const recorded = new Map(s.meta.rows.map((r) => [r.cell, r]));
    const seen = new Set<number>();
    for (const rec of parsed.records) {
      const values = rec.values;
      if (values.length !== parsed.header.length)
        throw new InputError(
          `line ${rec.line}`,
          `${parsed.header.length} fields, as the header`,
          `${values.length}`,
          s.file,
        );
      const row: Row = {};
      parsed.header.forEach((col, i) => {
        if (values[i] !== null) row[col] = values[i] as string;
      });
      const k = String(row.cell);
      const cell = Number(k);
      if (!/^(0|[1-9][0-9]*)$/.test(k) || cell >= cells || cell % n !== s.shard.index)
        throw new InputError(
          `line ${rec.line}: cell`,
          `a cell of shard ${s.shard.index} of ${n} (k mod ${n} = ${s.shard.index}, k < ${cells})`,
          JSON.stringify(k),
          s.file,
        );
      if (seen.has(cell))
        throw new InputError(`line ${rec.line}: cell`, 'each cell once', `cell ${cell} again`, s.file);
      seen.add(cell);
      delete row.cell;
      const entry = recorded.get(cell);
      if (!entry || entry.digest !== rowDigest(row))
        throw new InputError(
          `line ${rec.line}`,
          `cell ${cell} as ${basename(metaFileFor(s.file))} recorded it`,
          entry ? 'other values (the file was changed after the run)' : 'a cell the sidecar does not list',
          s.file,
        );
      rows.push({ cell, row });
      metaRows.push(entry);
    }
    const lacking = mine.filter((k) => !seen.has(k));
    if (lacking.length > 0)
      throw new InputError(
        'rows',
        `every cell of shard ${s.shard.index} of ${n} (${mine.length} rows)`,
        `${seen.size} rows, missing cells ${cellList(lacking)} (an interrupted shard: run it again with --resume)`,
        s.file,
      );
  }
  rows.sort((a, b) => a.cell - b.cell);
  metaRows.sort((a, b) => a.cell - b.cell);
  const nodes = [...new Set(list.map((s) => s.meta.node))];
  const { shard: _shard, rows: _rows, ...header } = first.meta;
  void _shard;
  void _rows;
  return {
    name,
    dir: dirname(first.file),
    files: list.map((s) => s.file),
    meta: { ...header, node: nodes.join(', '), rows: metaRows },
    rows: rows.map((r) => r.row),
  };
}
