import { describe, expect, it } from 'vitest';
import type { RngStream } from '../src/engine/rng.js';
import { Lane } from '../src/engine/lane.js';
import { Simulator } from '../src/engine/simulator.js';
import { DELAYED_ACK_NS, type RequestResponse, type VmTraffic } from '../src/model/config.js';
import { Counters } from '../src/model/counters.js';
import type { Receiver } from '../src/model/hops.js';
import { ACK, DATA, PacketTable, REQUEST, RESPONSE } from '../src/model/packets.js';
import {
  BulkSender,
  FrameSampler,
  OpenLoopSource,
  RrClient,
  RrServer,
  TcpReceiver,
  TransactionTable,
  type SourceDeps,
} from '../src/model/traffic.js';

// The traffic ends one at a time, by hand: what each sends, when, and what it counts.

function deps(tsoFrames = 1, seed = 7) {
  const sim = new Simulator();
  const packets = new PacketTable();
  const counters = new Counters(2, 1, 1, 1, packets);
  const got: [number, number][] = [];
  const entry: Receiver = { accept: (pkt) => void got.push([pkt, sim.now]) };
  const d: SourceDeps = { sim, packets, counters, entry, seed, tsoFrames, fixedDelay: new Lane(sim) };
  return { ...d, d, got };
}

const traffic = (pps: number, arrivals: VmTraffic['arrivals'], bytes = [1000], weights = [1]): VmTraffic => ({
  pps,
  frames: { bytes, weights },
  arrivals,
});

/** An RngStream that gives the uniforms listed, in turn, and fails when asked for more. */
const scripted = (us: number[]) => {
  let i = 0;
  const uniform = () => {
    if (i >= us.length) throw new Error('one draw too many');
    return us[i++];
  };
  return { uniform } as unknown as RngStream;
};

describe('FrameSampler', () => {
  it('draws each size with its weight, by the cumulative weights; a single size draws no number', () => {
    const s = new FrameSampler({ bytes: [64, 1500, 9000], weights: [1, 3, 0] }, scripted([0.2, 0.25, 0.999, 0]));
    expect([s.next(), s.next(), s.next(), s.next()]).toEqual([64, 1500, 1500, 64]);
    const one = new FrameSampler({ bytes: [512], weights: [1] }, scripted([]));
    expect([one.next(), one.next()]).toEqual([512, 512]);
  });
});

