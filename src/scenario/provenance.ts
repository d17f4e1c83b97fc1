import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Row } from '../metrics/metrics.js';
import type { Plan } from './plan.js';
import type { Overrides } from './resolve.js';

/**
 * Provenance of result files: the sidecar `<name>.meta.json` a run writes beside `<name>.csv`,
 * what it says and how a row is digested. Reading result files back (the rows `--resume` may
 * keep, the shards `iovsim merge` puts together) is in readback.ts, apart, so that a run that
 * only writes does not load a CSV parser.
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
export const metaSchema = z.strictObject({
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

/** A row kept from an earlier run. */
export interface KeptRow {
  row: Row;
  /** Kept under --resume-any without provenance that vouches for it. */
  unverified: boolean;
}
