// Every pass/fail criterion of compare, verify and the runner, each with a case just inside
// and one just outside: compare's value tolerances (10 % on throughput, 20 % on CPU), ranges,
// ratio claims (value, min, max), lower-than claims, linear claims (slope tolerance, R^2);
// verify's "theory inside the 95 % interval" and interval width; the precision stopping rule;
// the automatic warm-up. The simulated values come from real runs of small scenarios; the
// published figures are then placed just inside and just outside each criterion.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparePlans, fitLine, type ComparisonRow } from '../src/experiment/compare.js';
import { InlineRunner, type TaskRunner } from '../src/experiment/pool.js';
import { pointSeeds, runPlan } from '../src/experiment/runner.js';
import { runTask, type Task, type TaskOutput } from '../src/experiment/task.js';
import { judge, MAX_RELATIVE_HALF_WIDTH, theoryFor, verify } from '../src/experiment/verify.js';
import { metric, resultRow, rounded, type Row } from '../src/metrics/metrics.js';
import { runPath } from '../src/model/network.js';
import { planFile } from '../src/scenario/plan.js';
import { meanCi } from '../src/stats/confidence.js';
import { mser5 } from '../src/stats/mser.js';
import { experiment } from './support/scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'iovsim-criteria-'));
const file = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

/** A runner that runs in this thread and keeps every task's output, in the order run. */
class Spy implements TaskRunner {
  private readonly inner = new InlineRunner();
  readonly outputs: TaskOutput[] = [];
  async run(task: Task): Promise<TaskOutput> {
    const out = await this.inner.run(task);
    this.outputs.push(out);
    return out;
  }
  abort(): void {}
  async close(): Promise<void> {}
}

const rowsOf = (f: string, runner: TaskRunner = new InlineRunner()): Promise<Row[]> =>
  runPlan(planFile(f), { runner, concurrency: 1, onWarning: () => {}, aborted: () => false });

const compare = (f: string): Promise<ComparisonRow[]> =>
  comparePlans([planFile(f)], { runner: new InlineRunner(), concurrency: 1 });

/** Least squares by hand (not compare.ts's fitLine): slope and R^2. */
function leastSquares(pts: [number, number][]): { slope: number; r2: number } {
  const n = pts.length;
  const mx = pts.reduce((s, p) => s + p[0], 0) / n;
  const my = pts.reduce((s, p) => s + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of pts) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  return { slope: sxy / sxx, r2: (sxy * sxy) / (sxx * syy) };
}

/** A relative margin far above rounding and far below any tolerance. */
const EPS = 1e-6;

