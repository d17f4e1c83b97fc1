import { deriveSeed } from '../engine/rng.js';
import { aggregateReplications } from '../metrics/aggregate.js';
import { lossOf, resultRow, valueOf, type Row } from '../metrics/metrics.js';
import { WIRE_OVERHEAD_BYTES } from '../model/config.js';
import type { ResolvedPath, RunResult } from '../model/result.js';
import { toCsv, toShardCsv } from '../output/csv.js';
import { metaText } from '../output/meta.js';
import { removeLongTables, writeLongTables } from '../output/tidy.js';
import { writeAtomic } from '../output/write.js';
import type { Cell, Plan } from '../scenario/plan.js';
import { rowDigest, type KeptRow, type MetaHeader, type MetaRow, type Shard } from '../scenario/provenance.js';
import type { Experiment } from '../scenario/resolve.js';
import type { RequestRate } from '../scenario/schema.js';
import { canonicalAssignment } from '../scenario/sweep.js';
import { formatDuration, formatRate, formatRequestRate, rateValue, type Rate } from '../scenario/units.js';
import { meanCi } from '../stats/confidence.js';
import type { TaskRunner } from './pool.js';
import { largestPassing } from './search.js';

/** Progress of a run, in rows of output. */
export interface ProgressSink {
  /** Rows in all, and those already done (kept by --resume). */
  start(total: number, done: number): void;
  advance(by: number): void;
  stop(): void;
}

/** Where a run writes: its CSV and, beside it, its provenance sidecar and (whole studies) its per-VM and per-core long forms. */
export interface RunOutput {
  csvFile: string;
  metaFile: string;
  /** What the sidecar says besides its rows (its `shard` makes the CSV a shard file). */
  header: MetaHeader;
}

export interface RunnerOptions {
  runner: TaskRunner;
  /** Rows in flight at once; with workers, the number of workers. */
  concurrency: number;
  /** Where rows are written as they complete; none to keep them in memory only. */
  output?: RunOutput;
  /** Rows of an earlier run to keep, by cell index (checked by scenario/provenance.ts). */
  keep?: Map<number, KeptRow>;
  /** Run only this shard's cells. */
  shard?: Shard;
  onWarning: (message: string) => void;
  progress?: ProgressSink;
  /** True once the run is to stop; rows in flight are abandoned (their runs fail). */
  aborted: () => boolean;
}

/** A computed cell: its row and the seeds its replications ran with. */
interface Done {
  row: Row;
  seeds: number[];
  unverified?: boolean;
}

export class Interrupted extends Error {
  constructor(
    readonly rowsWritten: number,
    readonly rowsTotal: number,
  ) {
    super(`interrupted after ${rowsWritten} of ${rowsTotal} rows`);
  }
}

/**
 * The seeds of a sweep point's replications. A point's seeds derive from the scenario's seed,
 * the point's own swept values and the replication number, never from its position, so
 * inserting a sweep value or splitting the study into shards changes no other row. A single
 * run (no sweep, one replication, no precision target) runs with the scenario's seed itself;
 * a search's probes too.
 */
export function pointSeeds(plan: Plan, cell: Cell, count: number): number[] {
  const base = cell.point.exp.config.seed;
  const exp = cell.point.exp;
  const derived = plan.sweepKeys.length > 0 || exp.replications > 1 || exp.precision !== undefined;
  if (!derived || exp.search) return [base];
  const id = canonicalAssignment(cell.point.assignment);
  return Array.from({ length: count }, (_, r) => deriveSeed(base, 'point', id, 'replication', r));
}

/**
 * Runs a plan (or one shard of it): its cells, each a sweep point on one path (with its
 * replications) or a search. Rows are written to the CSV as soon as every row before them
 * is done, atomically and after the sidecar that vouches for them, so an interrupted run
 * leaves a valid CSV of the rows it completed (and, unless killed outright, long forms of
 * the same rows); --resume keeps those and computes the rest.
 * Seeds depend only on a cell's content, so the output is the same whatever the
 * concurrency or sharding.
 */
