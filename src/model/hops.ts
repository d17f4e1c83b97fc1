import { Lane } from '../engine/lane.js';
import type { EventHandler, Simulator } from '../engine/simulator.js';
import { CAUSE_COUNT } from './causes.js';
import type { Core, CoreClient } from './core.js';
import type { Counters } from './counters.js';
import type { Moderator } from './moderation.js';
import { ACK, DATA, KIND_COUNT, type PacketTable } from './packets.js';
import { Ring } from './ring.js';
import type { CycleVector, KindCosts } from './work.js';

/** Where a hop hands its packets: the next hop, or the end of the chain. */
export interface Receiver {
  accept(pkt: number, from: Core | null): void;
}

/** What every hop needs from the run it belongs to. */
export interface HopContext {
  sim: Simulator;
  packets: PacketTable;
  counters: Counters;
  /** Tells the packet's endpoint it was lost (a sender frees its window, a client retries). */
  lost(pkt: number): void;
}

/** Drops `pkt` at hop `hop`: counted, its endpoint told, and released. */
export function drop(ctx: HopContext, pkt: number, hop: number): void {
  ctx.counters.dropped(pkt, hop, ctx.sim.now);
  ctx.lost(pkt);
  ctx.packets.release(pkt);
}

/** Hands each packet to its VM's instance of a per-VM hop. */
export class PerVmRouter implements Receiver {
  constructor(
    private readonly packets: PacketTable,
    private readonly instances: Receiver[],
  ) {}

  accept(pkt: number, from: Core | null): void {
    this.instances[this.packets.vm[pkt]].accept(pkt, from);
  }
}

/**
 * Counts a frame entering (`enter`) or leaving (`leave`) hop `hop` at time `now` (its place is
 * the hop's index); ACKs are counted apart. `now` may lie behind the clock when a Wire
 * accounts a transition it computed ahead (see Wire).
 */
export function enter(ctx: HopContext, hop: number, pkt: number, now: number): void {
  if (ctx.packets.kind[pkt] === ACK) return;
  const frames = ctx.packets.frames[pkt];
  const c = ctx.counters;
  if (c.measuring) c.hopIn[hop] += frames;
  c.place(hop, frames, now);
}

export function leave(ctx: HopContext, hop: number, pkt: number, now: number): void {
  if (ctx.packets.kind[pkt] === ACK) return;
  const frames = ctx.packets.frames[pkt];
  const c = ctx.counters;
  if (c.measuring) c.hopOut[hop] += frames;
  c.place(hop, -frames, now);
}

/** Drops a packet that had entered the hop: it leaves the hop's place without passing on. */
export function dropInside(ctx: HopContext, hop: number, pkt: number): void {
  if (ctx.packets.kind[pkt] !== ACK) ctx.counters.place(hop, -ctx.packets.frames[pkt], ctx.sim.now);
  drop(ctx, pkt, hop);
}

/**
 * A fixed latency with no CPU and no queueing (DMA, IOMMU translation, the peer's turnaround).
 * Its packets come out in the order they went in, so they wait in a Lane: one queue entry
 * however many are in flight.
 */
export class Delay implements Receiver, EventHandler {
  next!: Receiver;
  private readonly lane: Lane;

  constructor(
    private readonly ctx: HopContext,
    private readonly hop: number,
    private readonly ns: number,
  ) {
    this.lane = new Lane(ctx.sim);
  }

  accept(pkt: number): void {
    enter(this.ctx, this.hop, pkt, this.ctx.sim.now);
    this.lane.after(this.ns, this, pkt);
  }

  onEvent(pkt: number): void {
    leave(this.ctx, this.hop, pkt, this.ctx.sim.now);
    this.next.accept(pkt, null);
  }
}

/** Draws the factor (mean 1) that scales a packet's work: 1 for deterministic service. */
export interface ServiceFactor {
  next(): number;
}

export const DETERMINISTIC: ServiceFactor = { next: () => 1 };

const IDLE = 0;
const PENDING = 1;
const ACTIVE = 2;

export type NotifyKind = 'interrupt' | 'kick' | 'poll';