describe('compare: every criterion just inside and just outside', () => {
  const scenario = `name: crit
seed: 3
duration: 5 ms
warmup: 1 ms
vms: {count: 2}
traffic: {load: 3 Gbit/s, arrivals: poisson}
paths: [paravirtual, sriov]
`;
  // The same scenario with a longer DMA: every frame takes 100 ns more, so latency is higher.
  const slower = `${scenario}costs: {dma_ns: 1100}\n`;
  file('slower.yaml', slower);
  const sweep = `name: crit-sweep
seed: 3
duration: 4 ms
warmup: 1 ms
traffic: {load_per_vm: 1 Gbit/s, arrivals: poisson}
paths: [sriov]
sweep: {vms.count: [1, 2, 3, 4]}
`;

  /** Simulated values the compare will see: the rows of a plain run. */
  const sims = (async () => {
    const rows = await rowsOf(file('plain.yaml', scenario));
    const of = (path: string, m: string) => Number(rows.find((r) => r.path === path)![m]);
    const sweepRows = await rowsOf(file('plain-sweep.yaml', sweep));
    return {
      gbps: of('sriov', 'delivered_gbps'),
      cpu: of('paravirtual', 'host_cpu_pct'),
      cpuRatio: of('paravirtual', 'host_cpu_pct') / of('sriov', 'host_cpu_pct'),
      latency: of('sriov', 'latency_mean_us'),
      line: leastSquares(sweepRows.map((r) => [Number(r['vms.count']), Number(r.latency_mean_us)])),
    };
  })();

  it('the tolerances are 10 % on throughput and 20 % on CPU', () => {
    expect(metric('delivered_gbps').tolerance).toBe(0.1);
    expect(metric('tcp_payload_gbps').tolerance).toBe(0.1);
    expect(metric('host_cpu_pct').tolerance).toBe(0.2);
    expect(metric('latency_mean_us').tolerance).toBe(0.2);
  });

  it('value checks: throughput within 10 %, CPU within 20 %, on either side, ends included', async () => {
    const { gbps, cpu } = await sims;
    // sim = v (1 + t): |sim - v| = t v exactly at the edge.
    const at = (sim: number, t: number) => [
      [sim / (1 + t * (1 - EPS)), 'pass'],
      [sim / (1 + t * (1 + EPS)), 'fail'],
      [sim / (1 - t * (1 - EPS)), 'pass'],
      [sim / (1 - t * (1 + EPS)), 'fail'],
    ];
    const cases = [
      ...at(gbps, 0.1).map(([value, want]) => ({ path: 'sriov', metric: 'delivered_gbps', value, want })),
      ...at(cpu, 0.2).map(([value, want]) => ({ path: 'paravirtual', metric: 'host_cpu_pct', value, want })),
    ];
    const checks = cases.map(({ path, metric: m, value }) => ({ path, metric: m, value }));
    const rows = await compare(
      file('values.yaml', `${scenario}reference: ${JSON.stringify({ id: 'T1', source: 'test', checks })}\n`),
    );
    expect(rows).toHaveLength(cases.length);
    rows.forEach((r, i) => {
      const c = cases[i];
      expect(r.result, `${c.metric} against ${c.value}`).toBe(c.want);
      expect(r.published).toBe(c.value);
      expect(r.tolerance).toBe(c.metric === 'host_cpu_pct' ? 'within 20 %' : 'within 10 %');
      const sim = c.metric === 'host_cpu_pct' ? cpu : gbps;
      expect(r.error_pct).toBe(Number(((100 * (sim - Number(c.value))) / Number(c.value)).toPrecision(4)));
      expect(r.simulated).toBe(Number(sim.toPrecision(4)));
    });
  });

  it('ranges: the ends are inside, a hair beyond them is not', async () => {
    const { gbps } = await sims;
    const ranges: [number, number, string][] = [
      [gbps, 2 * gbps, 'pass'],
      [gbps * (1 + 1e-9), 2 * gbps, 'fail'],
      [gbps / 2, gbps, 'pass'],
      [gbps / 2, gbps * (1 - 1e-9), 'fail'],
      [gbps * 1.5, gbps * 2, 'fail'],
      [gbps * 0.25, gbps * 0.5, 'fail'],
    ];
    const checks = ranges.map(([lo, hi]) => ({ path: 'sriov', metric: 'delivered_gbps', range: [lo, hi] }));
    const rows = await compare(
      file('ranges.yaml', `${scenario}reference: ${JSON.stringify({ id: 'T2', source: 'test', checks })}\n`),
    );
    rows.forEach((r, i) => {
      const [lo, hi, want] = ranges[i];
      expect(r.result, `[${lo}, ${hi}]`).toBe(want);
      expect(r.tolerance).toBe('inside the published range');
      expect([r.published_low, r.published_high]).toEqual([lo, hi]);
      // The error is how far outside, relative to the end it missed.
      const err = want === 'pass' ? 0 : gbps < lo ? (100 * (gbps - lo)) / lo : (100 * (gbps - hi)) / hi;
      expect(r.error_pct).toBe(Number(err.toPrecision(4)));
    });
    expect(rows[4].error_pct).toBeCloseTo(-33.33, 2);
    expect(rows[5].error_pct).toBe(100);
  });

  it('an informational check is shown, not counted, whatever its error', async () => {
    const { gbps } = await sims;
    const checks = [{ path: 'sriov', metric: 'delivered_gbps', value: gbps * 3, informational: 'a reason' }];
    const [row] = await compare(
      file('info.yaml', `${scenario}reference: ${JSON.stringify({ id: 'T3', source: 'src', checks })}\n`),
    );
    expect(row.result).toBe('informational');
    expect(row.source).toBe('src; not held to: a reason');
  });

  it('ratio claims: the value within the metric tolerance (20 % for CPU), min and max with their ends', async () => {
    const { cpuRatio: r } = await sims;
    const ratio = (bounds: Record<string, number>) => ({
      kind: 'ratio',
      metric: 'host_cpu_pct',
      numerator: 'paravirtual',
      denominator: 'sriov',
      text: JSON.stringify(bounds),
      ...bounds,
    });
    const cases: [Record<string, number>, string][] = [
      [{ value: r / (1 + 0.2 * (1 - EPS)) }, 'pass'],
      [{ value: r / (1 + 0.2 * (1 + EPS)) }, 'fail'],
      [{ value: r / (1 - 0.2 * (1 - EPS)) }, 'pass'],
      [{ value: r / (1 - 0.2 * (1 + EPS)) }, 'fail'],
      [{ min: r }, 'pass'],
      [{ min: r * (1 + 1e-9) }, 'fail'],
      [{ max: r }, 'pass'],
      [{ max: r * (1 - 1e-9) }, 'fail'],
      [{ min: r * 0.9, max: r * 1.1 }, 'pass'],
      [{ min: r * 1.1, max: r * 1.2 }, 'fail'],
      [{ min: r * 0.8, max: r * 0.9 }, 'fail'],
      // Every bound must hold: a value that holds does not rescue a min that does not.
      [{ value: r, min: r * 1.01 }, 'fail'],
      [{ value: r * 2, max: r * 3 }, 'fail'],
    ];
    const claims = cases.map(([b]) => ratio(b));
    const rows = await compare(
      file('ratios.yaml', `${scenario}reference: ${JSON.stringify({ id: 'T4', source: 'test', claims })}\n`),
    );
    expect(rows).toHaveLength(cases.length);
    rows.forEach((row, i) => {
      expect(row.result, JSON.stringify(cases[i][0])).toBe(cases[i][1]);
      expect(row.path).toBe('paravirtual/sriov');
      expect(row.metric).toBe('claim');
    });
    expect(rows[0].finding).toMatch(new RegExp(`^host_cpu_pct ratio ${Number(r.toPrecision(4))} \\(`));
    expect(rows[0].finding).toMatch(/needs [\d.]+ within 20 %$/);
    expect(rows[8].finding).toMatch(/needs >= [\d.]+ and <= [\d.]+$/);
  });

  it('lower-than claims: strictly lower than the same path in the other scenario', async () => {
    const { latency } = await sims;
    const claim = (than: string) => ({
      kind: 'lower-than',
      path: 'sriov',
      metric: 'latency_mean_us',
      than,
      text: `lower than ${than}`,
    });
    const claims = [claim('slower.yaml'), claim('lower.yaml')];
    const rows = await compare(
      file('lower.yaml', `${scenario}reference: ${JSON.stringify({ id: 'T5', source: 'test', claims })}\n`),
    );
    // Against the slower DMA: lower. Against itself: equal, which is not lower.
    expect(rows.map((r) => r.result)).toEqual(['pass', 'fail']);
    expect(rows[1].finding).toBe(
      `${Number(latency.toPrecision(4))} here against ${Number(latency.toPrecision(4))} in crit`,
    );
    // The slower scenario claiming to be lower than the plain one fails.
    const back = await compare(
      file(
        'higher.yaml',
        `${slower}reference: ${JSON.stringify({ id: 'T6', source: 'test', claims: [claim('plain.yaml')] })}\n`,
      ),
    );
    expect(back[0].result).toBe('fail');
    const [mine, theirs] = /^([\d.]+) here against ([\d.]+)/.exec(String(back[0].finding))!.slice(1).map(Number);
    expect(mine).toBeGreaterThan(theirs);
    // 100 ns more DMA on a frame's way in: at least 0.05 us more on the mean.
    expect(mine - theirs).toBeGreaterThan(0.05);
  });

  it('linear claims: the slope within its tolerance on either side, R^2 at least the threshold', async () => {
    const { line } = await sims;
    const { slope: s, r2 } = line;
    // A real fit with scatter, so that a threshold just above R^2 exists.
    expect(r2).toBeGreaterThan(0.01);
    expect(r2).toBeLessThan(0.999);
    const linear = (slope: number, tolerance: number, minR2: number) => ({
      kind: 'linear',
      path: 'sriov',
      metric: 'latency_mean_us',
      over: 'vms.count',
      slope,
      tolerance,
      min_r2: minR2,
      text: `slope ${slope} within ${tolerance}, R^2 >= ${minR2}`,
    });
    const loose = r2 / 2;
    const cases: [ReturnType<typeof linear>, string][] = [
      [linear(s / (1 + 0.1 * (1 - EPS)), 0.1, loose), 'pass'],
      [linear(s / (1 + 0.1 * (1 + EPS)), 0.1, loose), 'fail'],
      [linear(s / (1 - 0.1 * (1 - EPS)), 0.1, loose), 'pass'],
      [linear(s / (1 - 0.1 * (1 + EPS)), 0.1, loose), 'fail'],
      [linear(s / (1 + 0.3 * (1 - EPS)), 0.3, loose), 'pass'],
      [linear(s / (1 + 0.3 * (1 + EPS)), 0.3, loose), 'fail'],
      [linear(s, 0.1, r2 * (1 - 1e-9)), 'pass'],
      [linear(s, 0.1, r2 * (1 + 1e-9)), 'fail'],
    ];
    const claims = cases.map(([c]) => c);
    const rows = await compare(
      file('linear.yaml', `${sweep}reference: ${JSON.stringify({ id: 'T7', source: 'test', claims })}\n`),
    );
    rows.forEach((row, i) => expect(row.result, cases[i][0].text).toBe(cases[i][1]));
    expect(rows[0].finding).toMatch(
      new RegExp(`^slope ${Number(s.toPrecision(4))} us per vms.count .*, R\\^2 ${Number(r2.toPrecision(4))} \\(`),
    );
  });

  it('fitLine is least squares: hand-computed slope and R^2 of scattered points', () => {
    // mean x 1.5, mean y 1.25; Sxy = 4.5, Sxx = 5, Syy = 4.75: slope 0.9, R^2 = 20.25 / 23.75.
    const f = fitLine([
      [0, 0],
      [1, 1],
      [2, 1],
      [3, 3],
    ]);
    expect(f.slope).toBeCloseTo(0.9, 12);
    expect(f.r2).toBeCloseTo(20.25 / 23.75, 12);
    // A level line: slope 0, and a perfect fit.
    expect(
      fitLine([
        [1, 2],
        [2, 2],
        [5, 2],
      ]),
    ).toEqual({ slope: 0, r2: 1 });
    // A falling line: the slope keeps its sign.
    expect(
      fitLine([
        [0, 4],
        [1, 2],
        [2, 0],
      ]).slope,
    ).toBeCloseTo(-2, 12);
  });
});