export async function runPlan(plan: Plan, o: RunnerOptions): Promise<Row[]> {
  const shard = o.shard;
  const cells = shard ? plan.cells.filter((c) => c.index % shard.count === shard.index) : plan.cells;
  const compute = plan.points[0].exp.search ? searchCell(plan, o) : gridCell(plan, o);
  const done: (Done | undefined)[] = cells.map((c) => {
    const kept = o.keep?.get(c.index);
    if (!kept) return undefined;
    const reps = typeof kept.row.replications === 'number' ? kept.row.replications : 1;
    return { row: kept.row, seeds: pointSeeds(plan, c, reps), unverified: kept.unverified };
  });
  const out = o.output;
  const write = (n: number) => {
    if (!out) return;
    const rows: MetaRow[] = cells.slice(0, n).map((c, j) => ({
      cell: c.index,
      key: c.key,
      seeds: done[j]!.seeds,
      digest: rowDigest(done[j]!.row),
      ...(done[j]!.unverified ? { unverified: true as const } : {}),
    }));
    // The sidecar first: a CSV row without its sidecar entry is recomputed on --resume.
    writeAtomic(out.metaFile, metaText({ ...out.header, rows }));
    const csvRows = done.slice(0, n).map((d) => d!.row);
    writeAtomic(
      out.csvFile,
      out.header.shard ? toShardCsv(csvRows.map((r, j) => ({ cell: cells[j].index, ...r }))) : toCsv(csvRows),
    );
    // Long forms of an earlier run would not describe this CSV: gone with its first write,
    // written again once the run ends or stops (rewriting them with every row would cost the
    // square of the rows). A shard has none: `iovsim merge` writes them from the whole study.
    if (!longFormsCleared && !out.header.shard) {
      longFormsCleared = true;
      removeLongTables(out.csvFile);
    }
  };
  let longFormsCleared = false;
  /** The long forms of the rows in the CSV, once the run has ended or stopped. */
  const writeLongForms = () => {
    if (out && !out.header.shard && written > 0)
      writeLongTables(
        out.csvFile,
        done.slice(0, written).map((d) => d!.row),
        plan.keyColumns,
      );
  };
  let written = 0;
  const flush = () => {
    let n = written;
    while (n < cells.length && done[n] !== undefined) n++;
    if (n > written) {
      written = n;
      write(n);
    }
  };
  flush();
  const todo = cells.map((_, i) => i).filter((i) => done[i] === undefined);
  o.progress?.start(cells.length, cells.length - todo.length);
  let next = 0;
  let failure: unknown;
  const lane = async () => {
    while (next < todo.length && failure === undefined && !o.aborted()) {
      const i = todo[next++];
      try {
        done[i] = await compute(cells[i]);
      } catch (e) {
        // A run stopped by the abort fails; that is the stop, not an error.
        if (!o.aborted()) failure ??= e;
        return;
      }
      o.progress?.advance(1);
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, lane));
  o.progress?.stop();
  if (failure !== undefined) throw failure;
  writeLongForms();
  if (written < cells.length) throw new Interrupted(written, cells.length);
  // A shard with no cells still says so, for merge to see it.
  if (cells.length === 0) write(0);
  return done.map((d) => d!.row);
}

/** Runs one path of one experiment with the given seed. */
async function runOne(o: RunnerOptions, exp: Experiment, path: ResolvedPath, seed: number): Promise<RunResult> {
  const out = await o.runner.run({
    config: { ...exp.config, seed },
    path,
    warmupAuto: exp.warmupAuto,
    label: exp.name,
  });
  out.warnings.forEach(o.onWarning);
  return out.result;
}

/** Computes a sweep point on one path, with its replications (and a precision target's extra ones). */
function gridCell(plan: Plan, o: RunnerOptions): (cell: Cell) => Promise<Done> {
  return async (cell) => {
    const { point } = cell;
    const exp = point.exp;
    const path = exp.paths[cell.pathIndex];
    const baseSeed = exp.config.seed;
    const seeds: number[] = [];
    const runReps = (from: number, to: number) => {
      const more = pointSeeds(plan, cell, to).slice(from);
      seeds.push(...more);
      return Promise.all(more.map((seed) => runOne(o, exp, path, seed).then((r) => resultRow(exp.name, r))));
    };
    const rows = await runReps(0, exp.replications);
    let precision: string | undefined;
    const target = exp.precision;
    if (target) {
      const metric = target.metric;
      const relative = () => {
        const ci = meanCi(rows.map((r) => Number(r[metric])));
        return ci.halfWidth / Math.abs(ci.mean);
      };
      // Batches of the initial size, so the number run never depends on --jobs.
      while (!(relative() <= target.relativeHalfWidth) && rows.length < target.maxReplications) {
        const to = Math.min(target.maxReplications, rows.length + exp.replications);
        rows.push(...(await runReps(rows.length, to)));
      }
      const rel = relative();
      precision =
        rel <= target.relativeHalfWidth
          ? `reached (${metric} +/-${(100 * rel).toFixed(2)} %)`
          : `cap of ${target.maxReplications} reached (${metric} +/-${(100 * rel).toFixed(2)} %)`;
    }
    const body = rows.length === 1 ? rows[0] : { replications: rows.length, ...aggregateReplications(rows, baseSeed) };
    return { row: { ...point.assignment, ...body, ...(precision ? { precision } : {}) }, seeds };
  };
}

/**
 * Computes a search cell: every probe is one run with the scenario's seed, one after the
 * other (each depends on the last), so a search is never spread over shards.
 */
