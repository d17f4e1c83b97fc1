import { dirname, resolve } from 'node:path';
import { metric, type MetricName, type Row } from '../metrics/metrics.js';
import { planFile, type Plan } from '../scenario/plan.js';
import type { Overrides } from '../scenario/resolve.js';
import type { TaskRunner } from './pool.js';
import { runPlan } from './runner.js';

const TOLERANCE = (m: string): number => metric(m as MetricName).tolerance!;
const UNIT = (m: string): string => metric(m as MetricName).unit;

/** One line of the comparison: a published figure or claim against what iovsim simulates. */
export interface ComparisonRow extends Row {
  id: string;
  scenario: string;
  path: string;
  metric: string;
  unit: string;
  published: number | string;
  published_low: number | string;
  published_high: number | string;
  /** A qualitative claim's text (`metric` is `claim`); empty for a figure. */
  claim: string;
  simulated: number | string;
  /** What the simulation found for a claim, in words; empty for a figure. */
  finding: string;
  error_pct: number | string;
  tolerance: string;
  result: 'pass' | 'fail' | 'informational';
  source: string;
}

export interface CompareOptions {
  runner: TaskRunner;
  concurrency: number;
  overrides?: Overrides;
  /** Where a law that missed its tolerance is reported: compare never drops them. */
  onWarning?: (message: string) => void;
}

const sig = (x: number): number => Number(x.toPrecision(4));

/** Runs each scenario once (a scenario named by a claim too) and caches its rows. */
class Runs {
  private readonly cache = new Map<string, Promise<{ name: string; rows: Row[] }>>();
  constructor(private readonly o: CompareOptions) {}

  get(file: string, planned?: Plan): Promise<{ name: string; rows: Row[] }> {
    const key = resolve(file);
    let p = this.cache.get(key);
    if (!p) {
      p = (async () => {
        const plan = planned ?? planFile(file, this.o.overrides ?? {});
        const rows = await runPlan(plan, {
          runner: this.o.runner,
          concurrency: this.o.concurrency,
          onWarning: this.o.onWarning ?? (() => {}),
          aborted: () => false,
        });
        return { name: plan.name, rows };
      })();
      this.cache.set(key, p);
    }
    return p;
  }
}

/**
 * Compares every `reference:` of the planned scenario files with a run of it. The scenario
 * layer has checked that each names paths the scenario runs and, for claims, fields it sweeps
 * and files that exist.
 */
export async function comparePlans(plans: Plan[], o: CompareOptions): Promise<ComparisonRow[]> {
  const runs = new Runs(o);
  const out: ComparisonRow[] = [];
  for (const plan of plans) {
    const file = plan.file;
    const ref = plan.scenario.reference!;
    const { name, rows } = await runs.get(file, plan);
    const base = { id: ref.id, scenario: name };
    const rowsOf = (path: string): Row[] => rows.filter((x) => x.path === path);
    ref.checks.forEach((c) => {
      for (const row of rowsOf(c.path)) {
        const sim = Number(row[c.metric]);
        const tol = TOLERANCE(c.metric);
        let ok: boolean;
        let err: number | string;
        if (c.range) {
          ok = sim >= c.range[0] && sim <= c.range[1];
          err = ok
            ? 0
            : sig(
                (100 * (sim < c.range[0] ? sim - c.range[0] : sim - c.range[1])) /
                  (sim < c.range[0] ? c.range[0] : c.range[1]),
              );
        } else {
          err = sig((100 * (sim - c.value!)) / c.value!);
          ok = Math.abs(sim - c.value!) <= tol * Math.abs(c.value!);
        }
        const point = plan.sweepKeys.map((k) => `${k}=${row[k]}`).join(', ');
        out.push({
          ...base,
          scenario: point ? `${name} (${point})` : name,
          path: c.path,
          metric: c.metric,
          unit: UNIT(c.metric),
          published: c.value ?? '',
          published_low: c.range?.[0] ?? '',
          published_high: c.range?.[1] ?? '',
          claim: '',
          simulated: sig(sim),
          finding: '',
          error_pct: err,
          tolerance: c.range ? 'inside the published range' : `within ${100 * tol} %`,
          result: c.informational ? 'informational' : ok ? 'pass' : 'fail',
          source: c.informational ? `${ref.source}; not held to: ${c.informational}` : ref.source,
        });
      }
    });
    for (const claim of ref.claims) {
      let simulated: string;
      let ok: boolean;
      let path: string;
      if (claim.kind === 'lower-than') {
        path = claim.path;
        const mine = Number(rowsOf(claim.path)[0][claim.metric]);
        const other = await runs.get(resolve(dirname(file), claim.than));
        const theirs = Number(other.rows.find((r) => r.path === claim.path)?.[claim.metric]);
        ok = mine < theirs;
        simulated = `${sig(mine)} here against ${sig(theirs)} in ${other.name}`;
      } else if (claim.kind === 'linear') {
        path = claim.path;
        const pts = rowsOf(claim.path).map((r) => [Number(r[claim.over]), Number(r[claim.metric])] as const);
        const { slope, r2 } = fitLine(pts);
        ok = Math.abs(slope - claim.slope) <= claim.tolerance * Math.abs(claim.slope) && r2 >= claim.min_r2;
        simulated = `slope ${sig(slope)} ${UNIT(claim.metric)} per ${claim.over} (published ${claim.slope}, within ${100 * claim.tolerance} %), R^2 ${sig(r2)} (at least ${claim.min_r2})`;
      } else {
        path = `${claim.numerator}/${claim.denominator}`;
        const top = Number(rowsOf(claim.numerator)[0][claim.metric]);
        const bottom = Number(rowsOf(claim.denominator)[0][claim.metric]);
        const ratio = top / bottom;
        const tol = TOLERANCE(claim.metric);
        ok =
          (claim.min === undefined || ratio >= claim.min) &&
          (claim.max === undefined || ratio <= claim.max) &&
          (claim.value === undefined || Math.abs(ratio - claim.value) <= tol * claim.value);
        const bounds = [
          claim.value !== undefined ? `${claim.value} within ${100 * tol} %` : '',
          claim.min !== undefined ? `>= ${claim.min}` : '',
          claim.max !== undefined ? `<= ${claim.max}` : '',
        ]
          .filter(Boolean)
          .join(' and ');
        simulated = `${claim.metric} ratio ${sig(ratio)} (${sig(top)} / ${sig(bottom)}), needs ${bounds}`;
      }
      out.push({
        ...base,
        path,
        metric: 'claim',
        unit: '',
        published: '',
        published_low: '',
        published_high: '',
        claim: claim.text,
        simulated: '',
        finding: simulated,
        error_pct: '',
        tolerance: 'the claim holds',
        result: ok ? 'pass' : 'fail',
        source: ref.source,
      });
    }
  }
  return out;
}

/** Least-squares line through the points: its slope and R^2. */
export function fitLine(pts: readonly (readonly [number, number])[]): { slope: number; r2: number } {
  const n = pts.length;
  const mx = pts.reduce((s, [x]) => s + x, 0) / n;
  const my = pts.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = pts.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = pts.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const syy = pts.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  const slope = sxy / sxx;
  return { slope, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}
