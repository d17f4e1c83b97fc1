import { describe, expect, it } from 'vitest';
import { Simulator } from '../src/engine/simulator.js';
import { causeIndex } from '../src/model/causes.js';
import { Core } from '../src/model/core.js';
import { resolveCosts } from '../src/model/costs.js';
import { Counters } from '../src/model/counters.js';
import { CpuStation, DETERMINISTIC, type HopContext, type NotifyKind, type Receiver } from '../src/model/hops.js';
import { moderator, type Moderator } from '../src/model/moderation.js';
import { ACK, DATA, PacketTable } from '../src/model/packets.js';
import type { WorkSpec } from '../src/model/path-spec.js';
import { cycleVector, kindCosts } from '../src/model/work.js';

// A NAPI-style ring consumer (CpuStation) driven by hand, on cores at 1 GHz so that a cycle is a
// nanosecond: each expected time is the sum of the cycles charged before it. Per data packet
// the hop's work is 1000 cycles plus 1 per byte; a batch (wake-up) costs the consumer 500
// cycles, a notification costs the producer one 2000-cycle exit.
const costs = resolveCosts();
const HOP = 1;

function setup(
  o: {
    capacity?: number;
    kind?: NotifyKind;
    budget?: number;
    work?: WorkSpec[];
    carries?: number;
    lroMaxBytes?: number;
    groMaxBytes?: number;
    perSec?: number;
    factor?: number;
    /** The consumer's batch also takes an exit (an EOI), 1000 cycles. */
    eoi?: boolean;
    /** Whether the measurement window is open (counters count only inside it). */
    measuring?: boolean;
  } = {},
) {
  const sim = new Simulator();
  const packets = new PacketTable();
  const counters = new Counters(2, 2, 2, 2, packets);
  if (o.measuring ?? true) counters.openWindow(0);
  const lost: number[] = [];
  const ctx: HopContext = { sim, packets, counters, lost: (pkt) => void lost.push(pkt) };
  const cores = [new Core(0, 1, sim), new Core(1, 1, sim)];
  const got: [number, number][] = [];
  const sink: Receiver = { accept: (pkt) => void got.push([pkt, sim.now]) };
  const station = (
    budget = o.budget ?? 64,
    perSec = o.perSec ?? 0,
    on: Core[] = [cores[0]],
    moderators: Moderator[] = on.map(() => moderator({ kind: 'fixed', perSec }, true, 10)),
  ) => {
    const s = new CpuStation(
      ctx,
      HOP,
      on,
      {
        capacity: o.capacity ?? 16,
        kind: o.kind ?? 'interrupt',
        budget,
        costs: kindCosts(o.work ?? [{ cause: 'guest', cycles: 1000, cycles_per_byte: 1 }], costs),
        producer: cycleVector([{ cause: 'exits', cycles: 2000 }], costs),
        consumer: cycleVector(
          [{ cause: 'interrupts', cycles: 500 }, ...(o.eoi ? [{ cause: 'exits' as const, cycles: 1000 }] : [])],
          costs,
        ),
        urgent: true,
        carries: o.carries ?? 0b1111,
        lroMaxBytes: o.lroMaxBytes ?? 0,
        groMaxBytes: o.groMaxBytes ?? 0,
      },
      o.factor === undefined ? DETERMINISTIC : { next: () => o.factor! },
      moderators,
    );
    s.next = sink;
    return s;
  };
  const data = (bytes: number, vm = 0) => packets.alloc(vm, bytes, sim.now);
  return { sim, packets, counters, ctx, cores, lost, got, station, data };
}

