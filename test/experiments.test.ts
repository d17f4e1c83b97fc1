import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { COSTS } from '../src/model/costs.js';
import { planFile } from '../src/scenario/plan.js';
import { InlineRunner, WorkerPool, type TaskRunner } from '../src/experiment/pool.js';
import { Interrupted, runPlan } from '../src/experiment/runner.js';
import { expandSweep, rangeValues } from '../src/scenario/sweep.js';
import { metaFileFor, metaHeader } from '../src/scenario/provenance.js';
import { rowsToResume } from '../src/scenario/readback.js';
import type { Row } from '../src/metrics/metrics.js';
import { mser5 } from '../src/stats/mser.js';
import { cli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'iovsim-exp-'));
const scenarioFile = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

async function runFile(
  file: string,
  runner: TaskRunner,
  csvFile: string,
  opts: { resume?: boolean; stopAfter?: number } = {},
): Promise<Row[]> {
  let advanced = 0;
  const plan = planFile(file);
  const metaFile = metaFileFor(csvFile);
  const header = metaHeader(plan, { version: '0.0.0-test', node: process.version, overrides: {} });
  const keep = opts.resume ? rowsToResume({ plan, csvFile, metaFile, expected: header, any: false }).kept : undefined;
  try {
    return await runPlan(plan, {
      runner,
      concurrency: runner instanceof WorkerPool ? 2 : 1,
      output: { csvFile, metaFile, header },
      keep,
      onWarning: () => {},
      progress: {
        start: (_total, done) => void (advanced = done),
        advance: (n) => void (advanced += n),
        stop: () => {},
      },
      aborted: () => opts.stopAfter !== undefined && advanced >= opts.stopAfter,
    });
  } finally {
    await runner.close();
  }
}

