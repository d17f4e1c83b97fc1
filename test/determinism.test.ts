import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { Simulator } from '../src/engine/simulator.js';
import { Lane } from '../src/engine/lane.js';
import { Counters } from '../src/model/counters.js';
import { PacketTable } from '../src/model/packets.js';
import { OpenLoopSource } from '../src/model/traffic.js';
import type { Receiver } from '../src/model/hops.js';
import type { VmTraffic } from '../src/model/config.js';
import { resultRow } from '../src/metrics/metrics.js';
import { toCsv } from '../src/output/csv.js';
import { runExperiment } from '../src/experiment/run-experiment.js';
import { runTask } from '../src/experiment/task.js';
import { PROGRESS_STEPS } from '../src/model/network.js';
import { cli } from './support/cli.js';
import { experiment } from './support/scenario.js';

const csvOf = (data: Record<string, unknown>) => {
  const exp = experiment(data);
  return toCsv(runExperiment(exp).map((r) => resultRow(exp.name, r)));
};

/** The arrivals (time, bytes) that VM `vm` offers in 1 ms, with `vms` VMs in the run. */
function arrivalsOf(vm: number, vms: number, seed: number): [number, number][] {
  const sim = new Simulator();
  const packets = new PacketTable();
  const counters = new Counters(vms, 1, 1, 1, packets);
  const seen: [number, number][] = [];
  const entry: Receiver = {
    accept: (pkt) => {
      if (packets.vm[pkt] === vm) seen.push([sim.now, packets.bytes[pkt]]);
      packets.release(pkt);
    },
  };
  const traffic: VmTraffic = {
    pps: 1e6,
    frames: { bytes: [64, 1518], weights: [1, 1] },
    arrivals: { kind: 'poisson' },
  };
  for (let i = 0; i < vms; i++)
    new OpenLoopSource(
      { sim, packets, counters, entry, seed, tsoFrames: 1, fixedDelay: new Lane(sim) },
      i,
      traffic,
    ).start();
  sim.run(1e6);
  return seen;
}

describe('determinism', () => {
  const scenario = {
    duration: '20 ms',
    warmup: '2 ms',
    vms: { count: 3 },
    traffic: { load: '6 Gbit/s', frame_bytes: 'imix' },
  };

  it('the same scenario and seed give byte-identical CSV', () => {
    expect(csvOf(scenario)).toBe(csvOf(scenario));
  });

  it('different seeds give different samples', () => {
    expect(csvOf({ ...scenario, seed: 2 })).not.toBe(csvOf(scenario));
  });

  it('adding VMs does not change what another VM draws', () => {
    const two = arrivalsOf(1, 2, 5);
    expect(two.length).toBeGreaterThan(500);
    expect(arrivalsOf(1, 6, 5)).toEqual(two);
  });

  it('listing per-VM settings in another order changes nothing', () => {
    const a = {
      ...scenario,
      per_vm: [
        { vm: 0, frame_bytes: 64 },
        { vm: 2, rate: '1 Gbit/s' },
      ],
    };
    const b = {
      ...scenario,
      per_vm: [
        { vm: 2, rate: '1 Gbit/s' },
        { vm: 0, frame_bytes: 64 },
      ],
    };
    expect(csvOf(a)).toBe(csvOf(b));
  });

  it('a run watched for progress (the studio) gives the same numbers as one that is not', () => {
    for (const warmup of ['2 ms', 'auto']) {
      const exp = experiment({ ...scenario, warmup, traffic: { load: 'saturate' }, paths: ['paravirtual', 'sriov'] });
      for (const path of exp.paths) {
        const task = { config: exp.config, path, warmupAuto: exp.warmupAuto, label: exp.name };
        const seen: number[] = [];
        const watched = runTask(task, (done) => seen.push(done));
        expect(resultRow(exp.name, watched.result)).toEqual(resultRow(exp.name, runTask(task).result));
        expect(seen).toHaveLength(warmup === 'auto' ? 2 * PROGRESS_STEPS : PROGRESS_STEPS);
        expect(seen[seen.length - 1]).toBe(1);
        expect(seen.every((x, i) => i === 0 || x > seen[i - 1])).toBe(true);
      }
    }
  });
});

describe('--jobs does not change the output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iovsim-jobs-'));
  /** Runs a scenario with --jobs 1 and --jobs 2; returns both CSVs. */
  const both = async (name: string, text: string): Promise<[string, string]> => {
    const f = join(dir, `${name}.yaml`);
    writeFileSync(f, text);
    const csv: string[] = [];
    for (const jobs of ['1', '2']) {
      const out = join(dir, `${name}-j${jobs}`);
      const r = await cli(['run', f, '--out', out, '--jobs', jobs, '--quiet']);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      csv.push(readFileSync(join(out, `${name}.csv`), 'utf8'));
    }
    return [csv[0], csv[1]];
  };

  it('replications with a precision target and an automatic warm-up: byte-identical CSVs', async () => {
    // 3 replications to start (not the 2 jobs): a batch sized by --jobs would show.
    const [one, two] = await both(
      'jobs-grid',
      `name: jobs-grid
duration: 6 ms
warmup: auto
traffic: {load: 4 Gbit/s, arrivals: poisson, frame_bytes: imix}
paths: [paravirtual, sriov]
replications: 3
precision: {metric: latency_mean_us, relative_half_width: 0.003, max_replications: 8}
sweep: {vms.count: [1, 3]}
`,
    );
    expect(two).toBe(one);
    const rows = parse(one, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(4);
    // What the test is about happened: the target added batches, or stopped at the cap inside
    // one, and the warm-up was chosen per run.
    const reps = rows.map((r) => Number(r.replications));
    expect(reps.some((n) => n > 3)).toBe(true);
    expect(reps.every((n) => n === 8 || n % 3 === 0)).toBe(true);
    expect(rows.every((r) => /^(reached|cap of 8 reached) \(latency_mean_us/.test(r.precision))).toBe(true);
    expect(rows.some((r) => Number(r.warmup_ms) > 0)).toBe(true);
  });

  it('a search with an automatic warm-up: byte-identical CSVs', async () => {
    const [one, two] = await both(
      'jobs-search',
      `name: jobs-search
duration: 4 ms
warmup: auto
traffic: {arrivals: poisson}
paths: [paravirtual, sriov]
search: {kind: zero-loss, frame_sizes: [64, 512], resolution: 0.02}
`,
    );
    expect(two).toBe(one);
    const rows = parse(one, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(4);
    // A real search: probes beyond the two ends, and some answer below line rate.
    expect(rows.some((r) => Number(r.search_probes) > 2)).toBe(true);
    expect(rows.some((r) => Number(r.zero_loss_load_pct) < 100)).toBe(true);
  });
});
