import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { numericColumn, type Row } from '../metrics/metrics.js';
import type { Cell, Plan } from './plan.js';
import type { Overrides } from './resolve.js';

/**
 * Provenance of result files, and every check on result files read back: the sidecar
 * `<name>.meta.json` a run writes beside `<name>.csv`, the rows `--resume` may keep, and the
 * shard files `iovsim merge` puts together. Whatever is wrong in them is bad input here
 * (exit 2, one line naming the file); the experiment layer only ever gets checked rows.
 */

/** The sidecar's format tag: bumped when its meaning changes. */
export const META_FORMAT = 'iovsim-run/1';

/** Shard `index` of `count`: the cells whose index k has k mod count = index. */
export interface Shard {
  index: number;
  count: number;
}

const int = z.number().int();
const keyValue = z.union([z.number(), z.string(), z.boolean()]);
const metaSchema = z.strictObject({
  format: z.literal(META_FORMAT),
  iovsim: z.string(),
  node: z.string(),
  scenario: z.strictObject({
    file: z.string(),
    name: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  seed: int,
  overrides: z.strictObject({
    seed: int.optional(),
    modes: z.array(z.string()).optional(),
    duration_ns: z.number().optional(),
  }),
  cells: int.nonnegative(),
  shard: z.strictObject({ index: int.nonnegative(), count: int.positive() }).optional(),
  rows: z.array(
    z.strictObject({
      cell: int.nonnegative(),
      key: z.record(z.string(), keyValue),
      seeds: z.array(int),
      digest: z.string(),
      unverified: z.literal(true).optional(),
    }),
  ),
});

/** A run's provenance sidecar. */
export type RunMeta = z.infer<typeof metaSchema>;
/** Everything a sidecar says besides its rows. */
export type MetaHeader = Omit<RunMeta, 'rows'>;
/** A sidecar's entry for one row: its cell, the seeds of its replications, a digest of its values. */
export type MetaRow = RunMeta['rows'][number];

/** What a run is, for its sidecar: the plan and what the command line changed. */
export function metaHeader(
  plan: Plan,
  o: { version: string; node: string; overrides: Overrides; shard?: Shard },
): MetaHeader {
  const overrides: MetaHeader['overrides'] = {};
  if (o.overrides.seed !== undefined) overrides.seed = o.overrides.seed;
  if (o.overrides.paths !== undefined) overrides.modes = o.overrides.paths;
  if (o.overrides.durationNs !== undefined) overrides.duration_ns = o.overrides.durationNs;
  return {
    format: META_FORMAT,
    iovsim: o.version,
    node: o.node,
    scenario: { file: plan.file, name: plan.name, sha256: plan.hash },
    seed: plan.points[0].exp.config.seed,
    overrides,
    cells: plan.cells.length,
    ...(o.shard ? { shard: { index: o.shard.index, count: o.shard.count } } : {}),
  };
}

/** A value as csv-stringify writes it: booleans as 1 or nothing, numbers as JavaScript prints them. */
export function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'boolean') return v ? '1' : '';
  return String(v);
}

/** A row's digest: sha256 of its columns and values as written (empty ones left out), 32 hex digits. */
export function rowDigest(row: Row): string {
  const entries = Object.keys(row)
    .sort()
    .map((k) => [k, cellText(row[k])])
    .filter(([, v]) => v !== '');
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 32);
}

/** The sidecar beside a result CSV: `x.csv` -> `x.meta.json`. */
export const metaFileFor = (csvFile: string): string => csvFile.replace(/\.csv$/i, '') + '.meta.json';

/** A short hash for messages. */
const short = (h: string): string => `${h.slice(0, 12)}...`;

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
): { header: string[]; records: RecordAt[]; cut?: number } | undefined {
  let all: { record: (string | null)[]; info: { lines: number } }[];
  try {
    all = parse(text, {
      relax_column_count: true,
      skip_records_with_error: true,
      skip_empty_lines: true,
      info: true,
      cast: exact ? (v: string, ctx: { quoting: boolean }) => (v === '' && !ctx.quoting ? null : v) : undefined,
    }) as unknown as { record: (string | null)[]; info: { lines: number } }[];
  } catch {
    return undefined;
  }
  if (all.length === 0) return undefined;
  const header = all[0].record.map((h) => h ?? '');
  const records = all.slice(1).map((r) => ({ values: r.record, line: r.info.lines }));
  const cut = !text.endsWith('\n') && records.length > 0 ? records.pop()!.line : undefined;
  return { header, records, cut };
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

/** A row kept from an earlier run. */
export interface KeptRow {
  row: Row;
  /** Kept under --resume-any without provenance that vouches for it. */
  unverified: boolean;
}

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
  if (parsed.cut !== undefined)
    out.dropped.push(`line ${parsed.cut}: cut short (the file does not end with a newline)`);
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
  return out;
}