function searchCell(plan: Plan, o: RunnerOptions): (cell: Cell) => Promise<Done> {
  const base = plan.points[0].exp;
  const s = base.search!;
  const seed = base.config.seed;
  const done = (row: Row): Done => ({ row, seeds: [seed] });
  return async (cell) => {
    const k = cell.pathIndex;
    const path = base.paths[k];
    if (s.kind === 'zero-loss') {
      const frame = cell.frame!;
      const lineBps = base.config.nic.lineRateGbps * 1e9;
      // Offered load as a share x of line rate, in frame bits: line rate x frame / (frame + 20).
      const expAt = (x: number) =>
        plan.at((sc) => {
          sc.traffic.frame_bytes = frame;
          sc.traffic.load = { bitsPerSec: (x * lineBps * frame) / (frame + WIRE_OVERHEAD_BYTES) };
        });
      const out = await largestPassing(0, 1, s.resolution, false, async (x) => {
        if (x === 0) return { ok: true, value: undefined as RunResult | undefined };
        const exp = expAt(x);
        const r = await runOne(o, exp, exp.paths[k], seed);
        return { ok: lossOf(r) <= s.loss, value: r as RunResult | undefined };
      });
      const best = out.best ?? 0;
      const at = out.bestProbe ? resultRow(base.name, out.bestProbe) : { scenario: base.name, path: path.name };
      return done({
        frame_bytes: frame,
        path: path.name,
        zero_loss_load_pct: Number((100 * best).toPrecision(6)),
        search_probes: out.probes,
        ...at,
      });
    }
    // Capacity: the largest VM count (or per-VM load) that meets every SLO.
    {
      const slo = s.slo;
      const failing = (r: RunResult): string[] => {
        const bad: string[] = [];
        // With transactions, the latency that matters is the transaction's.
        const p99 = r.mode === 'request-response' ? r.transactionLatencyNs.p99 : r.latencyNs.p99;
        if (slo.p99_latency !== undefined && !(p99 <= slo.p99_latency))
          bad.push(`p99_latency > ${formatDuration(slo.p99_latency)}`);
        if (slo.loss !== undefined && !(lossOf(r) <= slo.loss)) bad.push(`loss > ${slo.loss}`);
        if (slo.cpu !== undefined && !(valueOf('host_cpu_pct', r) / 100 <= slo.cpu))
          bad.push(`cpu > ${100 * slo.cpu} % of host`);
        return bad;
      };
      let lo: number;
      let hi: number;
      let resolution: number;
      let integer = false;
      let shown: (x: number) => number | string;
      let probe: (x: number) => Experiment;
      let limit: string | undefined;
      if (s.vary === 'vms.count') {
        lo = s.from as number;
        hi = s.to as number;
        const nic = base.config.nic;
        const cap =
          path.spec.nic_sorting === 'vmdq' ? nic.vmdqPools : path.spec.nic_sorting === 'vf' ? nic.vfs : Infinity;
        if (cap < hi) {
          hi = Math.max(lo, cap);
          limit = path.spec.nic_sorting === 'vmdq' ? `nic.vmdq_pools = ${cap}` : `nic.vfs = ${cap}`;
        }
        resolution = 1;
        integer = true;
        shown = (x) => x;
        probe = (x) => plan.at((sc) => (sc.vms.count = x), { nicLimits: false });
      } else if (s.vary === 'traffic.request_response.rate_per_vm') {
        const from = s.from as RequestRate;
        lo = from.requestsPerSec;
        hi = (s.to as RequestRate).requestsPerSec;
        resolution = (hi - lo) / 100;
        shown = (x) => formatRequestRate(x, from.unit);
        probe = (x) => plan.at((sc) => (sc.traffic.request_response.rate_per_vm = x));
      } else {
        const from = s.from as Rate;
        const unitRate = (x: number): Rate =>
          'bitsPerSec' in from ? { bitsPerSec: x, unit: from.unit } : { packetsPerSec: x, unit: from.unit };
        lo = rateValue(from).value;
        hi = rateValue(s.to as Rate).value;
        resolution = s.resolution !== undefined ? rateValue(s.resolution).value : (hi - lo) / 100;
        shown = (x) => formatRate(unitRate(x));
        probe = (x) => plan.at((sc) => (sc.traffic.load_per_vm = unitRate(x)));
      }
      const out = await largestPassing(lo, hi, resolution, integer, async (x) => {
        const exp = probe(x);
        const r = await runOne(o, exp, exp.paths[k], seed);
        return { ok: failing(r).length === 0, value: r };
      });
      const binding =
        out.failProbe !== undefined
          ? failing(out.failProbe).join('; ')
          : limit !== undefined
            ? `NIC limit: ${limit}`
            : `search range ends at ${shown(hi)}`;
      const at = out.bestProbe ? resultRow(base.name, out.bestProbe) : { scenario: base.name, path: path.name };
      return done({
        path: path.name,
        search_field: s.vary,
        capacity: out.best !== undefined ? shown(out.best) : `none (fails at ${shown(lo)})`,
        binding_constraint: binding,
        search_probes: out.probes,
        ...at,
      });
    }
  };
}
