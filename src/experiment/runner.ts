import { existsSync, readFileSync } from 'node:fs';
import { deriveSeed } from '../engine/rng.js';
import { aggregateReplications } from '../metrics/aggregate.js';
import { lossOf, resultRow, valueOf, type Row } from '../metrics/metrics.js';
import { meanFrameBytes, WIRE_OVERHEAD_BYTES } from '../model/config.js';
import type { ResolvedPath, RunResult } from '../model/result.js';
import { toCsv } from '../output/csv.js';
import { writeAtomic } from '../output/write.js';
import type { Plan } from '../scenario/plan.js';
import type { Experiment } from '../scenario/resolve.js';
import type { RequestRate } from '../scenario/schema.js';
import { formatDuration, formatRate, rateValue, TRANSACTION_RATE, type Rate } from '../scenario/units.js';
import { meanCi } from '../stats/confidence.js';
import type { TaskRunner } from './pool.js';
import { largestPassing } from './search.js';

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
  constructor(
    readonly rowsWritten: number,
    readonly rowsTotal: number,
  ) {
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
    const { parse } = await import('csv-parse/sync');
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
  const out = await o.runner.run({
    config: { ...exp.config, seed },
    path,
    warmupAuto: exp.warmupAuto,
    label: exp.name,
  });
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
        const seedOf = (r: number) =>
          derived ? deriveSeed(baseSeed, 'point', point.index, 'replication', r) : baseSeed;
        const runReps = (from: number, to: number) =>
          Promise.all(
            Array.from({ length: to - from }, (_, j) =>
              runOne(o, exp, path, seedOf(from + j)).then((r) => resultRow(exp.name, r)),
            ),
          );
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
        const body =
          rows.length === 1 ? rows[0] : { replications: rows.length, ...aggregateReplications(rows, baseSeed) };
        return { ...point.assignment, ...body, ...(precision ? { precision } : {}) };
      },
    })),
  );
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
          return {
            frame_bytes: frame,
            path: path.name,
            zero_loss_load_pct: Number((100 * best).toPrecision(6)),
            search_probes: out.probes,
            ...at,
          };
        },
      })),
    );
  }
  // Capacity: the largest VM count (or per-VM load) that meets every SLO.
  return base.paths.map((path, k) => ({
    key: keyOf([path.name]),
    compute: async (): Promise<Row> => {
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
        const scale = TRANSACTION_RATE.units[from.unit] ?? 1;
        lo = from.requestsPerSec;
        hi = (s.to as RequestRate).requestsPerSec;
        resolution = (hi - lo) / 100;
        shown = (x) => `${Number((x / scale).toPrecision(6))} ${from.unit}`;
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
      return {
        path: path.name,
        search_field: s.vary,
        capacity: out.best !== undefined ? shown(out.best) : `none (fails at ${shown(lo)})`,
        binding_constraint: binding,
        search_probes: out.probes,
        ...at,
      };
    },
  }));
}