describe('OpenLoopSource', () => {
  it('constant: evenly spaced at 1/pps after a random phase within one gap, each packet counted as offered', () => {
    const { sim, counters, got, d, packets } = deps();
    new OpenLoopSource(d, 1, traffic(1e6, { kind: 'constant' })).start();
    sim.run(10_000);
    expect(got.length).toBeGreaterThanOrEqual(9);
    expect(got[0][1]).toBeLessThan(1000);
    // Another VM has its own phase: VMs are not in lockstep.
    const other = deps();
    new OpenLoopSource(other.d, 0, traffic(1e6, { kind: 'constant' })).start();
    other.sim.run(10_000);
    expect(other.got[0][1]).toBeLessThan(1000);
    expect(other.got[0][1]).not.toBe(got[0][1]);
    expect(Math.min(other.got[0][1], got[0][1])).toBeGreaterThan(0);
    for (let i = 1; i < got.length; i++) expect(got[i][1] - got[i - 1][1]).toBeCloseTo(1000, 6);
    expect(counters.totalOffered).toBe(got.length);
    expect([packets.vm[got[0][0]], packets.bytes[got[0][0]], packets.kind[got[0][0]]]).toEqual([1, 1000, DATA]);
  });

  it('constant: the first arrival of every VM falls within one gap, at a phase spread over it', () => {
    const { sim, got, d, packets } = deps();
    for (let vm = 0; vm < 20; vm++) new OpenLoopSource(d, vm, traffic(1e6, { kind: 'constant' })).start();
    sim.run(999.999);
    const first = got.map(([, t]) => t);
    expect(new Set(got.map(([pkt]) => packets.vm[pkt])).size).toBe(20);
    expect(Math.max(...first) - Math.min(...first)).toBeGreaterThan(500);
  });

  it('each VM draws its frame sizes from its own stream', () => {
    const { sim, got, d, packets } = deps();
    for (const vm of [0, 1]) new OpenLoopSource(d, vm, traffic(1e6, { kind: 'constant' }, [64, 1500], [1, 1])).start();
    sim.run(40_000);
    const sizes = (vm: number) => got.filter(([pkt]) => packets.vm[pkt] === vm).map(([pkt]) => packets.bytes[pkt]);
    expect(sizes(0).length).toBeGreaterThanOrEqual(39);
    expect(sizes(0)).not.toEqual(sizes(1));
    expect(sizes(1)).not.toEqual([...sizes(1)].fill(64));
  });

  it('poisson: exponential gaps with mean 1/pps (count and squared CV within 5 sigma)', () => {
    const { sim, got, d } = deps();
    new OpenLoopSource(d, 0, traffic(1e6, { kind: 'poisson' })).start();
    sim.run(10e6);
    // About 10,000 arrivals: Poisson count sd 100.
    expect(Math.abs(got.length - 10_000)).toBeLessThan(500);
    const gaps = got.slice(1).map(([, t], i) => t - got[i][1]);
    const mean = gaps.reduce((a, b) => a + b) / gaps.length;
    const cv2 = gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length / mean ** 2;
    expect(Math.abs(cv2 - 1)).toBeLessThan(0.1);
  });

  it('on-off: the same mean rate, in bursts at the peak rate (counts per on-period scale far more than Poisson)', () => {
    const { sim, got, d } = deps();
    // On 100 us, off 300 us on average: peak rate 4x the mean of 1 M/s.
    new OpenLoopSource(d, 0, traffic(1e6, { kind: 'on-off', onNs: 100e3, offNs: 300e3 })).start();
    sim.run(40e6);
    expect(Math.abs(got.length / 40_000 - 1)).toBeLessThan(0.15);
    // Gaps: mostly peak-rate (mean 250 ns) inside bursts, a few long off periods.
    const gaps = got.slice(1).map(([, t], i) => t - got[i][1]);
    const short = gaps.filter((g) => g < 2000).length / gaps.length;
    expect(short).toBeGreaterThan(0.95);
    const sorted = [...gaps].sort((a, b) => a - b);
    expect(sorted[Math.floor(gaps.length / 2)]).toBeLessThan(300);
    expect(Math.max(...gaps)).toBeGreaterThan(300e3);
  });

  it('on-off with on periods shorter than the peak gap: arrivals only inside on periods, so still the mean rate', () => {
    const { sim, got, d } = deps();
    // Mean gap 1000 ns, on 100 ns and off 900 ns on average: the peak gap (100 ns) often
    // overshoots an on period, and the next on period must be drawn, again and again.
    new OpenLoopSource(d, 0, traffic(1e6, { kind: 'on-off', onNs: 100, offNs: 900 })).start();
    sim.run(40e6);
    expect(Math.abs(got.length / 40_000 - 1)).toBeLessThan(0.05);
  });

  it('sends nothing at a rate of zero', () => {
    const { sim, got, d } = deps();
    new OpenLoopSource(d, 0, traffic(0, { kind: 'poisson' })).start();
    sim.run(1e6);
    expect(got).toEqual([]);
    expect(sim.pending).toBe(0);
  });
});

describe('BulkSender', () => {
  it('fills its window, always sends into an empty one, and refills as bytes are freed', () => {
    const { got, d, counters } = deps();
    const s = new BulkSender(d, 0, traffic(0, { kind: 'constant' }), 3000);
    expect([s.trySend(), s.trySend(), s.trySend(), s.trySend()]).toEqual([true, true, true, false]);
    s.freed(1000);
    expect(got.length).toBe(4);
    s.freed(2500);
    // 500 in flight: one more fills it to 1500, another to 2500, a third to 3500.
    expect(got.length).toBe(7);
    expect(counters.totalOffered).toBe(7);
    const small = deps();
    const one = new BulkSender(small.d, 0, traffic(0, { kind: 'constant' }), 500);
    expect([one.trySend(), one.trySend()]).toEqual([true, false]);
    const none = new BulkSender(small.d, 0, traffic(0, { kind: 'constant' }), 0);
    expect([none.trySend(), none.trySend()]).toEqual([true, false]);
  });

  it('each VM draws its frame sizes from its own stream', () => {
    const { got, d, packets } = deps();
    const senders = [0, 1].map(
      (vm) => new BulkSender(d, vm, traffic(0, { kind: 'constant' }, [64, 1500], [1, 1]), 1e9),
    );
    for (let i = 0; i < 40; i++) for (const s of senders) s.trySend();
    const sizes = (vm: number) => got.filter(([pkt]) => packets.vm[pkt] === vm).map(([pkt]) => packets.bytes[pkt]);
    expect(sizes(0).length).toBe(40);
    expect(sizes(0)).not.toEqual(sizes(1));
  });

  it('sends TSO segments of tsoFrames frames', () => {
    const { got, d, packets } = deps(4);
    new BulkSender(d, 1, traffic(0, { kind: 'constant' }), 1).trySend();
    const [pkt] = got[0];
    expect([packets.frames[pkt], packets.bytes[pkt], packets.vm[pkt]]).toEqual([4, 4000, 1]);
  });
});