describe('verify: theory inside the 95 % interval, interval at most 2 % of the mean', () => {
  const sim = { n: 10, mean: 100, halfWidth: 1.5 };

  it('the theory at either end of the interval passes, a hair beyond fails', () => {
    for (const theory of [98.5, 101.5, 100, 98.5 + 1e-9, 101.5 - 1e-9]) {
      expect(judge(theory, sim, []), String(theory)).toEqual({ pass: true, why: 'ok' });
    }
    for (const theory of [98.5 - 1e-9, 101.5 + 1e-9, 50, 150]) {
      expect(judge(theory, sim, []), String(theory)).toEqual({
        pass: false,
        why: 'theory outside the 95 % interval',
      });
    }
  });

  it('a half-width of 2 % of the mean passes, a hair more fails', () => {
    expect(MAX_RELATIVE_HALF_WIDTH).toBe(0.02);
    expect(judge(100, { n: 10, mean: 100, halfWidth: 2 }, [])).toEqual({ pass: true, why: 'ok' });
    expect(judge(100, { n: 10, mean: 100, halfWidth: 2 + 1e-9 }, [])).toEqual({
      pass: false,
      why: 'interval wider than 2 % of the mean',
    });
    // A wide interval is reported as such even though it contains the theory.
    expect(judge(100, { n: 10, mean: 100, halfWidth: 30 }, []).pass).toBe(false);
  });

  it('a broken law fails the case whatever the interval says, and is named first', () => {
    expect(judge(100, sim, ['replication 2: x: y'])).toEqual({
      pass: false,
      why: 'a law does not hold: replication 2: x: y',
    });
    expect(judge(200, { ...sim, halfWidth: 50 }, ['replication 0: z']).why).toBe(
      'a law does not hold: replication 0: z',
    );
  });

  it('end to end: a declared service time that puts the theory just outside the simulated interval fails', () => {
    // M/M/1 at 1 Mpps, 500 ns exponential service, short: the simulated interval is what it is;
    // the declared service time is then chosen so that W = 1 / (mu - lambda) lands on either side of
    // its upper end.
    const exp = experiment({
      seed: 1,
      duration: '30 ms',
      warmup: '2 ms',
      host: { cores: 4, clock: '1 GHz' },
      vms: { count: 1 },
      traffic: { direction: 'rx', load: '1 Mpps', arrivals: 'poisson', frame_bytes: 64 },
      paths: ['queue'],
      custom_paths: {
        queue: {
          base: 'native',
          rx: [
            {
              kind: 'cpu',
              name: 'server',
              core: 0,
              instances: 'shared',
              ring: 1_000_000,
              notify: { kind: 'poll' },
              work: [{ cause: 'guest', cycles: 500 }],
              service: 'exponential',
            },
          ],
        },
      },
      validation: {
        metric: 'mean_time_in_system',
        arrival_rate: '1 Mpps',
        stations: [{ service_mean: '500 ns', distribution: 'exponential' }],
        replications: 4,
      },
    });
    const first = verify(exp);
    expect(first.lawFailures).toEqual([]);
    const v = exp.validation!;
    const declaring = (wUs: number) => {
      // W = 1 / (mu - lambda) in ns: mu = lambda + 1 / W.
      const lambda = v.arrival_rate / 1e9;
      const serviceMean = 1 / (lambda + 1 / (wUs * 1e3));
      const validation = { ...v, stations: [{ ...v.stations[0], service_mean: serviceMean }] };
      expect(theoryFor(validation).value).toBeCloseTo(wUs, 9);
      return verify({ ...exp, validation });
    };
    const top = first.sim.mean + first.sim.halfWidth;
    const inside = declaring(top - 1e-6 * first.sim.halfWidth);
    const outside = declaring(top + 1e-6 * first.sim.halfWidth);
    // The same runs: only the theory moved.
    expect(inside.sim).toEqual(first.sim);
    expect(outside.sim).toEqual(first.sim);
    // Just inside, the only reason left to fail is the interval's width, which the theory does not move.
    const tight = first.sim.halfWidth <= 0.02 * first.sim.mean;
    expect(inside.why).toBe(tight ? 'ok' : 'interval wider than 2 % of the mean');
    expect(inside.pass).toBe(tight);
    expect(outside.pass).toBe(false);
    expect(outside.why).toBe('theory outside the 95 % interval');
  });
});

