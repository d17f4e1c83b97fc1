import { describe, expect, it } from 'vitest';
import { Simulator } from '../src/engine/simulator.js';
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
    new OpenLoopSource({ sim, packets, counters, entry, seed, tsoFrames: 1 }, i, traffic).start();
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
