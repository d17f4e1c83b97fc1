import { LatencyStats } from '../stats/latency.js';
import { tcpPayloadBytes } from './config.js';
import { ACK, KIND_COUNT, type PacketTable } from './packets.js';

/**
 * What a run counts. Counters named `total*` cover the whole run (they prove conservation);
 * the others cover only the measurement window, which opens when warm-up ends. Counts of
 * traffic are in frames (a TSO segment or an aggregate is several); ACKs are counted apart.
 *
 * Besides the outputs, it keeps what the operational laws need to be checked against
 * something other than the cycle accounting itself: per hop, per core and per packet kind
 * the packets, frames and bytes served and the wake-ups and notifications paid for (so
 * utilization can be predicted from declared costs), per hop the frames in and out (flow
 * balance), and per place where frames wait (a ring, a delay, the wire) the time integral
 * of its content (Little's law with N measured where the frames are).
 */
export class Counters {
  /**
   * Hops that count what happened behind the clock (a Wire works out its frames' times on
   * arrival): brought up to the clock before the window opens or is settled.
   */
  readonly deferred: { catchUp(now: number): void }[] = [];
  measuring = false;
  windowStart = 0;

  totalOffered = 0;
  totalDelivered = 0;
  totalDropped = 0;
  totalAcksSent = 0;
  totalAcksReceived = 0;
  totalAcksDropped = 0;

  offeredPackets = 0;
  offeredBytes = 0;
  deliveredPackets = 0;
  deliveredBytes = 0;
  /** TCP payload bytes in the delivered frames (see tcpPayloadBytes). */
  deliveredPayloadBytes = 0;
  /** Frames that finished crossing the wire of the data's direction. */
  wireFrames = 0;
  wireBytes = 0;
  /** Time that wire spent sending in the window, frames in flight at its edges counted pro rata. */
  wireBusyNs = 0;
  readonly latency = new LatencyStats();
  readonly vmDeliveredBytes: Float64Array;
  /** Frames dropped per hop index. */
  readonly drops: Float64Array;
  interrupts = 0;
  kicks = 0;
  acks = 0;
  ackDrops = 0;
  /** Transactions completed in the window, and their latency (request issued to response received). */
  transactions = 0;
  transactionsLost = 0;
  readonly transactionLatency = new LatencyStats();
  /** Summed time in system (ns) of the frames that left in the window, delivered or dropped (Little's law). */
  sojournNs = 0;
  departures = 0;

  /** Frames in the system now, and its time integral (frame-ns) over the window. */
  inSystem = 0;
  area = 0;
  private lastChange = 0;

  /** Per place (a ring, a delay, a wire): frames there now, their time integral over the window, and the last change. */
  readonly placeFrames: Float64Array;
  readonly placeArea: Float64Array;
  private readonly placeLast: Float64Array;
  /** Frames each place held when the window opened. */
  readonly placeAtOpen: Float64Array;

  /** Per hop: frames that entered it and frames that left it (passed on) in the window. */
  readonly hopIn: Float64Array;
  readonly hopOut: Float64Array;

  /**
   * Per (hop, core, kind), flattened as ((hop * cores + core) * KIND_COUNT + kind): packets,
   * ring entries (GRO merges several into one packet) and bytes a consumer of that hop
   * served on that core; per (hop, core): wake-ups
   * it paid batch costs for, and notifications whose producer cost that core paid.
   */
  readonly servedPackets: Float64Array;
  readonly servedEntries: Float64Array;
  readonly servedBytes: Float64Array;
  readonly wakeups: Float64Array;
  readonly notifies: Float64Array;

  /** Latency per time bucket over the whole run (sum and count), when asked for. */
  readonly seriesSum: Float64Array;
  readonly seriesCount: Float64Array;
  private readonly bucketNs: number;

  constructor(
    vms: number,
    readonly hops: number,
    readonly cores: number,
    places: number,
    private readonly packets: PacketTable,
    series?: { buckets: number; durationNs: number },
  ) {
    this.seriesSum = new Float64Array(series?.buckets ?? 0);
    this.seriesCount = new Float64Array(series?.buckets ?? 0);
    this.bucketNs = series ? series.durationNs / series.buckets : Infinity;
    this.vmDeliveredBytes = new Float64Array(vms);
    this.drops = new Float64Array(hops);
    this.hopIn = new Float64Array(hops);
    this.hopOut = new Float64Array(hops);
    this.placeFrames = new Float64Array(places);
    this.placeArea = new Float64Array(places);
    this.placeLast = new Float64Array(places);
    this.placeAtOpen = new Float64Array(places);
    this.servedPackets = new Float64Array(hops * cores * KIND_COUNT);
    this.servedEntries = new Float64Array(hops * cores * KIND_COUNT);
    this.servedBytes = new Float64Array(hops * cores * KIND_COUNT);
    this.wakeups = new Float64Array(hops * cores);
    this.notifies = new Float64Array(hops * cores);
  }