describe('the precision stopping rule', () => {
  const base = `name: prec
seed: 5
duration: 4 ms
warmup: 1 ms
traffic: {load: 4 Gbit/s, arrivals: poisson}
paths: [sriov]
`;
  const M = 'latency_mean_us';

  /** The metric in replications 0..n-1 of the point, in order, from a run without a target. */
  const samples = (async () => {
    const spy = new Spy();
    await rowsOf(file('prec-all.yaml', `${base}replications: 12\n`), spy);
    const plan = planFile(join(dir, 'prec-all.yaml'));
    const seeds = pointSeeds(plan, plan.cells[0], 12);
    const bySeed = new Map(spy.outputs.map((o) => [o.result.seed, Number(resultRow('prec', o.result)[M])]));
    return seeds.map((s) => bySeed.get(s)!);
  })();
  const rel = (xs: number[]) => {
    const ci = meanCi(xs);
    return ci.halfWidth / Math.abs(ci.mean);
  };
  const withTarget = async (name: string, target: number, max: number) => {
    const spy = new Spy();
    const text = `${base}replications: 3\nprecision: {metric: ${M}, relative_half_width: ${target}, max_replications: ${max}}\n`;
    const rows = await rowsOf(file(name, text), spy);
    return { row: rows[0], ran: spy.outputs.length };
  };

  it('stops after the first batch when its interval is just within the target', async () => {
    const xs = await samples;
    const r3 = rel(xs.slice(0, 3));
    expect(r3).toBeGreaterThan(0);
    const { row, ran } = await withTarget('prec-in.yaml', r3 * (1 + EPS), 12);
    expect(ran).toBe(3);
    expect(row.replications).toBe(3);
    expect(row.precision).toBe(`reached (${M} +/-${(100 * r3).toFixed(2)} %)`);
    expect(row[M]).toBe(rounded(meanCi(xs.slice(0, 3)).mean));
    expect(row[`${M}_ci95`]).toBe(rounded(meanCi(xs.slice(0, 3)).halfWidth));
  });

  it('just outside: adds batches of the initial size until the interval is within the target', async () => {
    const xs = await samples;
    const target = rel(xs.slice(0, 3)) * (1 - EPS);
    // The first multiple of 3 whose interval is within the target, by hand.
    let want = 12;
    for (let n = 6; n <= 12; n += 3) {
      if (rel(xs.slice(0, n)) <= target) {
        want = n;
        break;
      }
    }
    const { row, ran } = await withTarget('prec-out.yaml', target, 12);
    expect(ran).toBe(want);
    expect(row.replications).toBe(want);
    expect(String(row.precision)).toMatch(want < 12 || rel(xs) <= target ? /^reached/ : /^cap of 12 reached/);
    expect(row[M]).toBe(rounded(meanCi(xs.slice(0, want)).mean));
  });

  it('stops at the cap, even within a batch, and says so', async () => {
    const xs = await samples;
    const { row, ran } = await withTarget('prec-cap.yaml', 1e-9, 4);
    expect(ran).toBe(4);
    expect(row.replications).toBe(4);
    expect(row.precision).toBe(`cap of 4 reached (${M} +/-${(100 * rel(xs.slice(0, 4))).toFixed(2)} %)`);
  });
});