export interface CpuStationOptions {
  capacity: number;
  kind: NotifyKind;
  budget: number;
  costs: KindCosts;
  producer: CycleVector;
  consumer: CycleVector;
  /** Served before process-context work on its core (softirq, backends). */
  urgent: boolean;
  /** Bit k set: packets of kind k stop here; the others pass through. */
  carries: number;
  /** Largest aggregate LRO (at arrival) or GRO (in the poll) may build here; 0 when off. */
  lroMaxBytes: number;
  groMaxBytes: number;
}

/**
 * A ring served by one or more consumers, each on its own core, NAPI style. A packet
 * holds its descriptor from arrival until a consumer has finished with it, so `capacity`
 * counts the packets waiting and those in service (an M/M/c/K system's K).
 *
 * While a consumer is idle, a packet placed in the ring wakes it with a notification (an
 * interrupt, moderated by its vector's throttle, or a kick), which costs the producer and,
 * at the start of the batch, the consumer. A consumer takes one packet (or, with GRO, one
 * aggregate) per core turn, up to `budget` turns in a row before letting its core's other
 * clients run, and goes idle (re-arming notifications, as a NAPI poll that ends under
 * budget re-enables its interrupt) when the ring is empty. Packets that arrive while it is
 * busy ride along without a notification: that is the batching.
 */
export class CpuStation extends Ring implements Receiver {
  next!: Receiver;
  inService = 0;
  readonly consumers: Consumer[];

  /**
   * `o` is the hop's, shared by its per-VM instances (so with many VMs it stays in cache);
   * `service` draws this instance's work factors; one moderator per consumer (its vector).
   */
  constructor(
    readonly ctx: HopContext,
    readonly hop: number,
    cores: Core[],
    readonly o: CpuStationOptions,
    readonly service: ServiceFactor,
    moderators: Moderator[],
  ) {
    super(o.capacity);
    this.consumers = cores.map((core, i) => new Consumer(this, core, moderators[i]));
  }

  accept(pkt: number, from: Core | null): void {
    const ctx = this.ctx;
    const packets = ctx.packets;
    const kind = packets.kind[pkt];
    if ((this.o.carries & (1 << kind)) === 0) return this.next.accept(pkt, from);
    enter(ctx, this.hop, pkt, ctx.sim.now);
    if (this.o.lroMaxBytes > 0 && kind === DATA && this.length > 0) {
      // The NIC merges a frame into the aggregate of its flow still waiting in the ring.
      const tail = this.peekTail();
      if (
        packets.vm[tail] === packets.vm[pkt] &&
        packets.kind[tail] === DATA &&
        packets.bytes[tail] + packets.bytes[pkt] <= this.o.lroMaxBytes
      ) {
        packets.merge(tail, pkt);
        return;
      }
    }
    if (this.length + this.inService >= this.o.capacity || !this.push(pkt)) return dropInside(ctx, this.hop, pkt);
    const consumers = this.consumers;
    for (let i = 0; i < consumers.length; i++) {
      if (consumers[i].idle) return consumers[i].notify(from);
    }
  }
}

/** One consumer of a CpuStation's ring: a client of one core, with its own interrupt vector. */
class Consumer implements CoreClient, EventHandler {
  readonly urgent: boolean;
  private state = IDLE;
  private batchStart = false;
  private turns = 0;
  private lastNotify = -Infinity;
  private pkt = -1;
  /** Packets and bytes since the vector's last interrupt, and since its last completed poll (for adaptive moderation). */
  private irqPackets = 0;
  private irqBytes = 0;
  private pollPackets = 0;
  private pollBytes = 0;

  constructor(
    private readonly station: CpuStation,
    readonly core: Core,
    private readonly moderator: Moderator,
  ) {
    this.urgent = station.o.urgent;
  }

  get idle(): boolean {
    return this.state === IDLE;
  }

  notify(from: Core | null): void {
    const station = this.station;
    const o = station.o;
    if (o.kind === 'poll') return this.wake(false);
    const ctx = station.ctx;
    const m = ctx.counters;
    if (m.measuring) {
      if (o.kind === 'interrupt') m.interrupts++;
      else m.kicks++;
    }
    if (from !== null) {
      from.chargeVector(o.producer);
      if (m.measuring) m.notifies[station.hop * m.cores + from.index]++;
    }
    const at = this.lastNotify + this.moderator.gapNs;
    if (at > ctx.sim.now) {
      this.state = PENDING;
      ctx.sim.schedule(at, this);
    } else this.wake(true);
  }

