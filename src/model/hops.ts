import type { EventHandler, Simulator } from '../engine/simulator.js';
import { WIRE_OVERHEAD_BYTES } from './config.js';
import type { Core, CoreClient } from './core.js';
import type { Counters } from './counters.js';
import type { PacketTable } from './packets.js';
import { Ring } from './ring.js';
import type { Receiver, Source } from './traffic.js';
import type { CycleVector } from './work.js';

/** What every hop needs from the run it belongs to. */
export interface HopContext {
  sim: Simulator;
  packets: PacketTable;
  counters: Counters;
  sources: Source[];
}

/** Drops `pkt` at hop `hop`: counted, released, and its source told (a saturating source sends another). */
export function drop(ctx: HopContext, pkt: number, hop: number): void {
  const vm = ctx.packets.vm[pkt];
  ctx.counters.dropped(pkt, hop, ctx.sim.now);
  ctx.packets.release(pkt);
  ctx.sources[vm].completed();
}

/** The end of the path: the guest application (receive) or the far end of the wire (transmit). */
export class Sink implements Receiver {
  constructor(private readonly ctx: HopContext) {}

  accept(pkt: number): void {
    const vm = this.ctx.packets.vm[pkt];
    this.ctx.counters.delivered(pkt, this.ctx.sim.now);
    this.ctx.packets.release(pkt);
    this.ctx.sources[vm].completed();
  }
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

/** The Ethernet link: one frame at a time, each taking (frame + 20 B) x 8 / line rate. */
export class Wire implements Receiver, EventHandler {
  next!: Receiver;
  private readonly ring: Ring;
  private busy = false;
  private frameStart = 0;
  private readonly bitsPerNs: number;

  constructor(
    private readonly ctx: HopContext,
    private readonly hop: number,
    capacity: number,
    lineRateGbps: number,
  ) {
    this.ring = new Ring(capacity);
    this.bitsPerNs = lineRateGbps;
  }

  accept(pkt: number): void {
    if (!this.ring.push(pkt)) return drop(this.ctx, pkt, this.hop);
    if (!this.busy) this.startFrame();
  }

  onEvent(): void {
    const pkt = this.ring.shift();
    const m = this.ctx.counters;
    if (m.measuring) {
      m.wireFrames += this.ctx.packets.frames[pkt];
      m.wireBytes += this.ctx.packets.bytes[pkt];
      m.wireBusyNs += this.ctx.sim.now - Math.max(this.frameStart, m.windowStart);
    }
    this.next.accept(pkt, null);
    if (this.ring.length > 0) this.startFrame();
    else this.busy = false;
  }

  /** Busy time of the frame in flight up to now, for the end of the window. */
  busyUntilNow(): number {
    return this.busy ? this.ctx.sim.now - Math.max(this.frameStart, this.ctx.counters.windowStart) : 0;
  }

  private startFrame(): void {
    this.busy = true;
    this.frameStart = this.ctx.sim.now;
    const pkt = this.ring.peek();
    const wireBytes = this.ctx.packets.bytes[pkt] + WIRE_OVERHEAD_BYTES * this.ctx.packets.frames[pkt];
    this.ctx.sim.after((wireBytes * 8) / this.bitsPerNs, this);
  }
}

/** A fixed latency with no CPU and no queueing (DMA, IOMMU translation). */
export class Delay implements Receiver, EventHandler {
  next!: Receiver;

  constructor(
    private readonly ctx: HopContext,
    private readonly ns: number,
  ) {}

  accept(pkt: number): void {
    this.ctx.sim.after(this.ns, this, pkt);
  }