describe('TcpReceiver', () => {
  function receiver(ackEvery: number, merges: boolean) {
    const { sim, packets, counters } = deps();
    const acks: [number, number, number][] = [];
    const reverse: Receiver = {
      accept: (pkt) => void acks.push([packets.info[pkt], sim.now, packets.kind[pkt]]),
    };
    const r = new TcpReceiver(sim, packets, counters, 0, ackEvery, reverse, merges, new Lane(sim));
    const seg = (bytes: number, frames = 1) => packets.alloc(0, bytes, sim.now, frames);
    return { sim, counters, acks, r, seg };
  }

  it('acknowledges every ackEvery frames, and the rest when the delayed-ACK timer fires', () => {
    const { sim, counters, acks, r, seg } = receiver(2, false);
    r.receive(seg(1000), null);
    expect(acks).toEqual([]);
    r.receive(seg(1200), null);
    expect(acks).toEqual([[2200, 0, ACK]]);
    r.receive(seg(800), null);
    sim.run(DELAYED_ACK_NS - 1);
    expect(acks.length).toBe(1);
    sim.run(DELAYED_ACK_NS);
    expect(acks[1]).toEqual([800, DELAYED_ACK_NS, ACK]);
    expect(counters.totalAcksSent).toBe(2);
    // Acknowledged already: the timer finds nothing pending.
    r.receive(seg(1000), null);
    r.receive(seg(1000), null);
    sim.run(3 * DELAYED_ACK_NS);
    expect(acks.length).toBe(3);
  });

  it('one delayed-ACK timer at a time: armed by the first frame left pending, re-armed only after it fired', () => {
    const { sim, acks, r, seg } = receiver(3, false);
    r.receive(seg(1000), null);
    sim.run(10e6);
    r.receive(seg(1000), null);
    sim.run(45e6);
    expect(acks).toEqual([[2000, DELAYED_ACK_NS, ACK]]);
    r.receive(seg(1000), null);
    sim.run(200e6);
    expect(acks[1]).toEqual([1000, 45e6 + DELAYED_ACK_NS, ACK]);
  });

  it('no timer while nothing is pending: the next frame left pending arms its own', () => {
    const { sim, acks, r, seg } = receiver(2, false);
    // Two frames at once: acknowledged at once, nothing pending, no timer.
    r.receive(seg(2000, 2), null);
    sim.run(DELAYED_ACK_NS - 1000);
    r.receive(seg(1000), null);
    sim.run(3 * DELAYED_ACK_NS);
    expect(acks).toEqual([
      [2000, 0, ACK],
      [1000, 2 * DELAYED_ACK_NS - 1000, ACK],
    ]);
  });

  it('a timer left from an earlier frame does not acknowledge frames that came after it fired', () => {
    const { sim, acks, r, seg } = receiver(2, false);
    r.receive(seg(1000), null);
    sim.run(1);
    r.receive(seg(1000), null);
    sim.run(2);
    r.receive(seg(1000), null);
    sim.run(DELAYED_ACK_NS + 0.5);
    r.receive(seg(500), null);
    sim.run(4 * DELAYED_ACK_NS);
    // The frame at 2 waits for the timer armed at 0; the one at D + 0.5 for its own timer.
    expect(acks).toEqual([
      [2000, 1, ACK],
      [1000, DELAYED_ACK_NS, ACK],
      [500, 2 * DELAYED_ACK_NS + 0.5, ACK],
    ]);
  });

  it('a multi-frame segment: at once with everything pending when the stack merges segments, frame by frame otherwise', () => {
    const merging = receiver(2, true);
    merging.r.receive(merging.seg(1000), null);
    merging.r.receive(merging.seg(3000, 3), null);
    expect(merging.acks).toEqual([[4000, 0, ACK]]);
    merging.sim.run(10 * DELAYED_ACK_NS);
    expect(merging.acks.length).toBe(1);

    const plain = receiver(2, false);
    plain.r.receive(plain.seg(3000, 3), null);
    // Two of the three frames acknowledged, in proportion; the third by the timer.
    expect(plain.acks).toEqual([[2000, 0, ACK]]);
    plain.sim.run(DELAYED_ACK_NS);
    expect(plain.acks[1]).toEqual([1000, DELAYED_ACK_NS, ACK]);
  });
});

