import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { deriveSeed } from '../engine/rng.js';
import { InputError } from '../errors.js';
import { meanFrameBytes, WIRE_OVERHEAD_BYTES } from '../model/config.js';
import type { ResolvedPath, RunResult } from '../model/network.js';
import { aggregateReplications } from '../output/aggregate.js';
import { resultRow, type Row } from '../output/columns.js';
import { toCsv, writeAtomic } from '../output/write.js';
import type { Experiment } from '../scenario/resolve.js';
import { parseDurationNs, parseRate } from '../scenario/units.js';
import { meanCi } from '../stats/confidence.js';
import type { Plan } from './plan.js';
import type { TaskRunner } from './pool.js';
import { largestPassing } from './search.js';
import type { Assignment } from './sweep.js';

/** Progress of a run, in rows of output. */
export interface ProgressSink {
  start(total: number): void;
  advance(by: number): void;
  stop(): void;
}

export interface RunnerOptions {
  runner: TaskRunner;
  /** Rows in flight at once; with workers, the number of workers. */
  concurrency: number;
  /** Where rows are written as they complete; none to keep them in memory only. */
  csvFile?: string;
  /** Keep the rows already in csvFile and compute only the others. */
  resume: boolean;
  onWarning: (message: string) => void;
  progress?: ProgressSink;
  /** Checked between runs: true stops the run after the rows in flight. */
  aborted: () => boolean;
}

/** One output row to compute: its identity (for --resume) and how to compute it. */
interface Cell {
  key: string;
  compute: () => Promise<Row>;
}

export class Interrupted extends Error {
  constructor(readonly rowsWritten: number, readonly rowsTotal: number) {
    super(`interrupted after ${rowsWritten} of ${rowsTotal} rows`);
  }
}

const keyOf = (values: unknown[]): string => values.map((v) => String(v)).join('\u0000');

/**
 * Runs a plan: its sweep points x paths (with replications), or its search. Rows are
 * written to the CSV as soon as every row before them is done, atomically, so an
 * interrupted run leaves a valid CSV of the rows it completed; --resume keeps those and
 * computes the rest. Seeds depend only on the point and replication, so the output is the
 * same whatever the concurrency.
 */
export async function runPlan(plan: Plan, o: RunnerOptions): Promise<Row[]> {
  const cells = plan.points[0].exp.search ? searchCells(plan, o) : gridCells(plan, o);
  const done: (Row | undefined)[] = new Array(cells.length);
  const csvFile = o.csvFile;
  if (o.resume && csvFile !== undefined && existsSync(csvFile)) {
    const keyColumns = plan.points[0].exp.search?.kind === 'zero-loss' ? ['frame_bytes'] : plan.sweepKeys;
    const existing = new Map<string, Row>();
    for (const r of parse(readFileSync(csvFile, 'utf8'), { columns: true, skip_empty_lines: true }) as Row[]) {
      existing.set(keyOf([...keyColumns.map((k) => r[k]), r.path]), r);
    }
    cells.forEach((c, i) => (done[i] = existing.get(c.key)));
  }
  let written = 0;
  const flush = () => {
    let n = written;
    while (n < cells.length && done[n] !== undefined) n++;
    if (n > written) {
      written = n;
      if (csvFile !== undefined) writeAtomic(csvFile, toCsv(done.slice(0, n) as Row[]));
    }
  };
  flush();
  const todo = cells.map((_, i) => i).filter((i) => done[i] === undefined);
  o.progress?.start(cells.length);
  o.progress?.advance(cells.length - todo.length);
  let next = 0;
  let failure: unknown;
  const lane = async () => {
    while (next < todo.length && failure === undefined && !o.aborted()) {
      const i = todo[next++];
      try {
        done[i] = await cells[i].compute();
      } catch (e) {
        failure ??= e;
        return;
      }
      o.progress?.advance(1);
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, lane));
  o.progress?.stop();
  if (failure !== undefined) throw failure;
  if (written < cells.length) throw new Interrupted(written, cells.length);
  return done as Row[];
}