describe('CpuStation', () => {
  it('an interrupt wakes an idle consumer; packets arriving while it works ride along in the same batch', () => {
    const { sim, counters, cores, got, station, data } = setup();
    const s = station();
    const p = [data(100), data(100), data(100)];
    for (const pkt of p) s.accept(pkt, cores[1]);
    sim.run(100_000);
    // Batch 500 + 1100, then 1100 and 1100.
    expect(got).toEqual([
      [p[0], 1600],
      [p[1], 2700],
      [p[2], 3800],
    ]);
    const guest = causeIndex('guest');
    expect([cores[0].cycles[guest], cores[0].cycles[causeIndex('interrupts')], cores[0].exits]).toEqual([3300, 500, 0]);
    // The producer's core paid the one notification.
    expect([cores[1].cycles[causeIndex('exits')], cores[1].exits]).toEqual([2000, 1]);
    expect(counters.interrupts).toBe(1);
    expect(counters.kicks).toBe(0);
    expect(counters.wakeups[HOP * 2 + 0]).toBe(1);
    expect(counters.notifies[HOP * 2 + 1]).toBe(1);
    expect(counters.servedPackets[(HOP * 2 + 0) * 4 + DATA]).toBe(3);
    expect(counters.servedEntries[(HOP * 2 + 0) * 4 + DATA]).toBe(3);
    expect(counters.servedBytes[(HOP * 2 + 0) * 4 + DATA]).toBe(300);
    expect([counters.hopIn[HOP], counters.hopOut[HOP], s.length, s.inService]).toEqual([3, 3, 0, 0]);
    // Idle again: the next packet is a new batch, notified again.
    const q = data(100);
    s.accept(q, null);
    sim.run(200_000);
    expect(got[3]).toEqual([q, 100_000 + 1600]);
    expect(counters.interrupts).toBe(2);
    expect(counters.notifies[HOP * 2 + 1]).toBe(1);
  });

  it('a consumer that spends its budget goes behind the other work of its core', () => {
    const { sim, got, station, data } = setup();
    const a = station(1);
    const b = station(1);
    const a1 = data(100);
    const a2 = data(100);
    const b1 = data(100);
    a.accept(a1, null);
    a.accept(a2, null);
    b.accept(b1, null);
    sim.run(100_000);
    expect(got).toEqual([
      [a1, 1600],
      [b1, 3200],
      [a2, 4300],
    ]);
  });

  it('holds at most `capacity` packets, waiting and in service together, and drops the rest at the hop', () => {
    const { sim, counters, lost, got, station, data } = setup({ capacity: 2 });
    const s = station();
    const p = [data(100), data(100), data(100)];
    for (const pkt of p) s.accept(pkt, null);
    expect(lost).toEqual([p[2]]);
    expect([counters.drops[HOP], counters.hopIn[HOP], counters.placeFrames[HOP]]).toEqual([1, 3, 2]);
    sim.run(100_000);
    expect(got.map(([pkt]) => pkt)).toEqual([p[0], p[1]]);
  });

  it('packets of a kind it does not carry pass straight on, uncounted', () => {
    const { counters, got, station, packets } = setup({ carries: 1 << DATA });
    const s = station();
    const ack = packets.alloc(0, 70, 0, 1, ACK);
    s.accept(ack, null);
    expect(got).toEqual([[ack, 0]]);
    expect([counters.hopIn[HOP], counters.interrupts]).toEqual([0, 0]);
  });

  it('a moderated interrupt waits for the throttle gap since the previous one', () => {
    const { sim, counters, got, station, data } = setup({ perSec: 100_000 });
    const s = station();
    const a = data(100);
    s.accept(a, null);
    sim.run(2000);
    const b = data(100);
    s.accept(b, null);
    sim.run(100_000);
    // 10 us between interrupts: the second comes at 10,000 ns, not at 2,000.
    expect(got).toEqual([
      [a, 1600],
      [b, 11_600],
    ]);
    expect(counters.interrupts).toBe(2);
  });

  it('an interrupt due exactly when its gap ends is taken at once, ahead of work notified later in that instant', () => {
    const { sim, got, station, data } = setup();
    const a = station(64, 100_000);
    const b = station(64, 0);
    const a1 = data(100);
    a.accept(a1, null);
    const a2 = data(100);
    const b1 = data(100);
    sim.schedule(10_000, { onEvent: () => a.accept(a2, null) });
    sim.schedule(10_000, { onEvent: () => b.accept(b1, null) });
    sim.run(100_000);
    expect(got).toEqual([
      [a1, 1600],
      [a2, 11_600],
      [b1, 13_200],
    ]);
  });

  it("the consumer's batch cost counts its exits on the consumer's core", () => {
    const { sim, cores, got, station, data } = setup({ eoi: true });
    const a = data(100);
    station().accept(a, null);
    sim.run(10_000);
    expect(got).toEqual([[a, 2600]]);
    expect([cores[0].exits, cores[0].cycles[causeIndex('exits')]]).toEqual([1, 1000]);
  });

  it('a kick is counted as a kick; polling costs no notification and no batch', () => {
    const kick = setup({ kind: 'kick' });
    kick.station().accept(kick.data(100), kick.cores[1]);
    kick.sim.run(10_000);
    expect([kick.counters.kicks, kick.counters.interrupts, kick.got[0][1]]).toEqual([1, 0, 1600]);
    const poll = setup({ kind: 'poll' });
    poll.station().accept(poll.data(100), poll.cores[1]);
    poll.sim.run(10_000);
    expect([poll.counters.kicks, poll.counters.interrupts, poll.got[0][1], poll.cores[1].exits]).toEqual([
      0, 0, 1100, 0,
    ]);
    expect(poll.counters.wakeups[HOP * 2]).toBe(0);
  });

  it("scales each packet's work by its service factor, not the batch's", () => {
    const { sim, got, station, data } = setup({ factor: 2 });
    const s = station();
    const a = data(100);
    s.accept(a, null);
    sim.run(10_000);
    expect(got).toEqual([[a, 500 + 2 * 1100]]);
  });

  it('LRO: a frame joins the aggregate of its VM still waiting at the tail of the ring, up to the size limit', () => {
    const { sim, packets, got, station, data } = setup({ lroMaxBytes: 3000 });
    const s = station();
    const p = [data(1000), data(1000), data(1000), data(1000), data(1000), data(1000, 1)];
    for (const pkt of p) s.accept(pkt, null);
    // p0 went into service at once; p2 and p3 merged into p1 (3000 B); p4 would exceed it; p5 is another VM's.
    expect(s.length).toBe(3);
    sim.run(100_000);
    expect(got.map(([pkt]) => pkt)).toEqual([p[0], p[1], p[4], p[5]]);
    expect([packets.bytes[p[1]], packets.frames[p[1]]]).toEqual([3000, 3]);
    // Turns: 500 + 2000, then 1000 + 3000, 2000, 2000.
    expect(got.map(([, t]) => t)).toEqual([2500, 6500, 8500, 10_500]);
  });

  it('GRO: the consumer merges the following entries of the flow into its packet, each paying its driver work', () => {
    const { sim, counters, packets, got, station, data } = setup({
      groMaxBytes: 2000,
      work: [
        { cause: 'guest', cycles: 1000, cycles_per_byte: 1 },
        { cause: 'driver', cycles: 300, per_descriptor: true },
      ],
    });
    const s = station();
    const p = [data(1000), data(1000), data(1000), data(1000)];
    for (const pkt of p) s.accept(pkt, null);
    sim.run(100_000);
    // p0 alone (the ring was empty): 500 + 1000 + 300 + 1000; p1 with p2: 1000 + 600 + 2000; p3: 2300.
    expect(got).toEqual([
      [p[0], 2800],
      [p[1], 6400],
      [p[3], 8700],
    ]);
    expect(packets.frames[p[1]]).toBe(2);
    expect(counters.servedPackets[HOP * 2 * 4 + DATA]).toBe(3);
    expect(counters.servedEntries[HOP * 2 * 4 + DATA]).toBe(4);
    expect(counters.hopOut[HOP]).toBe(4);
  });

  it('LRO merges a data frame only into a data aggregate of its VM: never into or with an ACK', () => {
    const { sim, packets, got, station, data } = setup({ lroMaxBytes: 3000 });
    const s = station();
    const ack = () => packets.alloc(0, 70, sim.now, 1, ACK);
    // p0 goes into service at once; then a data frame, an ACK behind it, a data frame behind the ACK.
    const p = [data(1000), data(1000), ack(), data(1000)];
    for (const pkt of p) s.accept(pkt, null);
    expect(s.length).toBe(3);
    sim.run(100_000);
    expect(got.map(([pkt]) => pkt)).toEqual(p);
    expect(p.map((pkt) => packets.frames[pkt])).toEqual([1, 1, 1, 1]);
  });

  it('GRO takes into its packet only the data entries of the same VM that follow it', () => {
    const { sim, packets, got, counters, station, data } = setup({ groMaxBytes: 10_000 });
    const s = station();
    // Packet 0 is allocated first but queued last, so that GRO must look at an entry whose index is 0.
    const zero = data(1000);
    expect(zero).toBe(0);
    const first = data(1000);
    const ack = packets.alloc(0, 70, 0, 1, ACK);
    const a = data(1000);
    const b = data(1000, 1);
    const c = data(1000);
    const d = data(1000);
    for (const pkt of [first, ack, a, b, c, packets.alloc(0, 70, 0, 1, ACK), d, zero]) s.accept(pkt, null);
    sim.run(1_000_000);
    // first: served alone (the ring was empty); the ACK: alone, though data of its VM follow; a: stops at
    // b (another VM's); b: alone; c: stops at the ACK; the ACK; d takes packet 0 with it.
    expect(got.map(([pkt]) => pkt)).toEqual([first, ack, a, b, c, got[5][0], d]);
    expect(packets.kind[got[5][0]]).toBe(ACK);
    expect([packets.frames[a], packets.frames[c], packets.frames[d], packets.bytes[d]]).toEqual([1, 1, 2, 2000]);
    expect(counters.servedEntries[HOP * 2 * 4 + DATA]).toBe(6);
    expect(counters.servedPackets[HOP * 2 * 4 + DATA]).toBe(5);
  });

  it('exits charged per descriptor count every entry GRO merged', () => {
    const { sim, cores, station, data } = setup({
      groMaxBytes: 10_000,
      work: [
        { cause: 'guest', cycles: 1000 },
        { cause: 'exits', cycles: 100, per_descriptor: true },
      ],
    });
    const s = station();
    const p = [data(1000), data(1000), data(1000), data(1000)];
    for (const pkt of p) s.accept(pkt, null);
    sim.run(100_000);
    // p0 alone (1 descriptor), then p1 with p2 and p3 (3 descriptors): 4 exits, 400 cycles.
    expect([cores[0].exits, cores[0].cycles[causeIndex('exits')]]).toEqual([4, 400]);
  });

  it('tells its moderator what the vector handled between interrupts and between polls', () => {
    const calls: string[] = [];
    const recorder: Moderator = {
      gapNs: 0,
      rate: Infinity,
      onInterrupt: (packets, bytes) => void calls.push(`irq ${packets} ${bytes}`),
      onPollDone: (now, packets, bytes) => void calls.push(`poll ${now} ${packets} ${bytes}`),
    };
    const { sim, cores, station, data, packets } = setup();
    const s = station(64, 0, [cores[0]], [recorder]);
    s.accept(data(100), null);
    s.accept(packets.alloc(0, 300, 0, 2), null);
    sim.run(10_000);
    s.accept(data(50), null);
    sim.run(20_000);
    expect(calls).toEqual(['irq 0 0', 'poll 2900 3 400', 'irq 3 400', 'poll 11550 1 50']);
  });

  it('counts nothing before its window opens, yet serves and charges the same', () => {
    const { sim, counters, cores, got, station, data } = setup({ measuring: false });
    const s = station();
    s.accept(data(100), cores[1]);
    s.accept(data(100), cores[1]);
    sim.run(10_000);
    expect(got.map(([, t]) => t)).toEqual([1600, 2700]);
    expect(cores[1].exits).toBe(1);
    expect([counters.interrupts, counters.kicks, counters.hopIn[HOP], counters.hopOut[HOP]]).toEqual([0, 0, 0, 0]);
    expect([...counters.notifies, ...counters.wakeups, ...counters.servedPackets, ...counters.servedEntries]).toEqual(
      new Array(counters.notifies.length + counters.wakeups.length + 2 * counters.servedPackets.length).fill(0),
    );
    expect([...counters.servedBytes].every((x) => x === 0)).toBe(true);
  });

  it('a dropped ACK leaves the frames placed at the hop as they were', () => {
    const { counters, lost, packets, station } = setup({ capacity: 1 });
    const s = station();
    const acks = [packets.alloc(0, 70, 0, 1, ACK), packets.alloc(0, 70, 0, 1, ACK)];
    for (const pkt of acks) s.accept(pkt, null);
    expect(lost).toEqual([acks[1]]);
    expect([counters.placeFrames[HOP], counters.drops[HOP], counters.ackDrops]).toEqual([0, 0, 1]);
  });

  it('a consumer that finds the ring emptied by another consumer pays its batch and passes nothing on', () => {
    const { sim, counters, cores, got, station, data } = setup();
    // b keeps core 0 busy for 500 + 1000 + 5000 cycles.
    const b = station();
    const big = data(5000);
    b.accept(big, null);
    // s has a consumer on each core: the first is woken for p1 but waits behind b; the second, woken
    // for p2, takes p1 and then p2 on core 1 before core 0 is free.
    const s = station(64, 0, [cores[0], cores[1]]);
    const p1 = data(100);
    const p2 = data(100);
    s.accept(p1, null);
    s.accept(p2, null);
    sim.run(100_000);
    expect(got).toEqual([
      [p1, 1600],
      [p2, 2700],
      [big, 6500],
    ]);
    // Core 0 ran b's batch and packet, then s's first consumer: a batch with no packet (until 7000).
    expect(cores[0].cycles[causeIndex('interrupts')]).toBe(1000);
    expect(cores[0].cycles[causeIndex('guest')]).toBe(6000);
    expect([counters.wakeups[HOP * 2], counters.wakeups[HOP * 2 + 1]]).toEqual([2, 1]);
    expect([s.inService, s.length, counters.hopIn[HOP], counters.hopOut[HOP], counters.placeFrames[HOP]]).toEqual([
      0, 0, 3, 3, 0,
    ]);
    expect(s.consumers.map((c) => c.idle)).toEqual([true, true]);
  });
});
