import type { EventHandler } from '../engine/simulator.js';
import { WIRE_OVERHEAD_BYTES } from './config.js';
import { dropInside, enter, leave, type HopContext, type Receiver } from './hops.js';

/** A fixed latency (a Delay hop: DMA, the IOMMU walk) run as part of a Wire: its hop index and ns. */
export interface FixedLatency {
  hop: number;
  ns: number;
}

const INITIAL_CAPACITY = 8;

/**
 * The Ethernet link in one direction: one frame at a time, each taking (frame + 20 B) x 8 /
 * line rate. The link is full duplex: data and returning ACKs or responses cross two Wires.
 *
 * A FIFO server whose service time is known when a frame arrives needs no event to start
 * its frames: frame k leaves at D_k = max(a_k, D_(k-1)) + s_k, worked out on arrival. The
 * fixed latency next to a wire (the DMA into or out of the NIC) is folded in the same way:
 * `before` delays a frame before it reaches the wire, `after` after it leaves. A frame then
 * costs one event (when it reaches the next hop) instead of two or three, and the times are
 * the same numbers the separate hops computed (a + d, s + x, D + d).
 *
 * What the separate hops counted as it happened (frames entering and leaving each place,
 * the wire's busy time) is counted here when the clock has passed it: at the next frame in,
 * the next frame out, or when the counters open or close their window (catchUp), each
 * transition with its own time. A wire with a `before` latency cannot drop (the frame would
 * be dropped at a time still ahead), so it is built only where the ring is unbounded (a
 * closed loop); a bounded wire checks its ring when the frame arrives, as before.
 */
export class Wire implements Receiver, EventHandler {
  next!: Receiver;
  /** Per frame, on a ring indexed by (frame number & mask): the packet, its times, and the event's seq. */
  private pkt = new Int32Array(INITIAL_CAPACITY);
  private arrive = new Float64Array(INITIAL_CAPACITY);
  private start = new Float64Array(INITIAL_CAPACITY);
  private depart = new Float64Array(INITIAL_CAPACITY);
  private exit = new Float64Array(INITIAL_CAPACITY);
  private seq = new Float64Array(INITIAL_CAPACITY);
  private mask = INITIAL_CAPACITY - 1;
  /** Frame numbers: the oldest not passed on, the first not yet on the wire, the first not yet off it, the next free. */
  private head = 0;
  private entered = 0;
  private departed = 0;
  private tail = 0;
  private lastDepart = -Infinity;
  private readonly bitsPerNs: number;
  private readonly beforeNs: number;
  private readonly afterNs: number;

  constructor(
    private readonly ctx: HopContext,
    private readonly hop: number,
    private readonly capacity: number,
    lineRateGbps: number,
    /** The wire of the data's direction: its frames and busy time are the run's wire figures. */
    private readonly primary: boolean,
    private readonly before?: FixedLatency,
    private readonly after?: FixedLatency,
  ) {
    if (before !== undefined && Number.isFinite(capacity)) {
      throw new Error('a wire with a latency before it must have an unbounded ring (it could not drop in time)');
    }
    this.bitsPerNs = lineRateGbps;
    this.beforeNs = before?.ns ?? 0;
    this.afterNs = after?.ns ?? 0;
    ctx.counters.deferred.push(this);
  }