/** Runs one path of one experiment with the given seed. */
async function runOne(o: RunnerOptions, exp: Experiment, path: ResolvedPath, seed: number): Promise<RunResult> {
  const out = await o.runner.run({ config: { ...exp.config, seed }, path, warmupAuto: exp.warmupAuto, label: exp.name });
  out.warnings.forEach(o.onWarning);
  return out.result;
}

function gridCells(plan: Plan, o: RunnerOptions): Cell[] {
  const derived = plan.sweepKeys.length > 0 || plan.points[0].exp.replications > 1;
  return plan.points.flatMap((point) =>
    point.exp.paths.map((path) => ({
      key: keyOf([...plan.sweepKeys.map((k) => point.assignment[k]), path.name]),
      compute: async (): Promise<Row> => {
        const exp = point.exp;
        const baseSeed = exp.config.seed;
        const seedOf = (r: number) => (derived ? deriveSeed(baseSeed, 'point', point.index, 'replication', r) : baseSeed);
        const runReps = (from: number, to: number) =>
          Promise.all(Array.from({ length: to - from }, (_, j) => runOne(o, exp, path, seedOf(from + j)).then((r) => resultRow(exp.name, r))));
        const rows = await runReps(0, exp.replications);
        let precision: string | undefined;
        const target = exp.precision;
        if (target) {
          const metric = target.metric;
          if (typeof rows[0][metric] !== 'number') {
            throw new InputError('precision.metric', 'a numeric output column, e.g. delivered_gbps or latency_p99_us', `"${metric}"`, plan.file);
          }
          const relative = () => {
            const ci = meanCi(rows.map((r) => Number(r[metric])));
            return ci.halfWidth / Math.abs(ci.mean);
          };
          // Batches of the initial size, so the number run never depends on --jobs.
          while (!(relative() <= target.relative_half_width) && rows.length < target.max_replications) {
            const to = Math.min(target.max_replications, rows.length + exp.replications);
            rows.push(...(await runReps(rows.length, to)));
          }
          const rel = relative();
          precision =
            rel <= target.relative_half_width
              ? `reached (${metric} +/-${(100 * rel).toFixed(2)} %)`
              : `cap of ${target.max_replications} reached (${metric} +/-${(100 * rel).toFixed(2)} %)`;
        }
        const body = rows.length === 1 ? rows[0] : { replications: rows.length, ...aggregateReplications(rows, baseSeed) };
        return { ...point.assignment, ...body, ...(precision ? { precision } : {}) };
      },
    })),
  );
}

/** Loss as the share of packets that left the system by a drop. */
function lossOf(r: RunResult): number {
  const dropped = Object.values(r.drops).reduce((a, b) => a + b, 0);
  return dropped + r.deliveredPackets > 0 ? dropped / (dropped + r.deliveredPackets) : 0;
}

