import type { Lane } from '../engine/lane.js';
import type { EventHandler, Simulator } from '../engine/simulator.js';
import { RngStream } from '../engine/rng.js';
import {
  ACK_FRAME_BYTES,
  DELAYED_ACK_NS,
  type Arrivals,
  type FrameMix,
  type RequestResponse,
  type VmTraffic,
} from './config.js';
import type { Core } from './core.js';
import type { Counters } from './counters.js';
import type { Receiver } from './hops.js';
import { ACK, DATA, REQUEST, RESPONSE, type PacketTable } from './packets.js';

/** Draws frame sizes from a weighted mix; a single size draws no random numbers. */
export class FrameSampler {
  private readonly cumulative: Float64Array;
  private readonly total: number;
  /** The size when the mix has only one (no draw), else -1. */
  private readonly single: number;

  constructor(
    private readonly mix: FrameMix,
    private readonly rng: RngStream,
  ) {
    this.cumulative = new Float64Array(mix.weights.length);
    let acc = 0;
    mix.weights.forEach((w, i) => (this.cumulative[i] = acc += w));
    this.total = acc;
    this.single = mix.bytes.length === 1 ? mix.bytes[0] : -1;
  }

  next(): number {
    if (this.single >= 0) return this.single;
    const u = this.rng.uniform() * this.total;
    for (let i = 0; i < this.cumulative.length; i++) if (u < this.cumulative[i]) return this.mix.bytes[i];
    return this.mix.bytes[this.mix.bytes.length - 1];
  }
}

/** What sources share: the clock, the packets, the counters, and the first hop of the chain they feed. */
export interface SourceDeps {
  sim: Simulator;
  packets: PacketTable;
  counters: Counters;
  entry: Receiver;
  seed: number;
  /**
   * Events every source schedules after the same fixed delay (a request issued after the
   * peer's latency), in one Lane: one queue entry for all VMs.
   */
  fixedDelay: Lane;
  /** Frames per packet: 1, or the frames of a TSO segment (transmit with segmentation offload). */
  tsoFrames: number;
}

/** Offers one data packet into the path, counting it: a frame, or a TSO segment of `tsoFrames` frames. */
function offer(d: SourceDeps, vm: number, frames: FrameSampler): number {
  const n = d.tsoFrames;
  const pkt = d.packets.alloc(vm, frames.next() * n, d.sim.now, n, DATA);
  const bytes = d.packets.bytes[pkt];
  d.counters.offered(pkt, d.sim.now);
  d.entry.accept(pkt, null);
  return bytes;
}

/**
 * Open loop: packets arrive at the VM's rate, evenly spaced (`constant`, with a random
 * phase so VMs are not in lockstep), as a Poisson process, or in on/off bursts (exponential
 * on and off periods, Poisson at the peak rate while on, same mean rate). No ACKs: the
 * offered load is what the scenario says, whatever the path does with it.
 */
export class OpenLoopSource implements EventHandler {
  private readonly arrivalsRng: RngStream;
  private readonly frames: FrameSampler;
  private readonly meanGap: number;
  private onUntil = 0;

  constructor(
    private readonly d: SourceDeps,
    private readonly vm: number,
    private readonly traffic: VmTraffic,
  ) {
    this.arrivalsRng = new RngStream(d.seed, `vm${vm}/arrivals`);
    this.frames = new FrameSampler(traffic.frames, new RngStream(d.seed, `vm${vm}/frames`));
    this.meanGap = 1e9 / traffic.pps;
  }

  start(): void {
    if (!(this.traffic.pps > 0)) return;
    const a = this.traffic.arrivals;
    if (a.kind === 'constant') this.d.sim.schedule(this.arrivalsRng.uniform() * this.meanGap, this);
    else if (a.kind === 'on-off') {
      this.onUntil = this.arrivalsRng.exponential(a.onNs);
      this.d.sim.schedule(this.nextOnOff(0, a), this);
    } else this.d.sim.schedule(this.arrivalsRng.exponential(this.meanGap), this);
  }

  onEvent(): void {
    offer(this.d, this.vm, this.frames);
    const a: Arrivals = this.traffic.arrivals;
    const now = this.d.sim.now;
    let next: number;
    if (a.kind === 'constant') next = now + this.meanGap;
    else if (a.kind === 'poisson') next = now + this.arrivalsRng.exponential(this.meanGap);
    else next = this.nextOnOff(now, a);
    this.d.sim.schedule(next, this);
  }

