import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../src/model/config.js';
import { applicationHop, PROGRESS_STEPS, ringCapacity, runHops, runPath } from '../src/model/network.js';
import { checkLaws } from '../src/experiment/laws.js';
import type { ResolvedPath, RunResult } from '../src/model/result.js';
import { ACK } from '../src/model/packets.js';
import { experiment, run, sum } from './support/scenario.js';

// How runPath assembles hops into a network, checked where the numbers can be worked out by
// hand: one VM, evenly spaced packets far apart, deterministic work, so every packet meets an
// empty path and its latency is the sum of its hops' times.
/** A shared station on core 1, polled: 150 cycles plus 0.05 per byte (200 cycles for 1000 B). */
const station = (name: string) => ({
  kind: 'cpu',
  name,
  core: 1,
  instances: 'shared',
  ring: 64,
  notify: { kind: 'poll' },
  work: [{ cause: 'guest', cycles: 150, cycles_per_byte: 0.05 }],
});

/** Flow balance at every hop (src/experiment/laws.ts): what entered left, was dropped, or is still there. */
const unbalancedHops = (r: RunResult) => checkLaws(r).filter((c) => c.law.startsWith('flow balance') && !c.ok);

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
        station('stack'),
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

  /** The pipeline on other hops (`hops` holds rx, and tx where it sends): 1000-B frames, `traffic` the rest. */
  const custom = (description: string, hops: Record<string, unknown[]>, traffic: Record<string, unknown>) =>
    pipeline({
      traffic: { direction: 'rx', frame_bytes: 1000, ...traffic },
      custom_paths: { line: { base: 'native', description, ...hops } },
    });
  /** Open loop, a packet every 10 us, each meeting an empty path; closed loop, a window of two frames. */
  const openAndClosed = (description: string, rx: unknown[]) => ({
    open: run(custom(description, { rx }, { load: '0.1 Mpps', arrivals: 'constant' })).line,
    closed: run(custom(description, { rx }, { load: 'saturate', window: '1518 B' })).line,
  });

  it('delays between wires are each run once, by the wire before them, in open and closed loop; the first wire gives the wire figures', () => {
    // 100 + 816 + 500 + 816 + 300 ns, then 200 cycles at 1 GHz: each delay once.
    const each = 100 + 816 + 500 + 816 + 300 + 200;
    // Open loop: the rings are bounded, so only the delays after the wires are folded, and
    // every packet meets an empty path. Closed loop: every delay is folded into a wire; the
    // window lets two frames out at once (the receiver acknowledges every second one), and
    // the second waits for the first on the wire, one frame time.
    const { open, closed } = openAndClosed('a delay, a wire, a delay, a wire, a delay and a station', [
      { kind: 'delay', name: 'before', ns: [100] },
      { kind: 'wire', name: 'wire', ring: 'switch_buffer' },
      { kind: 'delay', name: 'between', ns: [500] },
      { kind: 'wire', name: 'second_wire', ring: 'switch_buffer' },
      { kind: 'delay', name: 'dma', ns: [300] },
      station('stack'),
    ]);
    expect(open.latencyNs.max).toBeCloseTo(each, 6);
    expect(closed.latencyNs.max).toBeCloseTo(each + 816, 6);
    expect(closed.latencyNs.mean).toBeCloseTo(each + 816 / 2, 0);
    for (const r of [open, closed]) {
      expect(r.deliveredPackets).toBeGreaterThan(100);
      expect(unbalancedHops(r)).toEqual([]);
      // One wire's frames, not the two wires' together.
      expect(Math.abs(r.wireFrames - r.deliveredPackets)).toBeLessThanOrEqual(2);
      expect(Math.abs(r.wireBusyNs - 816 * r.wireFrames)).toBeLessThanOrEqual(816);
    }
  });

  it('a wire first in its chain runs the delay after it alone; a delay between two stations stays a hop of its own', () => {
    const each = 816 + 500 + 816 + 200 + 50 + 200;
    const { open, closed } = openAndClosed('a wire, a delay, a wire, a station, a delay and a station', [
      { kind: 'wire', name: 'wire', ring: 'switch_buffer' },
      { kind: 'delay', name: 'between', ns: [500] },
      { kind: 'wire', name: 'second_wire', ring: 'switch_buffer' },
      station('stack'),
      { kind: 'delay', name: 'handoff', ns: [50] },
      station('socket'),
    ]);
    expect(open.latencyNs.max).toBeCloseTo(each, 6);
    // Two frames leave at once; the second waits one frame time on the first wire (see above).
    expect(closed.latencyNs.max).toBeCloseTo(each + 816, 6);
    for (const r of [open, closed]) expect(unbalancedHops(r)).toEqual([]);
  });

  it('a delay that ends its chain stays a hop of its own, before a return chain that starts with a wire', () => {
    // Transmit in a closed loop: the data chain ends in the peer's latency, and the ACKs come
    // back over a wire of their own, which must not take that delay for its own.
    const sending = (tail: Record<string, unknown>[]) =>
      run(
        custom(
          'a station, a wire and the peer out; a wire and a station back',
          {
            tx: [station('stack'), { kind: 'wire', name: 'wire', ring: 'nic_tx' }, ...tail],
            rx: [{ kind: 'wire', name: 'wire_in', ring: 'switch_buffer' }, station('acks')],
          },
          { direction: 'tx', load: 'saturate', window: '2000 B' },
        ),
      ).line;
    // After a station: a delay right after a wire is the wire's to run.
    const without = sending([station('peer')]);
    const peer = sending([station('peer'), { kind: 'delay', name: 'peer_latency', ns: [700] }]);
    expect(peer.deliveredPackets).toBeGreaterThan(100);
    // Each window's frames meet the same queues either way; each frame then waits 700 ns more.
    expect(peer.latencyNs.max - without.latencyNs.max).toBeCloseTo(700, 6);
    expect(peer.latencyNs.mean - without.latencyNs.mean).toBeCloseTo(700, 3);
    expect(unbalancedHops(peer)).toEqual([]);
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

describe('what runPath builds from the spec', () => {
  // The pipeline again, with a 1000-cycle station, a packet every 20 us over 40 ms: each meets
  // an empty path, so its latency is 816 + 500 ns plus 1000 x its work factor.
  const spec = (extra: Record<string, unknown> = {}, station: Record<string, unknown> = {}, tx?: unknown[]) => {
    const data = pipeline({
      duration: '40 ms',
      traffic: { direction: 'rx', load: '0.05 Mpps', arrivals: 'constant', frame_bytes: 1000 },
      ...extra,
    });
    const line = (data.custom_paths as { line: Record<string, unknown> & { rx: Record<string, unknown>[] } }).line;
    line.rx[2] = { ...line.rx[2], work: [{ cause: 'guest', cycles: 1000 }], ...station };
    if (tx) line.tx = tx;
    return data;
  };
  const BASE = 816 + 500;

  it("draws each hop's work factor from its service distribution, mean 1", () => {
    const lat = (service: unknown) => run(spec({}, { service })).line.latencyNs;
    const fixed = lat('deterministic');
    expect([fixed.mean, fixed.max]).toEqual([BASE + 1000, BASE + 1000]);
    // Uniform on [0, 2): median 1, 99th percentile 1.98, never 2.
    const uniform = lat('uniform');
    expect(Math.abs(uniform.p50 - (BASE + 1000))).toBeLessThan(100);
    expect(uniform.p99).toBeGreaterThan(BASE + 1900);
    expect(uniform.max).toBeLessThan(BASE + 2000);
    // Exponential: median ln 2, 99th percentile ln 100.
    const exponential = lat('exponential');
    expect(Math.abs(exponential.p50 - (BASE + 693))).toBeLessThan(120);
    expect(Math.abs(exponential.p99 - (BASE + 4605))).toBeLessThan(700);
    // Erlang-4 (four exponential stages of 1/4): median 0.918, 99th percentile 2.51.
    const erlang = lat({ erlang: 4 });
    expect(Math.abs(erlang.mean - (BASE + 1000))).toBeLessThan(60);
    expect(Math.abs(erlang.p50 - (BASE + 918))).toBeLessThan(100);
    expect(Math.abs(erlang.p99 - (BASE + 2510))).toBeLessThan(350);
  });

  it('gives each hop a service stream of its own: two exponential hops in a row add to an Erlang-2', () => {
    // The station, then a second like it: each packet meets both empty, so its latency is
    // BASE plus 1000 x (f1 + f2). Drawn from one stream, f1 and f2 would be the same number
    // (each hop's k-th draw is for the k-th packet) and the sum 2 x an exponential.
    const data = spec({}, { service: 'exponential' });
    const line = (data.custom_paths as { line: { rx: Record<string, unknown>[] } }).line;
    line.rx.push({ ...line.rx[2], name: 'socket' });
    const lat = run(data).line.latencyNs;
    // Erlang-2 of mean 2000: median 1678, 99th percentile 6638; 2 x Exp: 1386 and 9210.
    expect(lat.mean).toBeGreaterThan(BASE + 1800);
    expect(lat.mean).toBeLessThan(BASE + 2200);
    expect(Math.abs(lat.p50 - (BASE + 1678))).toBeLessThan(140);
    expect(Math.abs(lat.p99 - (BASE + 6638))).toBeLessThan(900);
  });

  it('counts the interrupt vectors of interrupt-driven hops: one per consumer of each instance', () => {
    const vectors = (station: Record<string, unknown>, vms = 2) =>
      run(spec({ vms: { count: vms } }, station)).line.interruptVectors;
    expect(vectors({ core: 0, notify: { kind: 'interrupt' }, servers: 2 })).toBe(2);
    expect(vectors({ core: 0, notify: { kind: 'interrupt' } }, 1)).toBe(1);
    expect(vectors({ core: 0, notify: { kind: 'poll' }, servers: 2 })).toBe(0);
  });

  it('names drops per hop, the return direction apart and only where responses can be lost there', () => {
    const rr = run(
      spec({
        traffic: {
          direction: 'rx',
          kind: 'request_response',
          frame_bytes: 1000,
          request_response: { rate_per_vm: '20 kreq/s', response_bytes: '1 KiB' },
        },
      }),
    ).line;
    expect(Object.keys(rr.drops)).toEqual(['wire', 'dma', 'stack', 'app', 'return_stack', 'return_dma', 'return_wire']);
    const bulk = run(spec({ traffic: { direction: 'rx', frame_bytes: 1000 } })).line;
    expect(Object.keys(bulk.drops)).toEqual(['wire', 'dma', 'stack']);
  });

  it("open loop: the transmit wire's queue holds tx_ring frames per VM where the NIC has a queue per VM, tx_ring where it has one", () => {
    // 4 Gbit/s offered to a 1 GbE port: the queue in front of the wire fills and drops the rest.
    const overloaded = (direction: string, nic: Record<string, unknown>, paths: string[]) =>
      run({
        name: `${direction}-queues`,
        seed: 1,
        duration: '20 ms',
        warmup: '5 ms',
        nic: { line_rate: '1 Gbit/s', ...nic },
        vms: { count: 4 },
        traffic: { direction, load: '4 Gbit/s', frame_bytes: 1518 },
        paths,
      });
    const atWire = (r: RunResult) => r.flow.placeAtClose[r.hops.findIndex((h) => h.name === 'wire')];
    const paths = ['sriov', 'vmdq', 'paravirtual'];
    const r = overloaded('tx', { tx_ring: 512 }, paths);
    expect(atWire(r.sriov)).toBe(4 * 512);
    expect(atWire(r.vmdq)).toBe(4 * 512);
    expect(atWire(r.paravirtual)).toBe(512);
    for (const p of paths) expect(r[p].drops.wire).toBeGreaterThan(1000);
    // Received, the queue in front of the wire is the switch's buffer, one for all VMs.
    const atRxWire = atWire(overloaded('rx', { switch_buffer: 300 }, ['sriov']).sriov);
    expect(atRxWire).toBeLessThanOrEqual(300);
    expect(atRxWire).toBeGreaterThan(290);
  });

  it("the wire of the data direction is the run's wire: busy all the window at saturation, the frame in flight at the end included", () => {
    // Bulk TCP: data one way, ACKs back over the other wire, which must not count.
    for (const direction of ['rx', 'tx']) {
      const r = run({
        name: 'wire-busy',
        seed: 1,
        duration: '5 ms',
        warmup: '1 ms',
        vms: { count: 4 },
        traffic: { direction, load: 'saturate', frame_bytes: 1518 },
        paths: ['sriov'],
      }).sriov;
      expect(r.hops.filter((h) => h.name === 'wire').map((h) => h.chain)).toEqual(['forward', 'reverse']);
      // Short by one 1538-B frame (1.2 us at 10 Gbit/s) if the frame in flight were left out.
      expect(Math.abs(r.wireBusyNs - r.windowNs)).toBeLessThan(1e-9 * r.windowNs);
      // Data frames only: as many as were delivered, give or take those on their way at the ends.
      expect(Math.abs(r.wireFrames - r.deliveredPackets)).toBeLessThan(50);
    }
  });

  it('with no warm-up the window opens before the first packet: every frame offered is in it', () => {
    const bulk = run(spec({ warmup: '0 ms', traffic: { direction: 'rx', frame_bytes: 1000 } })).line;
    expect(bulk.offeredPackets).toBeGreaterThan(1000);
    expect(bulk.offeredPackets).toBe(bulk.conservation.offered);
    // Frames still in flight at the end, and their summed age: positive, each younger than the run.
    expect(bulk.inFlightAtClose).toBeGreaterThan(0);
    expect(bulk.inFlightAgeNs).toBeGreaterThan(0);
    expect(bulk.inFlightAgeNs).toBeLessThan(bulk.inFlightAtClose * 40e6);
  });

  it('a receiving guest acknowledges each GRO aggregate at once, whatever the peer does', () => {
    const acks = (peer_gro: boolean) =>
      run(
        spec(
          { host: { cores: 2, clock: '1 GHz', gro: true }, traffic: { direction: 'rx', frame_bytes: 1000, peer_gro } },
          { aggregate: ['gro'] },
        ),
      ).line;
    const withPeerGro = acks(true);
    const without = acks(false);
    expect(without.acks).toBe(withPeerGro.acks);
    // Every second frame would be acknowledged without aggregates (ack_every 2); aggregates need fewer.
    expect(without.acks).toBeLessThan(0.47 * without.deliveredPackets);
  });

  describe('request/response losses', () => {
    const rr = (request_response: Record<string, unknown>, station: Record<string, unknown> = {}, tx?: unknown[]) =>
      run(
        spec(
          { traffic: { direction: 'rx', kind: 'request_response', frame_bytes: 1000, request_response } },
          station,
          tx,
        ),
      ).line;

    it('a transaction with a lost response frame ends, once, as lost, when its last frame is accounted for', () => {
      // 12 response frames at once into a return wire that holds 4: every response loses frames.
      const r = rr({ rate_per_vm: '20 kreq/s', response_bytes: '16 KiB' }, {}, [
        { kind: 'wire', name: 'wire', ring: 4 },
      ]);
      expect(r.transactions).toBe(0);
      // One transaction per request the server received, give or take those open at the window's edges.
      expect(r.transactionsLost).toBeGreaterThan(700);
      expect(Math.abs(r.transactionsLost - r.deliveredPackets)).toBeLessThanOrEqual(2);
      expect(r.drops.return_wire).toBeGreaterThan(7 * r.transactionsLost);
    });

    it('a lost request ends its transaction as lost; the others complete', () => {
      // Requests every 0.5 us on average into a ring of one in front of a 1 us station.
      const r = rr({ rate_per_vm: '2000 kreq/s', response_bytes: '64 B' }, { ring: 1 });
      expect(r.drops.stack).toBeGreaterThan(0);
      expect(r.transactionsLost).toBe(r.drops.stack);
      expect(r.transactions).toBe(r.deliveredPackets);
    });

    it('a closed loop never drops: its outstanding transactions bound every queue', () => {
      const r = rr({ concurrency: 8, response_bytes: '64 B' }, { ring: 1 });
      expect(r.transactions).toBeGreaterThan(1000);
      expect([r.transactionsLost, ...Object.values(r.drops)].every((d) => d === 0)).toBe(true);
    });
  });
});

describe('hops that carry some kinds only', () => {
  it('the socket takes payload only: the returning ACKs of a transmit pass it without service', () => {
    const r = run({
      name: 'tx',
      seed: 1,
      duration: '2 ms',
      warmup: '0.5 ms',
      vms: { count: 1 },
      traffic: { direction: 'tx', frame_bytes: 1518 },
      paths: ['native'],
    }).native;
    const cores = r.coreBusyNs.length;
    const kinds = r.served.packets.length / (r.hops.length * cores);
    const served = (h: number, kind: number) =>
      sum(Array.from({ length: cores }, (_, c) => r.served.packets[(h * cores + c) * kinds + kind]));
    const socket = r.hops.findIndex((h) => h.name === 'socket' && h.chain === 'reverse');
    expect(socket).toBeGreaterThan(0);
    expect(r.acks).toBeGreaterThan(100);
    expect(served(socket, ACK)).toBe(0);
    // ACKs are served on the way back by the hops that do carry them.
    expect(r.hops.some((h, i) => h.chain === 'reverse' && served(i, ACK) > 0)).toBe(true);
  });
});
