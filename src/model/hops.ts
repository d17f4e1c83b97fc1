import type { EventHandler, Simulator } from '../engine/simulator.js';
import { WIRE_OVERHEAD_BYTES } from './config.js';
import type { Core, CoreClient } from './core.js';
import type { Metrics } from './metrics.js';
import type { PacketTable } from './packets.js';
import { Ring } from './ring.js';
import type { Receiver, Source } from './traffic.js';

/** What every hop needs from the run it belongs to. */
export interface HopContext {
  sim: Simulator;
  packets: PacketTable;
  metrics: Metrics;
  sources: Source[];
}

/** Drops `pkt` at hop `hop`: counted, released, and its source told (a saturating source sends another). */
export function drop(ctx: HopContext, pkt: number, hop: number): void {
  const vm = ctx.packets.vm[pkt];
  ctx.metrics.dropped(hop, ctx.sim.now);
  ctx.packets.release(pkt);
  ctx.sources[vm].completed();
}

/** The end of the path: the guest application (receive) or the far end of the wire (transmit). */
export class Sink implements Receiver {
  constructor(private readonly ctx: HopContext) {}

  accept(pkt: number): void {
    const vm = this.ctx.packets.vm[pkt];
    this.ctx.metrics.delivered(pkt, this.ctx.sim.now);
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
    const m = this.ctx.metrics;
    if (m.measuring) {
      m.wireFrames++;
      m.wireBytes += this.ctx.packets.bytes[pkt];
      m.wireBusyNs += this.ctx.sim.now - Math.max(this.frameStart, m.windowStart);
    }
    this.next.accept(pkt, null);
    if (this.ring.length > 0) this.startFrame();
    else this.busy = false;
  }

  /** Busy time of the frame in flight up to now, for the end of the window. */
  busyUntilNow(): number {
    return this.busy ? this.ctx.sim.now - Math.max(this.frameStart, this.ctx.metrics.windowStart) : 0;
  }

  private startFrame(): void {
    this.busy = true;
    this.frameStart = this.ctx.sim.now;
    const bytes = this.ctx.packets.bytes[this.ring.peek()];
    this.ctx.sim.after(((bytes + WIRE_OVERHEAD_BYTES) * 8) / this.bitsPerNs, this);
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

/** Cycles per cause (index into CAUSES), resolved from a hop's work list. */
export interface CycleVector {
  perCause: Float64Array;
  exits: number;
}

export interface CpuStationCosts {
  perPacket: CycleVector;
  /** Cycles per frame byte, per cause. */
  perByte: Float64Array;
  producer: CycleVector;
  consumer: CycleVector;
}

const IDLE = 0;
const PENDING = 1;
const ACTIVE = 2;

export type NotifyKind = 'interrupt' | 'kick' | 'poll';

/**
 * A ring served by a core, NAPI style. While the consumer is idle, a packet placed in the
 * ring sends a notification (an interrupt, capped by ITR if moderated, or a kick), which
 * costs the producer and, at the start of the batch, the consumer. The consumer then takes
 * one packet per core turn, up to `budget` turns in a row before letting the core's other
 * clients run, and goes idle (re-arming notifications) when the ring is empty. Packets that
 * arrive while it is busy ride along without a notification: that is the batching.
 */
export class CpuStation implements Receiver, CoreClient, EventHandler {
  next!: Receiver;
  private readonly ring: Ring;
  private state = IDLE;
  private batchStart = false;
  private turns = 0;
  private lastNotify = -Infinity;
  private readonly minGapNs: number;

  constructor(
    private readonly ctx: HopContext,
    private readonly hop: number,
    readonly core: Core,
    capacity: number,
    private readonly kind: NotifyKind,
    /** Minimum ns between two notifications (interrupt moderation); 0 for none. */
    minGapNs: number,
    private readonly budget: number,
    private readonly costs: CpuStationCosts,
  ) {
    this.ring = new Ring(capacity);
    this.minGapNs = minGapNs;
    core.attach();
  }

  accept(pkt: number, from: Core | null): void {
    if (!this.ring.push(pkt)) return drop(this.ctx, pkt, this.hop);
    if (this.state === IDLE) this.notify(from);
  }

  private notify(from: Core | null): void {
    if (this.kind === 'poll') return this.wake(false);
    const m = this.ctx.metrics;
    if (m.measuring) {
      if (this.kind === 'interrupt') m.interrupts++;
      else m.kicks++;
    }
    const p = this.costs.producer;
    if (from !== null) {
      for (let i = 0; i < p.perCause.length; i++) from.charge(p.perCause[i], i);
      from.exits += p.exits;
    }
    const at = this.lastNotify + this.minGapNs;
    if (at > this.ctx.sim.now) {
      this.state = PENDING;
      this.ctx.sim.schedule(at, this);
    } else this.wake(true);
  }

  /** A moderated interrupt whose hold-off has passed. */
  onEvent(): void {
    this.wake(true);
  }

  private wake(batchCost: boolean): void {
    this.lastNotify = this.ctx.sim.now;
    this.state = ACTIVE;
    this.batchStart = batchCost;
    this.turns = 0;
    this.core.enqueue(this);
  }

  beginTurn(core: Core, cycles: Float64Array): number {
    let total = 0;
    if (this.batchStart) {
      this.batchStart = false;
      const c = this.costs.consumer;
      for (let i = 0; i < cycles.length; i++) {
        cycles[i] += c.perCause[i];
        total += c.perCause[i];
      }
      core.exits += c.exits;
    }
    const bytes = this.ctx.packets.bytes[this.ring.peek()];
    const pp = this.costs.perPacket.perCause;
    const pb = this.costs.perByte;
    for (let i = 0; i < cycles.length; i++) {
      const c = pp[i] + pb[i] * bytes;
      cycles[i] += c;
      total += c;
    }
    core.exits += this.costs.perPacket.exits;
    return total;
  }

  endTurn(): 0 | 1 | 2 {
    const pkt = this.ring.shift();
    this.next.accept(pkt, this.core);
    if (this.ring.length === 0) {
      this.state = IDLE;
      return 0;
    }
    if (++this.turns < this.budget) return 1;
    this.turns = 0;
    return 2;
  }
}