  /** The next arrival after `t` in an on/off process whose current on period ends at onUntil. */
  private nextOnOff(t: number, a: { onNs: number; offNs: number }): number {
    // While on, arrivals come at peak rate = mean rate x (on + off) / on.
    const peakGap = (this.meanGap * a.onNs) / (a.onNs + a.offNs);
    let candidate = t + this.arrivalsRng.exponential(peakGap);
    while (candidate > this.onUntil) {
      const onStart = this.onUntil + this.arrivalsRng.exponential(a.offNs);
      this.onUntil = onStart + this.arrivalsRng.exponential(a.onNs);
      candidate = onStart + this.arrivalsRng.exponential(peakGap);
    }
    return candidate;
  }
}

/**
 * A bulk TCP sender, as far as throughput needs it: it keeps at most `windowBytes` of frames
 * sent and not yet acknowledged, and sends the next segment as soon as an ACK (or a loss,
 * taken as retransmitted at once) makes room. No congestion control: the window is fixed,
 * so a path's own limits, not TCP's, set the rate.
 */
export class BulkSender {
  private inFlight = 0;
  private readonly frames: FrameSampler;

  constructor(
    private readonly d: SourceDeps,
    private readonly vm: number,
    traffic: VmTraffic,
    private readonly windowBytes: number,
  ) {
    this.frames = new FrameSampler(traffic.frames, new RngStream(d.seed, `vm${vm}/frames`));
  }

  /** Sends one segment if the window has room (an empty window always sends one); false otherwise. */
  trySend(): boolean {
    if (this.inFlight > 0 && this.inFlight >= this.windowBytes) return false;
    this.inFlight += offer(this.d, this.vm, this.frames);
    return true;
  }

  /** `bytes` acknowledged (or lost): room for more. */
  freed(bytes: number): void {
    this.inFlight -= bytes;
    while (this.trySend()) {
      /* fill the window */
    }
  }
}

/**
 * The receiving end of bulk TCP, for one VM: counts data as delivered and sends an ACK for
 * every `ackEvery` frames it holds unacknowledged ([L2]); an aggregate (GRO, LRO, or a TSO
 * segment a GRO-capable peer merges) counts as one segment, so it is acknowledged at once.
 * Fewer frames are acknowledged by the delayed-ACK timer ([L3]).
 */
export class TcpReceiver implements EventHandler {
  private pendingFrames = 0;
  private pendingBytes = 0;
  private timerArmed = false;

  constructor(
    private readonly sim: Simulator,
    private readonly packets: PacketTable,
    private readonly counters: Counters,
    private readonly vm: number,
    private readonly ackEvery: number,
    /** Where ACKs go: the first hop of the return chain. */
    private readonly reverse: Receiver,
    /**
     * The receiving stack sees a packet as one segment however many frames it carries: the
     * guest (its frames were merged by LRO or GRO), or a GRO-capable peer; a peer without
     * GRO sees a TSO segment's frames one by one.
     */
    private readonly mergesSegments: boolean,
    /** Where the delayed-ACK timer waits: one Lane for every VM's receiver, as the timeout is the same. */
    private readonly timers: Lane,
  ) {}

  receive(pkt: number, from: Core | null): void {
    const p = this.packets;
    const frames = p.frames[pkt];
    this.pendingBytes += p.bytes[pkt];
    if (this.mergesSegments && frames > 1) {
      // An aggregate of two or more full segments: acknowledged at once, with everything pending.
      this.pendingFrames = 0;
      this.send(this.pendingBytes, from);
    } else {
      this.pendingFrames += frames;
      while (this.pendingFrames >= this.ackEvery) {
        this.send((this.pendingBytes * this.ackEvery) / this.pendingFrames, from);
        this.pendingFrames -= this.ackEvery;
      }
    }
    if (this.pendingFrames > 0 && !this.timerArmed) {
      this.timerArmed = true;
      this.timers.after(DELAYED_ACK_NS, this);
    }
  }

  /** The delayed-ACK timer: acknowledge whatever is pending. */
  onEvent(): void {
    this.timerArmed = false;
    if (this.pendingFrames > 0) {
      this.send(this.pendingBytes, null);
      this.pendingFrames = 0;
    }
  }