describe('sweep points', () => {
  it('cartesian product, last key fastest; zip pairs values', () => {
    expect(expandSweep({ a: [1, 2], b: ['x', 'y'] }, 'cartesian')).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
    ]);
    expect(expandSweep({ a: [1, 2], b: ['x', 'y'] }, 'zip')).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ]);
    expect(() => expandSweep({ a: [1, 2], b: ['x'] }, 'zip')).toThrow(/sweep.b/);
  });

  it('ranges of numbers and of quantities with one unit', () => {
    expect(rangeValues('vms.count', { from: 1, to: 4, step: 1 })).toEqual([1, 2, 3, 4]);
    expect(rangeValues('traffic.load', { from: '0.5 Gbit/s', to: '1.5 Gbit/s', step: '0.5 Gbit/s' })).toEqual([
      '0.5 Gbit/s',
      '1 Gbit/s',
      '1.5 Gbit/s',
    ]);
    expect(rangeValues('x', { from: 0.1, to: 0.3, step: 0.1 })).toEqual([0.1, 0.2, 0.3]);
    expect(() => rangeValues('traffic.load', { from: '1 Gbit/s', to: '5 Mpps', step: '1 Gbit/s' })).toThrow(/one unit/);
  });

  it('a bad swept value is reported against the sweep, before anything runs', async () => {
    const f = scenarioFile('badsweep.yaml', 'duration: 5 ms\nwarmup: 1 ms\nsweep:\n  vms.count: [2, 0]\n');
    const out = join(dir, 'badsweep-out');
    const r = await cli(['run', f, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /badsweep\.yaml: sweep\.vms\.count: expected number of VMs as a whole number from 1 to 4096, found 0/,
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe('replications', () => {
  const text = (n: number) =>
    `name: reps\nduration: 10 ms\nwarmup: 1 ms\ntraffic: {load: 6 Gbit/s, arrivals: poisson}\npaths: [sriov]\nreplications: ${n}\n`;

  it('report mean and a 95 % interval that shrinks with more replications', async () => {
    const ci = async (n: number) => {
      const rows = await runFile(scenarioFile(`reps${n}.yaml`, text(n)), new InlineRunner(), join(dir, `reps${n}.csv`));
      expect(rows[0].replications).toBe(n);
      return Number(rows[0].latency_mean_us_ci95);
    };
    const [few, many] = [await ci(3), await ci(24)];
    expect(few).toBeGreaterThan(0);
    expect(many).toBeLessThan(few);
  });

  it('a precision target adds replications until reached, or says the cap was reached', async () => {
    const reached = scenarioFile(
      'prec.yaml',
      `${text(3)}precision: {metric: delivered_gbps, relative_half_width: 0.05, max_replications: 30}\n`,
    );
    const rows = await runFile(reached, new InlineRunner(), join(dir, 'prec.csv'));
    expect(String(rows[0].precision)).toMatch(/^reached/);
    const capped = scenarioFile(
      'cap.yaml',
      `${text(3)}precision: {metric: latency_mean_us, relative_half_width: 0.00001, max_replications: 6}\n`,
    );
    const rows2 = await runFile(capped, new InlineRunner(), join(dir, 'cap.csv'));
    expect(rows2[0].replications).toBe(6);
    expect(String(rows2[0].precision)).toMatch(/^cap of 6 reached/);
  });
});

describe('warm-up', () => {
  it('MSER-5 finds an initial transient', () => {
    const sums: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < 500; i++) {
      counts.push(10);
      // 100 buckets of transient decaying from 50 to 1, then noise around 1.
      const level = i < 100 ? 1 + 49 * (1 - i / 100) : 1 + 0.1 * Math.sin(i * 12.9898);
      sums.push(10 * level);
    }
    const cut = mser5(sums, counts);
    expect(cut).toBeGreaterThanOrEqual(90);
    expect(cut).toBeLessThanOrEqual(120);
    expect(cut % 5).toBe(0);
  });

  it('warmup: auto reports the truncation it chose', async () => {
    // Saturating: the windows start empty of queueing, so the first few hundred packets see less
    // latency than the steady state.
    const f = scenarioFile(
      'auto.yaml',
      'duration: 20 ms\nwarmup: auto\ntraffic: {load: saturate}\npaths: [paravirtual]\n',
    );
    const rows = await runFile(f, new InlineRunner(), join(dir, 'auto.csv'));
    const w = Number(rows[0].warmup_ms);
    expect(w).toBeGreaterThan(0);
    expect(w).toBeLessThanOrEqual(10);
    expect(Number(rows[0].window_ms)).toBeCloseTo(20 - w, 6);
  });
});

describe('searches find hand-computed answers', () => {
  it('zero-loss: one 200-ns server behind a one-packet ring passes 5 Mpps, 33.6 % of 10 GbE at 64 B', async () => {
    // Constant arrivals, deterministic 200 ns service, ring of 1 (the packet in service): nothing is
    // lost while the gap between arrivals is at least 200 ns, i.e. up to 5 Mpps = 5e6 / 14,880,952.
    const f = scenarioFile(
      'zl.yaml',
      `duration: 4 ms
warmup: 0.5 ms
host: {cores: 2, clock: 1 GHz}
vms: {count: 1}
traffic: {arrivals: constant}
paths: [server]
custom_paths:
  server:
    base: native
    rx:
      - {kind: wire, name: wire, ring: switch_buffer}
      - {kind: cpu, name: server, core: 1, instances: shared, ring: 1, notify: {kind: poll}, work: [{cause: guest, cycles: 200}]}
search: {kind: zero-loss, frame_sizes: [64], resolution: 0.002}
`,
    );
    const rows = await runFile(f, new InlineRunner(), join(dir, 'zl.csv'));
    const pct = Number(rows[0].zero_loss_load_pct);
    const exact = (100 * 5e6) / (1e10 / (8 * 84));
    expect(pct).toBeLessThanOrEqual(exact + 1e-6);
    expect(pct).toBeGreaterThan(exact - 0.2);
  });

  it('capacity: VMs of 100 kpps fit as many as half of 4 cores at 2.9 GHz can serve, by hand', async () => {
    // Native receive of 64-B frames, interrupt moderation off, so each packet pays its
    // interrupt: irq_handler + guest_driver + guest_stack + copy_per_byte x 64 cycles. n VMs
    // use n x 1e5 x that / 2.9e9 cores; at most 2 of 4 cores. The wire (14.9 Mpps) and the
    // cores have room to spare.
    const perPacket =
      COSTS.irq_handler.default +
      COSTS.guest_driver.default +
      COSTS.guest_stack.default +
      COSTS.copy_per_byte.default * 64;
    const fit = Math.floor((2 * 2.9e9) / (1e5 * perPacket));
    const f = scenarioFile(
      'cap.yaml',
      `duration: 20 ms
warmup: 2 ms
host: {cores: 4, clock: 2.9 GHz}
nic: {itr: off}
traffic: {load_per_vm: 100 kpps, arrivals: constant, frame_bytes: 64}
paths: [native]
search: {kind: capacity, vary: vms.count, from: 1, to: 40, slo: {cpu: 0.5, loss: 0}}
`,
    );
    const rows = await runFile(f, new InlineRunner(), join(dir, 'capacity.csv'));
    expect(rows[0].capacity).toBe(fit);
    expect(rows[0].binding_constraint).toBe('cpu > 50 % of host');
    expect(Number(rows[0].host_cpu_pct)).toBeCloseTo((100 * fit * 1e5 * perPacket) / 2.9e9 / 4, 1);
  });

  it('capacity over the per-VM load: one 200-ns server passes up to 5 Mpps, split over 2 VMs', async () => {
    // Two VMs share one pinned server of 200 ns (clock 1 GHz) behind a one-packet ring, with
    // constant arrivals: no loss while the two VMs' combined rate stays under 5 Mpps... but the
    // two constant streams have random phases, so collisions appear well before. With a loss SLO
    // of 100 % and a CPU SLO of 50 % of 2 cores, the bound is the server's core at 100 % of 1 core
    // = 50 % of the host: 2 x rate x 200 ns <= 1, so rate <= 2.5 Mpps per VM.
    const f = scenarioFile(
      'capload.yaml',
      `duration: 4 ms
warmup: 0.5 ms
host: {cores: 2, clock: 1 GHz}
vms: {count: 2}
nic: {line_rate: 100 Gbit/s}
traffic: {arrivals: constant, frame_bytes: 64, load_per_vm: 1 Mpps}
paths: [server]
custom_paths:
  server:
    base: native
    rx:
      - {kind: wire, name: wire, ring: switch_buffer}
      - {kind: cpu, name: server, core: 1, instances: shared, ring: 1000000, notify: {kind: poll}, work: [{cause: guest, cycles: 200}]}
search: {kind: capacity, vary: traffic.load_per_vm, from: 0.5 Mpps, to: 4 Mpps, resolution: 0.05 Mpps, slo: {cpu: 0.499}}
`,
    );
    const rows = await runFile(f, new InlineRunner(), join(dir, 'capload.csv'));
    const cap = parseFloat(String(rows[0].capacity));
    expect(String(rows[0].capacity)).toMatch(/ Mpps$/);
    expect(cap).toBeGreaterThan(2.5 - 0.1);
    expect(cap).toBeLessThanOrEqual(2.5);
    expect(rows[0].binding_constraint).toBe('cpu > 49.9 % of host');
  });

  it('capacity stops at the NIC limit and says so', async () => {
    const f = scenarioFile(
      'nic.yaml',
      `duration: 5 ms\nwarmup: 1 ms\nnic: {vfs: 3}\ntraffic: {load_per_vm: 10 kpps}\npaths: [sriov]\nsearch: {kind: capacity, vary: vms.count, from: 1, to: 20, slo: {loss: 0.01}}\n`,
    );
    const rows = await runFile(f, new InlineRunner(), join(dir, 'nic.csv'));
    expect(rows[0].capacity).toBe(3);
    expect(rows[0].binding_constraint).toBe('NIC limit: nic.vfs = 3');
    const pools = scenarioFile(
      'pools.yaml',
      `duration: 5 ms\nwarmup: 1 ms\nnic: {vmdq_pools: 2}\ntraffic: {load_per_vm: 10 kpps}\npaths: [vmdq]\nsearch: {kind: capacity, vary: vms.count, from: 1, to: 20, slo: {loss: 0.01}}\n`,
    );
    const [row] = await runFile(pools, new InlineRunner(), join(dir, 'pools.csv'));
    expect([row.capacity, row.binding_constraint]).toEqual([2, 'NIC limit: nic.vmdq_pools = 2']);
  });

  it('capacity: the end of the range, or none at all, each said as such', async () => {
    const search = (slo: string, to = 3) =>
      scenarioFile(
        `range-${to}.yaml`,
        `duration: 5 ms\nwarmup: 1 ms\ntraffic: {load_per_vm: 10 kpps}\npaths: [sriov]\nsearch: {kind: capacity, vary: vms.count, from: 1, to: ${to}, slo: ${slo}}\n`,
      );
    const [fits] = await runFile(search('{loss: 0.01}'), new InlineRunner(), join(dir, 'range.csv'));
    expect([fits.capacity, fits.binding_constraint]).toEqual([3, 'search range ends at 3']);
    // No packet takes under a nanosecond: even one VM fails, and the row says at what.
    const [none] = await runFile(search('{p99_latency: 1 ns}', 4), new InlineRunner(), join(dir, 'none.csv'));
    expect([none.capacity, none.binding_constraint]).toEqual(['none (fails at 1)', 'p99_latency > 1 ns']);
    expect(none.path).toBe('sriov');
    expect(none.scenario).toBe('range-4');
  });

  it('capacity over the request rate: the rate a vCPU serves within half a core, in the unit asked', async () => {
    // One VM whose application takes 100,000 cycles a request at 2.9 GHz: half a core serves at
    // most 14,500 requests/s, a little fewer with the stack's own work per request.
    const f = scenarioFile(
      'rr-cap.yaml',
      `duration: 20 ms
warmup: 2 ms
host: {cores: 4, clock: 2.9 GHz}
vms: {count: 1}
traffic: {kind: request_response, frame_bytes: 1518, request_response: {rate_per_vm: 1 kreq/s, app_cycles: 100000}}
paths: [sriov]
search: {kind: capacity, vary: traffic.request_response.rate_per_vm, from: 1 kreq/s, to: 30 kreq/s, slo: {cpu: 0.125}}
`,
    );
    const [row] = await runFile(f, new InlineRunner(), join(dir, 'rr-cap.csv'));
    const m = /^(\d+(?:\.\d+)?) kreq\/s$/.exec(String(row.capacity));
    expect(m, String(row.capacity)).not.toBeNull();
    const kreq = Number(m![1]);
    expect(kreq).toBeLessThanOrEqual(14.5);
    // The search steps by a hundredth of the range, 0.29 kreq/s: it stops within a step of the
    // limit, which the stack's work per request puts a little below 14.5.
    expect(kreq).toBeGreaterThan(12.5);
    expect(row.binding_constraint).toBe('cpu > 12.5 % of host');
  });
});

describe('seeds from content', () => {
  const study = (loads: string) => `name: ins
duration: 6 ms
warmup: 1 ms
traffic: {arrivals: poisson, frame_bytes: imix}
paths: [paravirtual, sriov]
replications: 2
sweep:
  traffic.load: [${loads}]
`;
  const rowsOf = (text: string) => {
    const [header, ...lines] = text.trimEnd().split('\n');
    return { header, byLoad: new Map(lines.map((l) => [l.split(',').slice(0, 4).join(','), l])) };
  };

  it('inserting a sweep value leaves every other row byte-identical', async () => {
    const out = join(dir, 'insert');
    const a = await cli(['run', scenarioFile('ins.yaml', study('1 Gbit/s, 5 Gbit/s')), '--out', out, '--quiet']);
    const before = rowsOf(readFileSync(join(out, 'ins.csv'), 'utf8'));
    const b = await cli([
      'run',
      scenarioFile('ins.yaml', study('1 Gbit/s, 3 Gbit/s, 5 Gbit/s')),
      '--out',
      out,
      '--quiet',
    ]);
    const after = rowsOf(readFileSync(join(out, 'ins.csv'), 'utf8'));
    expect(a.code + b.code).toBe(0);
    expect(after.header).toBe(before.header);
    expect(before.byLoad.size).toBe(4);
    expect(after.byLoad.size).toBe(6);
    for (const [key, line] of before.byLoad) expect(after.byLoad.get(key), key).toBe(line);
    // The replications differ: the interval is not 0, so the seeds really are different.
    const first = (parse(readFileSync(join(out, 'ins.csv'), 'utf8'), { columns: true }) as Record<string, string>[])[0];
    expect(first.latency_mean_us_ci95).not.toBe('0');
  });
});

describe('parallel runs and interruption', () => {
  const sweep = `name: par
duration: 8 ms
warmup: 1 ms
traffic: {load: 4 Gbit/s, arrivals: poisson, frame_bytes: imix}
paths: [paravirtual, sriov]
replications: 2
sweep:
  vms.count: [1, 2, 3, 4]
`;

  it('--jobs 1 and --jobs 2 give identical bytes', async () => {
    const f = scenarioFile('par.yaml', sweep);
    const a = await cli(['run', f, '--out', join(dir, 'j1'), '--jobs', '1', '--quiet']);
    const b = await cli(['run', f, '--out', join(dir, 'j2'), '--jobs', '2', '--quiet']);
    expect(a.code + b.code).toBe(0);
    expect(readFileSync(join(dir, 'j2', 'par.csv'), 'utf8')).toBe(readFileSync(join(dir, 'j1', 'par.csv'), 'utf8'));
    expect(
      readFileSync(join(dir, 'j1', 'par.csv'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(1 + 4 * 2);
  });

  it('an interrupted sweep leaves a valid CSV of its completed rows and resumes to the same final CSV', async () => {
    const f = scenarioFile('int.yaml', sweep);
    const whole = join(dir, 'whole.csv');
    await runFile(f, new InlineRunner(), whole);
    const partial = join(dir, 'partial.csv');
    await expect(runFile(f, new WorkerPool(2), partial, { stopAfter: 3 })).rejects.toBeInstanceOf(Interrupted);
    // A valid CSV (csv-parse refuses rows whose width differs from the header's), holding a prefix
    // of the whole run's rows with the same values.
    const done = parse(readFileSync(partial, 'utf8'), { columns: true }) as Record<string, string>[];
    const all = parse(readFileSync(whole, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(done.length).toBeGreaterThanOrEqual(3);
    expect(done.length).toBeLessThan(8);
    done.forEach((row, i) => {
      for (const [k, v] of Object.entries(row)) expect(v, `${i} ${k}`).toBe(all[i][k]);
    });
    // The per-VM long form describes the same rows: as many lines as the VMs of the rows done.
    const perVm = (csv: string) => csv.replace(/\.csv$/, '.per_vm.csv');
    const vmLines = readFileSync(perVm(partial), 'utf8').trim().split('\n').length - 1;
    expect(vmLines).toBe(done.reduce((n, row) => n + Number(row['vms.count']), 0));
    await runFile(f, new InlineRunner(), partial, { resume: true });
    expect(readFileSync(partial, 'utf8')).toBe(readFileSync(whole, 'utf8'));
    // Rows kept from the CSV carry its empty cells for VMs they lack; the long forms do not.
    for (const long of [perVm, (csv: string) => csv.replace(/\.csv$/, '.per_core.csv')])
      expect(readFileSync(long(partial), 'utf8')).toBe(readFileSync(long(whole), 'utf8'));
  });

  it("a run stopped before its first row leaves an earlier run's CSV and long forms as they were", async () => {
    const f = scenarioFile('early.yaml', sweep);
    const csv = join(dir, 'early.csv');
    const perVm = join(dir, 'early.per_vm.csv');
    writeFileSync(csv, 'an earlier run\n');
    writeFileSync(perVm, 'an earlier run\n');
    await expect(runFile(f, new InlineRunner(), csv, { stopAfter: 0 })).rejects.toBeInstanceOf(Interrupted);
    expect(readFileSync(csv, 'utf8')).toBe('an earlier run\n');
    expect(readFileSync(perVm, 'utf8')).toBe('an earlier run\n');
  });
});