describe('request/response', () => {
  const rr = (o: Partial<RequestResponse>): RequestResponse => ({
    requestFrameBytes: 200,
    responseFrames: 5,
    responseFrameBytes: 1500,
    concurrency: 0,
    ratePerVm: 0,
    appCycles: 0,
    peerLatencyNs: 0,
    ...o,
  });

  it('TransactionTable: slots are reused, last freed first, and survive growth past 256', () => {
    const t = new TransactionTable();
    const a = t.open(10);
    const b = t.open(20);
    t.remaining[b] = 3;
    t.failed[b] = 1;
    t.close(a);
    expect(t.open(30)).toBe(a);
    expect(t.started[a]).toBe(30);
    t.close(b);
    expect(t.open(40)).toBe(b);
    expect([t.remaining[b], t.failed[b]]).toEqual([0, 0]);
    for (let i = 0; i < 300; i++) t.open(100 + i);
    // Slots 2 to 301: slot 256, the first past the initial 256, grows the table before it is written.
    expect([t.started[255], t.started[256], t.started[257]]).toEqual([100 + 253, 100 + 254, 100 + 255]);
    expect(t.started[299]).toBe(100 + 297);
    expect(t.started[a]).toBe(30);
  });

  it('a closed-loop client keeps `concurrency` requests out, each after the peer latency, and issues one as each ends', () => {
    const { sim, got, d, packets, counters } = deps();
    const table = new TransactionTable();
    const c = new RrClient(d, 1, rr({ concurrency: 2, peerLatencyNs: 100 }), table);
    c.start();
    expect(got).toEqual([]);
    sim.run(100);
    expect(got.map(([, t]) => t)).toEqual([100, 100]);
    const [pkt] = got[0];
    expect([packets.kind[pkt], packets.bytes[pkt], packets.vm[pkt], packets.info[pkt]]).toEqual([REQUEST, 200, 1, 0]);
    expect(table.started[0]).toBe(0);
    sim.run(500);
    c.ended();
    sim.run(1000);
    expect(got.map(([, t]) => t)).toEqual([100, 100, 600]);
    expect(counters.totalOffered).toBe(3);
  });

  it('an open-loop client issues Poisson requests at ratePerVm, at once without peer latency', () => {
    const { sim, got, d } = deps();
    const c = new RrClient(d, 0, rr({ ratePerVm: 1e6 }), new TransactionTable());
    c.start();
    sim.run(10e6);
    expect(Math.abs(got.length - 10_000)).toBeLessThan(500);
    // A transaction's end issues nothing in an open loop.
    const before = got.length;
    c.ended();
    expect(got.length).toBe(before);
    // Without peer latency a closed loop's requests go out at once, inside start().
    const closed = deps();
    new RrClient(closed.d, 0, rr({ concurrency: 2 }), new TransactionTable()).start();
    expect(closed.got.length).toBe(2);
  });

  it("each VM's open-loop client draws its request times from its own stream", () => {
    const { sim, got, d, packets } = deps();
    for (const vm of [0, 1]) new RrClient(d, vm, rr({ ratePerVm: 1e6 }), new TransactionTable()).start();
    sim.run(20_000);
    const times = (vm: number) => got.filter(([pkt]) => packets.vm[pkt] === vm).map(([, t]) => t);
    expect(times(0).length).toBeGreaterThan(5);
    expect(times(0)).not.toEqual(times(1));
  });

  it('the server answers with the response frames in TSO segments, each counted as offered', () => {
    const { sim, packets, counters } = deps();
    const table = new TransactionTable();
    const slot = table.open(0);
    const sent: number[] = [];
    const s = new RrServer(sim, packets, counters, rr({}), table, { accept: (p) => void sent.push(p) }, 2);
    s.answer(1, slot, null);
    expect(sent.map((p) => packets.frames[p])).toEqual([2, 2, 1]);
    expect(sent.map((p) => packets.bytes[p])).toEqual([3000, 3000, 1500]);
    expect(sent.every((p) => packets.kind[p] === RESPONSE && packets.info[p] === slot && packets.vm[p] === 1)).toBe(
      true,
    );
    expect(table.remaining[slot]).toBe(5);
    expect(counters.totalOffered).toBe(5);
  });
});