  private send(bytes: number, from: Core | null): void {
    this.pendingBytes -= bytes;
    const ack = this.packets.alloc(this.vm, ACK_FRAME_BYTES, this.sim.now, 1, ACK, bytes);
    this.counters.ackSent();
    this.reverse.accept(ack, from);
  }
}

/**
 * Transactions in flight: when each was issued and how many response frames are still
 * due. Slots are recycled, so memory follows the transactions outstanding.
 */
export class TransactionTable {
  started = new Float64Array(256);
  remaining = new Int32Array(256);
  failed = new Uint8Array(256);
  private free: number[] = [];
  private used = 0;

  open(now: number): number {
    const slot = this.free.length > 0 ? (this.free.pop() as number) : this.used++;
    if (slot >= this.started.length) this.grow();
    this.started[slot] = now;
    this.remaining[slot] = 0;
    this.failed[slot] = 0;
    return slot;
  }

  close(slot: number): void {
    this.free.push(slot);
  }

  private grow(): void {
    const n = this.started.length * 2;
    const s = new Float64Array(n);
    s.set(this.started);
    this.started = s;
    const r = new Int32Array(n);
    r.set(this.remaining);
    this.remaining = r;
    const f = new Uint8Array(n);
    f.set(this.failed);
    this.failed = f;
  }
}

/**
 * The remote client of one VM's server: issues requests (one frame each) with `concurrency`
 * outstanding (closed loop) or as a Poisson stream at `ratePerVm` (open loop); a
 * transaction ends when the last frame of its response has crossed the wire back. The
 * peer's own stack time is `peerLatencyNs`, spent before each request reaches the wire.
 */
export class RrClient implements EventHandler {
  private readonly rng: RngStream;
  private readonly request: RequestIssuer;

  constructor(
    private readonly d: SourceDeps,
    private readonly vm: number,
    private readonly rr: RequestResponse,
    readonly table: TransactionTable,
  ) {
    this.rng = new RngStream(d.seed, `vm${vm}/requests`);
    this.request = new RequestIssuer(d, vm, rr, table);
  }

  start(): void {
    if (this.rr.concurrency > 0) for (let i = 0; i < this.rr.concurrency; i++) this.request.issue();
    else if (this.rr.ratePerVm > 0) this.d.sim.schedule(this.rng.exponential(1e9 / this.rr.ratePerVm), this);
  }

  /** The open loop's next arrival. */
  onEvent(): void {
    this.request.issue();
    this.d.sim.after(this.rng.exponential(1e9 / this.rr.ratePerVm), this);
  }

  /** A transaction ended (done or lost): a closed-loop client issues the next one. */
  ended(): void {
    if (this.rr.concurrency > 0) this.request.issue();
  }
}

/** Issues a request: opens its transaction now and puts its frame on the wire after the peer's latency. */
class RequestIssuer implements EventHandler {
  constructor(
    private readonly d: SourceDeps,
    private readonly vm: number,
    private readonly rr: RequestResponse,
    private readonly table: TransactionTable,
  ) {}

  issue(): void {
    const slot = this.table.open(this.d.sim.now);
    if (this.rr.peerLatencyNs > 0) this.d.fixedDelay.after(this.rr.peerLatencyNs, this, slot);
    else this.onEvent(slot);
  }

  onEvent(slot: number): void {
    const d = this.d;
    const pkt = d.packets.alloc(this.vm, this.rr.requestFrameBytes, d.sim.now, 1, REQUEST, slot);
    d.counters.offered(pkt, d.sim.now);
    d.entry.accept(pkt, null);
  }
}

/** The VM's server: when a request has been through the application, it answers with the response's frames. */
export class RrServer {
  constructor(
    private readonly sim: Simulator,
    private readonly packets: PacketTable,
    private readonly counters: Counters,
    private readonly rr: RequestResponse,
    private readonly table: TransactionTable,
    private readonly reverse: Receiver,
    /** Frames per response packet: the TSO segment size, or 1. */
    private readonly tsoFrames: number,
  ) {}

  answer(vm: number, slot: number, from: Core | null): void {
    const p = this.packets;
    let left = this.rr.responseFrames;
    this.table.remaining[slot] = left;
    while (left > 0) {
      const n = Math.min(left, this.tsoFrames);
      left -= n;
      const pkt = p.alloc(vm, n * this.rr.responseFrameBytes, this.sim.now, n, RESPONSE, slot);
      this.counters.offered(pkt, this.sim.now);
      this.reverse.accept(pkt, from);
    }
  }
}