function searchCells(plan: Plan, o: RunnerOptions): Cell[] {
  const base = plan.points[0].exp;
  const s = base.search!;
  const seed = base.config.seed;
  if (s.kind === 'zero-loss') {
    const frames = s.frame_sizes ?? [Math.round(meanFrameBytes(base.config.traffic.perVm[0].frames))];
    return frames.flatMap((frame) =>
      base.paths.map((path, k) => ({
        key: keyOf([frame, path.name]),
        compute: async (): Promise<Row> => {
          const lineGbps = base.config.nic.lineRateGbps;
          // Offered load as a share x of line rate, in frame bits: line rate x frame / (frame + 20).
          const expAt = (x: number) =>
            plan.experimentAt({
              'traffic.frame_bytes': frame,
              'traffic.load': `${((x * lineGbps * frame) / (frame + WIRE_OVERHEAD_BYTES)).toFixed(9)} Gbit/s`,
            });
          const out = await largestPassing(0, 1, s.resolution, async (x) => {
            if (x === 0) return { ok: true, value: undefined as RunResult | undefined };
            const exp = expAt(x);
            const r = await runOne(o, exp, exp.paths[k], seed);
            return { ok: lossOf(r) <= s.loss, value: r as RunResult | undefined };
          });
          const best = out.best ?? 0;
          const at = out.bestProbe ? resultRow(base.name, out.bestProbe) : { scenario: base.name, path: path.name };
          return { frame_bytes: frame, path: path.name, zero_loss_load_pct: Number((100 * best).toPrecision(6)), search_probes: out.probes, ...at };
        },
      })),
    );
  }
  // Capacity: the largest VM count (or per-VM load) that meets every SLO.
  return base.paths.map((path, k) => ({
    key: keyOf([path.name]),
    compute: async (): Promise<Row> => {
      const failing = (r: RunResult): string[] => {
        const bad: string[] = [];
        const cores = r.coreCycles.reduce((sum, c) => sum + c.reduce((a, b) => a + b, 0), 0) / r.clockGhz / r.windowNs;
        if (s.slo.p99_latency !== undefined && !(r.latencyNs.p99 <= parseDurationNs(s.slo.p99_latency)!)) bad.push(`p99_latency > ${s.slo.p99_latency}`);
        if (s.slo.loss !== undefined && !(lossOf(r) <= s.slo.loss)) bad.push(`loss > ${s.slo.loss}`);
        if (s.slo.cpu !== undefined && !(cores / r.coreCycles.length <= s.slo.cpu)) bad.push(`cpu > ${100 * s.slo.cpu} % of host`);
        return bad;
      };
      let lo: number;
      let hi: number;
      let resolution: number;
      let valueAt: (x: number) => number | string;
      let limit: string | undefined;
      if (s.vary === 'vms.count') {
        if (typeof s.from !== 'number' || typeof s.to !== 'number') {
          throw new InputError('search.from', 'VM counts (whole numbers) when search.vary is vms.count', `${s.from} .. ${s.to}`, plan.file);
        }
        lo = s.from;
        hi = s.to;
        const nic = base.config.nic;
        const cap = path.spec.nic_sorting === 'vmdq' ? nic.vmdqPools : path.spec.nic_sorting === 'vf' ? nic.vfs : Infinity;
        if (cap < hi) {
          hi = Math.max(lo, cap);
          limit = path.spec.nic_sorting === 'vmdq' ? `nic.vmdq_pools = ${cap}` : `nic.vfs = ${cap}`;
        }
        resolution = 1;
        valueAt = (x) => x;
      } else {
        const from = parseRateQuantity('search.from', s.from, plan.file);
        const to = parseRateQuantity('search.to', s.to, plan.file);
        if (from.unit !== to.unit) throw new InputError('search.to', `a rate in the unit of search.from (${from.unit})`, String(s.to), plan.file);
        lo = from.value;
        hi = to.value;
        resolution = s.resolution !== undefined ? parseRateQuantity('search.resolution', s.resolution, plan.file).value : (hi - lo) / 100;
        valueAt = (x) => `${Number(x.toPrecision(6))} ${from.unit}`;
      }
      const out = await largestPassing(lo, hi, resolution, async (x) => {
        const exp = plan.experimentAt({ [s.vary]: valueAt(x) } as Assignment);
        const r = await runOne(o, exp, exp.paths[k], seed);
        return { ok: failing(r).length === 0, value: r };
      });
      const binding =
        out.failProbe !== undefined ? failing(out.failProbe).join('; ') : limit !== undefined ? `NIC limit: ${limit}` : `search range ends at ${valueAt(hi)}`;
      const at = out.bestProbe ? resultRow(base.name, out.bestProbe) : { scenario: base.name, path: path.name };
      return {
        path: path.name,
        search_field: s.vary,
        capacity: out.best !== undefined ? valueAt(out.best) : `none (fails at ${valueAt(lo)})`,
        binding_constraint: binding,
        search_probes: out.probes,
        ...at,
      };
    },
  }));
}

function parseRateQuantity(field: string, v: number | string, file: string): { value: number; unit: string } {
  const m = typeof v === 'string' ? /^\s*([0-9.eE+-]+)\s*(\S+)\s*$/.exec(v) : null;
  if (!m || parseRate(v as string) === undefined) throw new InputError(field, 'a rate such as "1 Gbit/s"', String(v), file);
  return { value: Number(m[1]), unit: m[2] };
}
