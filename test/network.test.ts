import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../src/model/config.js';
import { applicationHop, PROGRESS_STEPS, ringCapacity, runHops, runPath } from '../src/model/network.js';
import type { ResolvedPath } from '../src/model/result.js';
import { experiment, run } from './support/scenario.js';

// How runPath assembles hops into a network, checked where the numbers can be worked out by
// hand: one VM, evenly spaced packets far apart, deterministic work, so every packet meets an
// empty path and its latency is the sum of its hops' times.
const pipeline = (extra: Record<string, unknown> = {}) => ({
  name: 'pipeline',
  seed: 3,
  duration: '2 ms',
  warmup: '0.5 ms',
  host: { cores: 2, clock: '1 GHz' },
  nic: { line_rate: '10 Gbit/s' },
  vms: { count: 1 },
  traffic: { direction: 'rx', load: '0.1 Mpps', arrivals: 'constant', frame_bytes: 1000 },
  paths: ['line'],
  custom_paths: {
    line: {
      base: 'native',
      description: 'a wire, a delay and a station',
      rx: [
        { kind: 'wire', name: 'wire', ring: 'switch_buffer' },
        { kind: 'delay', name: 'dma', ns: [300, 200] },
        {
          kind: 'cpu',
          name: 'stack',
          core: 1,
          instances: 'shared',
          ring: 64,
          notify: { kind: 'poll' },
          work: [{ cause: 'guest', cycles: 150, cycles_per_byte: 0.05 }],
        },
      ],
    },
  },
  ...extra,
});

describe('runPath', () => {
  it('a packet on an empty path takes the sum of its hops: wire (1020 B at 10 Gbit/s), delays, and its work at the clock', () => {
    const r = run(pipeline()).line;
    // 816 ns on the wire, 300 + 200 ns of delay, 150 + 0.05 x 1000 cycles at 1 GHz.
    const each = 816 + 500 + 200;
    expect(r.latencyNs.mean).toBeCloseTo(each, 6);
    expect(r.latencyNs.max).toBeCloseTo(each, 6);
    // A packet every 10 us over a 1.5 ms window: 150, give or take the one at each edge.
    expect(Math.abs(r.deliveredPackets - 150)).toBeLessThanOrEqual(1);
    expect(r.deliveredBytes).toBe(1000 * r.deliveredPackets);
    // Core 1 did the station's work and nothing else; core 0 nothing.
    expect(r.coreBusyNs[0]).toBe(0);
    expect(Math.abs(r.coreBusyNs[1] - 200 * r.deliveredPackets)).toBeLessThanOrEqual(200);
    expect(Math.abs(r.wireBusyNs - 816 * r.deliveredPackets)).toBeLessThanOrEqual(816);
    expect(r.flow.drops.every((d) => d === 0)).toBe(true);
  });

  it('a ring of one in front of a slow station drops what arrives while it is full', () => {
    const data = pipeline({ traffic: { direction: 'rx', load: '2 Mpps', arrivals: 'constant', frame_bytes: 64 } });
    const line = (data.custom_paths as { line: { rx: Record<string, unknown>[] } }).line;
    line.rx[2] = { ...line.rx[2], ring: 1, work: [{ cause: 'guest', cycles: 1200 }] };
    const r = run(data).line;
    // One packet every 500 ns into a station that takes 1200: it serves one in every three.
    expect(r.deliveredPackets / r.offeredPackets).toBeCloseTo(1 / 3, 1);
    expect(r.flow.drops[2]).toBeGreaterThan(0);
    expect(r.flow.drops[0] + r.flow.drops[1]).toBe(0);
  });

  it('with a progress callback: PROGRESS_STEPS calls in order up to 1, and the same result', () => {
    const exp = experiment(pipeline());
    const steps: number[] = [];
    const withProgress = runPath(exp.config, exp.paths[0], (d) => steps.push(d));
    expect(steps.length).toBe(PROGRESS_STEPS);
    expect(steps[0]).toBeCloseTo(1 / PROGRESS_STEPS, 12);
    expect(steps.at(-1)).toBe(1);
    expect(steps.every((s, i) => i === 0 || s > steps[i - 1])).toBe(true);
    expect(withProgress).toEqual(runPath(exp.config, exp.paths[0]));
  });
});

describe('the hops of a run', () => {
  const cfg = (traffic: Record<string, unknown>) =>
    ({
      nic: { rxRing: 1, txRing: 2, switchBuffer: 4 },
      host: { vringDescriptors: 3 },
      traffic: { socketBuffer: 5, ...traffic },
    }) as unknown as ModelConfig;
  const path = {
    spec: {
      rx: [
        { kind: 'wire', name: 'w-rx' },
        { kind: 'delay', name: 'd-rx' },
      ],
      tx: [{ kind: 'wire', name: 'w-tx' }],
    },
  } as unknown as ResolvedPath;

  it('each ring reference names its own setting; a number is itself', () => {
    const c = cfg({});
    expect(
      ['nic_rx', 'nic_tx', 'vring', 'switch_buffer', 'socket_buffer', 77].map((r) => ringCapacity(c, r as never)),
    ).toEqual([1, 2, 3, 4, 5, 77]);
  });

  it('open loop: the data direction only; bulk TCP adds the return direction; request/response the application between', () => {
    const names = (c: ModelConfig) => runHops(c, path).map((h) => `${h.chain}:${h.name}:${h.index}`);
    expect(names(cfg({ direction: 'rx', mode: 'open' }))).toEqual(['forward:w-rx:0', 'forward:d-rx:1']);
    expect(names(cfg({ direction: 'tx', mode: 'saturate' }))).toEqual([
      'forward:w-tx:0',
      'reverse:w-rx:0',
      'reverse:d-rx:1',
    ]);
    expect(names(cfg({ direction: 'rx', mode: 'request-response', rr: { appCycles: 900 } }))).toEqual([
      'forward:w-rx:0',
      'forward:d-rx:1',
      'forward:app:2',
      'reverse:w-tx:0',
    ]);
    const app = runHops(cfg({ direction: 'rx', mode: 'request-response', rr: { appCycles: 900 } }), path)[2].spec;
    expect(app).toEqual(applicationHop(900));
  });

  it("the application: process context on the VM's vCPU, polled from the socket buffer, its cycles on requests only", () => {
    expect(applicationHop(900)).toEqual({
      kind: 'cpu',
      name: 'app',
      core: 'vcpu',
      instances: 'per-vm',
      ring: 'socket_buffer',
      notify: { kind: 'poll' },
      context: 'process',
      carries: ['request'],
      work: [{ cause: 'app', cycles: 900, kinds: ['request'] }],
    });
  });
});