describe('the automatic warm-up: MSER-5 on a 500-bucket pilot run, its cut in buckets turned into ns', () => {
  const exp = experiment({
    seed: 2,
    duration: '20 ms',
    warmup: 'auto',
    traffic: { load: 'saturate' },
    paths: ['paravirtual'],
  });
  const path = exp.paths[0];

  it('warm-up = buckets dropped x duration / 500, and the run is the one with that warm-up', () => {
    expect(exp.warmupAuto).toBe(true);
    const pilot = runPath({ ...exp.config, warmupNs: 0, latencyBuckets: 500 }, path);
    const drop = mser5(pilot.latencySeries!.sums, pilot.latencySeries!.counts);
    // Saturating TCP starts with empty queues: there is a transient to cut.
    expect(drop).toBeGreaterThan(0);
    expect(drop % 5).toBe(0);
    const out = runTask({ config: exp.config, path, warmupAuto: true, label: 'auto' });
    // 20 ms / 500 = 40 us a bucket.
    expect(out.result.warmupNs).toBeCloseTo(drop * 40_000, 6);
    expect(out.result.windowNs).toBeCloseTo(20e6 - drop * 40_000, 6);
    const fixed = runPath({ ...exp.config, warmupNs: drop * 40_000 }, path);
    expect(resultRow('auto', out.result)).toEqual(resultRow('auto', fixed));
  });

  it('without warmup: auto the configured warm-up is used as it is', () => {
    const out = runTask({ config: { ...exp.config, warmupNs: 3e6 }, path, warmupAuto: false, label: 'fixed' });
    expect(out.result.warmupNs).toBe(3e6);
    expect(out.result.windowNs).toBe(17e6);
  });
});