  /** A moderated interrupt whose hold-off has passed. */
  onEvent(): void {
    this.wake(true);
  }

  private wake(notified: boolean): void {
    if (notified) {
      this.lastNotify = this.station.ctx.sim.now;
      this.moderator.onInterrupt(this.irqPackets, this.irqBytes);
      this.irqPackets = this.irqBytes = 0;
    }
    this.state = ACTIVE;
    this.batchStart = notified;
    this.turns = 0;
    this.core.enqueue(this);
  }

  beginTurn(core: Core, cycles: Float64Array): void {
    const station = this.station;
    const o = station.o;
    const ctx = station.ctx;
    const m = ctx.counters;
    const slot = station.hop * m.cores + core.index;
    // Another consumer may have emptied the ring while this one waited for its core.
    const pkt = station.shift();
    let total = 0;
    if (this.batchStart) {
      this.batchStart = false;
      const c = o.consumer.perCause;
      const active = o.consumer.causes;
      for (let j = 0; j < active.length; j++) {
        const i = active[j];
        cycles[i] += c[i];
        total += c[i];
      }
      core.exits += o.consumer.exits;
      if (m.measuring) m.wakeups[slot]++;
    }
    this.pkt = pkt;
    if (pkt < 0) {
      cycles[CAUSE_COUNT] = total;
      return;
    }
    station.inService++;
    const packets = ctx.packets;
    const kind = packets.kind[pkt];
    const costs = o.costs;
    // Ring entries taken in this turn: one, or with GRO the following entries of the flow
    // merged into this one, each after its own driver work.
    let entries = 1;
    if (o.groMaxBytes > 0 && kind === DATA) {
      const ring = station;
      const vm = packets.vm[pkt];
      for (let next = ring.peek(); next >= 0; next = ring.peek()) {
        if (
          packets.vm[next] !== vm ||
          packets.kind[next] !== DATA ||
          packets.bytes[pkt] + packets.bytes[next] > o.groMaxBytes
        )
          break;
        ring.shift();
        packets.merge(pkt, next);
        entries++;
      }
    }
    const frames = packets.frames[pkt];
    const bytes = packets.bytes[pkt];
    // Deterministic service skips the call: most hops have it, and the call site sees every hop's sampler.
    const f = station.service === DETERMINISTIC ? 1 : station.service.next();
    const base = kind * CAUSE_COUNT;
    const pp = costs.perPacket;
    const pf = costs.perDescriptor;
    const pb = costs.perByte;
    const active = costs.active[kind];
    for (let j = 0; j < active.length; j++) {
      const i = active[j];
      const c = (pp[base + i] + pf[base + i] * entries + pb[base + i] * bytes) * f;
      cycles[i] += c;
      total += c;
    }
    core.exits += costs.packetExits[kind] + costs.descriptorExits[kind] * entries;
    this.irqPackets += frames;
    this.irqBytes += bytes;
    this.pollPackets += frames;
    this.pollBytes += bytes;
    if (m.measuring) {
      const k = slot * KIND_COUNT + kind;
      m.servedPackets[k]++;
      m.servedEntries[k] += entries;
      m.servedBytes[k] += bytes;
    }
    cycles[CAUSE_COUNT] = total;
  }

  endTurn(): 0 | 1 | 2 {
    const station = this.station;
    if (this.pkt >= 0) {
      station.inService--;
      leave(station.ctx, station.hop, this.pkt, station.ctx.sim.now);
      station.next.accept(this.pkt, this.core);
      this.pkt = -1;
    }
    if (station.length === 0) {
      this.state = IDLE;
      this.moderator.onPollDone(station.ctx.sim.now, this.pollPackets, this.pollBytes);
      this.pollPackets = this.pollBytes = 0;
      return 0;
    }
    if (++this.turns < station.o.budget) return 1;
    this.turns = 0;
    return 2;
  }
}