  onEvent(pkt: number): void {
    this.next.accept(pkt, null);
  }
}

export interface CpuStationCosts {
  perPacket: CycleVector;
  /** Cycles per frame byte, per cause. */
  perByte: Float64Array;
  producer: CycleVector;
  consumer: CycleVector;
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
  /** Minimum ns between two notifications of a consumer (interrupt moderation); 0 for none. */
  minGapNs: number;
  budget: number;
  costs: CpuStationCosts;
  service: ServiceFactor;
}

/**
 * A ring served by one or more consumers, each on its own core, NAPI style. A packet
 * holds its descriptor from arrival until a consumer has finished with it, so `capacity`
 * counts the packets waiting and those in service (an M/M/c/K system's K).
 *
 * While a consumer is idle, a packet placed in the ring wakes it with a notification (an
 * interrupt, capped by ITR if moderated, or a kick), which costs the producer and, at the
 * start of the batch, the consumer. A consumer takes one packet per core turn, up to
 * `budget` turns in a row before letting its core's other clients run, and goes idle
 * (re-arming notifications) when the ring is empty. Packets that arrive while it is busy
 * ride along without a notification: that is the batching.
 */
export class CpuStation implements Receiver {
  next!: Receiver;
  readonly ring: Ring;
  inService = 0;
  readonly consumers: Consumer[];

  constructor(
    readonly ctx: HopContext,
    readonly hop: number,
    cores: Core[],
    readonly o: CpuStationOptions,
  ) {
    this.ring = new Ring(o.capacity);
    this.consumers = cores.map((core) => new Consumer(this, core));
  }

  accept(pkt: number, from: Core | null): void {
    if (this.ring.length + this.inService >= this.o.capacity || !this.ring.push(pkt))
      return drop(this.ctx, pkt, this.hop);
    const consumers = this.consumers;
    for (let i = 0; i < consumers.length; i++) {
      if (consumers[i].idle) return consumers[i].notify(from);
    }
  }
}

/** One consumer of a CpuStation's ring: a client of one core. */
class Consumer implements CoreClient, EventHandler {
  private state = IDLE;
  private batchStart = false;
  private turns = 0;
  private lastNotify = -Infinity;
  private pkt = -1;

  constructor(
    private readonly station: CpuStation,
    readonly core: Core,
  ) {
    core.attach();
  }

  get idle(): boolean {
    return this.state === IDLE;
  }

  notify(from: Core | null): void {
    const o = this.station.o;
    if (o.kind === 'poll') return this.wake(false);
    const ctx = this.station.ctx;
    const m = ctx.counters;
    if (m.measuring) {
      if (o.kind === 'interrupt') m.interrupts++;
      else m.kicks++;
    }
    const p = o.costs.producer;
    if (from !== null) {
      for (let i = 0; i < p.perCause.length; i++) from.charge(p.perCause[i], i);
      from.exits += p.exits;
    }
    const at = this.lastNotify + o.minGapNs;
    if (at > ctx.sim.now) {
      this.state = PENDING;
      ctx.sim.schedule(at, this);
    } else this.wake(true);
  }

  /** A moderated interrupt whose hold-off has passed. */
  onEvent(): void {
    this.wake(true);
  }

  private wake(batchCost: boolean): void {
    this.lastNotify = this.station.ctx.sim.now;
    this.state = ACTIVE;
    this.batchStart = batchCost;
    this.turns = 0;
    this.core.enqueue(this);
  }

  beginTurn(core: Core, cycles: Float64Array): number {
    const station = this.station;
    const costs = station.o.costs;
    // Another consumer may have emptied the ring while this one waited for its core.
    const pkt = station.ring.shift();
    let total = 0;
    if (this.batchStart) {
      this.batchStart = false;
      const c = costs.consumer;
      for (let i = 0; i < cycles.length; i++) {
        cycles[i] += c.perCause[i];
        total += c.perCause[i];
      }
      core.exits += c.exits;
    }
    this.pkt = pkt;
    if (pkt < 0) return total;
    station.inService++;
    const bytes = station.ctx.packets.bytes[pkt];
    const f = station.o.service.next();
    const pp = costs.perPacket.perCause;
    const pb = costs.perByte;
    for (let i = 0; i < cycles.length; i++) {
      const c = (pp[i] + pb[i] * bytes) * f;
      cycles[i] += c;
      total += c;
    }
    core.exits += costs.perPacket.exits;
    return total;
  }

  endTurn(): 0 | 1 | 2 {
    const station = this.station;
    if (this.pkt >= 0) {
      station.inService--;
      station.next.accept(this.pkt, this.core);
      this.pkt = -1;
    }
    if (station.ring.length === 0) {
      this.state = IDLE;
      return 0;
    }
    if (++this.turns < station.o.budget) return 1;
    this.turns = 0;
    return 2;
  }
}