  /** Opens the measurement window at `now`: window counters restart from zero. */
  openWindow(now: number): void {
    for (const d of this.deferred) d.catchUp(now);
    this.measuring = true;
    this.windowStart = now;
    this.offeredPackets = this.offeredBytes = 0;
    this.deliveredPackets = this.deliveredBytes = this.deliveredPayloadBytes = 0;
    this.wireFrames = this.wireBytes = this.wireBusyNs = 0;
    this.latency.reset();
    this.transactionLatency.reset();
    this.transactions = this.transactionsLost = 0;
    this.vmDeliveredBytes.fill(0);
    this.drops.fill(0);
    this.hopIn.fill(0);
    this.hopOut.fill(0);
    this.interrupts = this.kicks = this.acks = this.ackDrops = 0;
    this.sojournNs = this.departures = 0;
    this.area = 0;
    this.lastChange = now;
    this.placeArea.fill(0);
    this.placeLast.fill(now);
    this.placeAtOpen.set(this.placeFrames);
    this.servedPackets.fill(0);
    this.servedEntries.fill(0);
    this.servedBytes.fill(0);
    this.wakeups.fill(0);
    this.notifies.fill(0);
  }

  /** Brings the time integrals up to `now`. */
  settle(now: number): void {
    for (const d of this.deferred) d.catchUp(now);
    if (this.measuring) {
      this.area += this.inSystem * (now - this.lastChange);
      for (let p = 0; p < this.placeFrames.length; p++) {
        this.placeArea[p] += this.placeFrames[p] * (now - this.placeLast[p]);
        this.placeLast[p] = now;
      }
    }
    this.lastChange = now;
  }

  /**
   * `frames` entered (positive) or left (negative) place `p` at `now`. ACKs are not counted in
   * places. The integral is a sum of frames x time, so between two looks at it (the window's
   * edges) the changes of a place may come in any order of `now`.
   */
  place(p: number, frames: number, now: number): void {
    if (this.measuring) this.placeArea[p] += this.placeFrames[p] * (now - this.placeLast[p]);
    this.placeLast[p] = now;
    this.placeFrames[p] += frames;
  }

  private move(now: number, delta: number): void {
    if (this.measuring) this.area += this.inSystem * (now - this.lastChange);
    this.lastChange = now;
    this.inSystem += delta;
  }

  offered(pkt: number, now: number): void {
    const frames = this.packets.frames[pkt];
    this.move(now, frames);
    this.totalOffered += frames;
    if (this.measuring) {
      this.offeredPackets += frames;
      this.offeredBytes += this.packets.bytes[pkt];
    }
  }

  /** A data frame (or request, or response) reached the end of its chain. `payload` counts toward throughput. */
  delivered(pkt: number, now: number, payload: boolean): void {
    const p = this.packets;
    const frames = p.frames[pkt];
    this.move(now, -frames);
    this.totalDelivered += frames;
    if (this.seriesSum.length > 0 && payload) {
      const b = Math.min(this.seriesSum.length - 1, Math.floor(now / this.bucketNs));
      this.seriesSum[b] += now - p.born[pkt];
      this.seriesCount[b]++;
    }
    if (this.measuring) {
      this.sojournNs += frames * now - p.bornTotal[pkt];
      this.departures += frames;
      if (!payload) return;
      const bytes = p.bytes[pkt];
      this.deliveredPackets += frames;
      this.deliveredBytes += bytes;
      this.deliveredPayloadBytes += frames * tcpPayloadBytes(bytes / frames);
      this.vmDeliveredBytes[p.vm[pkt]] += bytes;
      this.latency.record(now - p.born[pkt]);
    }
  }

  dropped(pkt: number, hop: number, now: number): void {
    const p = this.packets;
    if (p.kind[pkt] === ACK) {
      this.totalAcksDropped++;
      if (this.measuring) this.ackDrops++;
      return;
    }
    const frames = p.frames[pkt];
    this.move(now, -frames);
    this.totalDropped += frames;
    if (this.measuring) {
      this.drops[hop] += frames;
      this.sojournNs += frames * now - p.bornTotal[pkt];
      this.departures += frames;
    }
  }

  ackSent(): void {
    this.totalAcksSent++;
    if (this.measuring) this.acks++;
  }

  ackReceived(): void {
    this.totalAcksReceived++;
  }

  transactionLost(): void {
    if (this.measuring) this.transactionsLost++;
  }

  transactionDone(latencyNs: number): void {
    if (!this.measuring) return;
    this.transactions++;
    this.transactionLatency.record(latencyNs);
  }
}