  accept(pkt: number): void {
    const ctx = this.ctx;
    const sim = ctx.sim;
    const now = sim.now;
    this.catchUp(now);
    if (this.before !== undefined) enter(ctx, this.before.hop, pkt, now);
    else {
      enter(ctx, this.hop, pkt, now);
      if (this.tail - this.departed >= this.capacity) return dropInside(ctx, this.hop, pkt);
    }
    if (this.tail - this.head > this.mask) this.grow();
    const i = this.tail & this.mask;
    const p = ctx.packets;
    const a = now + this.beforeNs;
    const s = a > this.lastDepart ? a : this.lastDepart;
    const d = s + ((p.bytes[pkt] + WIRE_OVERHEAD_BYTES * p.frames[pkt]) * 8) / this.bitsPerNs;
    this.pkt[i] = pkt;
    this.arrive[i] = a;
    this.start[i] = s;
    this.depart[i] = d;
    this.exit[i] = this.after !== undefined ? d + this.afterNs : d;
    this.seq[i] = sim.takeSeq();
    this.lastDepart = d;
    if (this.tail++ === this.head) sim.scheduleFrom(this.exit, this.seq, i, this, 0);
    else sim.laneBacklog++;
    if (this.before === undefined) this.entered = this.tail;
  }

  /** The oldest frame reaches the next hop; the next one's exit takes its place in the queue. */
  onEvent(): void {
    const ctx = this.ctx;
    const sim = ctx.sim;
    const now = sim.now;
    this.catchUp(now);
    const pkt = this.pkt[this.head & this.mask];
    if (++this.head < this.tail) {
      sim.laneBacklog--;
      sim.scheduleFrom(this.exit, this.seq, this.head & this.mask, this, 0);
    }
    if (this.after !== undefined) leave(ctx, this.after.hop, pkt, now);
    this.next.accept(pkt, null);
  }

  /**
   * Counts every transition up to `now` not yet counted: frames reaching the wire (from the
   * `before` latency), then frames leaving it (into the `after` latency). A frame leaves
   * after it arrives, so it has arrived when its departure is counted.
   */
  catchUp(now: number): void {
    const mask = this.mask;
    while (this.entered < this.tail && this.arrive[this.entered & mask] <= now) {
      this.reachWire(this.entered++ & mask);
    }
    while (this.departed < this.entered && this.depart[this.departed & mask] <= now) {
      this.leaveWire(this.departed++ & mask);
    }
  }

  /** Busy time of the frame on the wire at `now` within the window, for the end of the window. */
  busyUntilNow(): number {
    const now = this.ctx.sim.now;
    this.catchUp(now);
    if (!this.primary || this.departed === this.entered) return 0;
    return now - Math.max(this.start[this.departed & this.mask], this.ctx.counters.windowStart);
  }

  private reachWire(i: number): void {
    const pkt = this.pkt[i];
    const t = this.arrive[i];
    leave(this.ctx, (this.before as FixedLatency).hop, pkt, t);
    enter(this.ctx, this.hop, pkt, t);
  }

  private leaveWire(i: number): void {
    const ctx = this.ctx;
    const pkt = this.pkt[i];
    const t = this.depart[i];
    const m = ctx.counters;
    if (this.primary && m.measuring) {
      m.wireFrames += ctx.packets.frames[pkt];
      m.wireBytes += ctx.packets.bytes[pkt];
      m.wireBusyNs += t - Math.max(this.start[i], m.windowStart);
    }
    leave(ctx, this.hop, pkt, t);
    if (this.after !== undefined) enter(ctx, this.after.hop, pkt, t);
  }

  private grow(): void {
    const n = 2 * (this.mask + 1);
    const mask = n - 1;
    const pkt = new Int32Array(n);
    const f64 = (): Float64Array<ArrayBuffer> => new Float64Array(n);
    const [arrive, start, depart, exit, seq] = [f64(), f64(), f64(), f64(), f64()];
    for (let k = this.head; k < this.tail; k++) {
      const from = k & this.mask;
      const to = k & mask;
      pkt[to] = this.pkt[from];
      arrive[to] = this.arrive[from];
      start[to] = this.start[from];
      depart[to] = this.depart[from];
      exit[to] = this.exit[from];
      seq[to] = this.seq[from];
    }
    this.pkt = pkt;
    this.arrive = arrive;
    this.start = start;
    this.depart = depart;
    this.exit = exit;
    this.seq = seq;
    this.mask = mask;
  }
}
