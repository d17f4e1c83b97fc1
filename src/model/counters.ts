import { LatencyStats } from '../stats/latency.js';
import { tcpPayloadBytes } from './config.js';
import type { PacketTable } from './packets.js';

/**
 * What a run counts. Counters named `total*` cover the whole run (they prove conservation);
 * the others cover only the measurement window, which opens when warm-up ends.
 */
export class Counters {
  measuring = false;
  windowStart = 0;

  totalOffered = 0;
  totalDelivered = 0;
  totalDropped = 0;

  offeredPackets = 0;
  offeredBytes = 0;
  deliveredPackets = 0;
  deliveredBytes = 0;
  /** TCP payload bytes in the delivered frames (see tcpPayloadBytes). */
  deliveredPayloadBytes = 0;
  /** Bytes of frames that finished crossing the wire. */
  wireFrames = 0;
  wireBytes = 0;
  /** Time the wire spent sending in the window, frames in flight at its edges counted pro rata. */
  wireBusyNs = 0;
  readonly latency = new LatencyStats();
  readonly vmDeliveredBytes: Float64Array;
  /** Frames dropped per hop index. */
  readonly drops: Float64Array;
  interrupts = 0;
  kicks = 0;
  /** Summed time in system (ns) of the packets that left in the window, delivered or dropped (Little's law). */
  sojournNs = 0;
  departures = 0;

  /** Packets in the system now, and its time integral (packet-ns) over the window, for Little's law. */
  inSystem = 0;
  area = 0;
  private lastChange = 0;

  /** Latency per time bucket over the whole run (sum and count), when asked for. */
  readonly seriesSum: Float64Array;
  readonly seriesCount: Float64Array;
  private readonly bucketNs: number;

  constructor(
    vms: number,
    hops: number,
    private readonly packets: PacketTable,
    series?: { buckets: number; durationNs: number },
  ) {
    this.seriesSum = new Float64Array(series?.buckets ?? 0);
    this.seriesCount = new Float64Array(series?.buckets ?? 0);
    this.bucketNs = series ? series.durationNs / series.buckets : Infinity;
    this.vmDeliveredBytes = new Float64Array(vms);
    this.drops = new Float64Array(hops);
  }

  /** Opens the measurement window at `now`: window counters restart from zero. */
  openWindow(now: number): void {
    this.measuring = true;
    this.windowStart = now;
    this.offeredPackets = this.offeredBytes = 0;
    this.deliveredPackets = this.deliveredBytes = this.deliveredPayloadBytes = 0;
    this.wireFrames = this.wireBytes = this.wireBusyNs = 0;
    this.latency.reset();
    this.vmDeliveredBytes.fill(0);
    this.drops.fill(0);
    this.interrupts = this.kicks = 0;
    this.sojournNs = this.departures = 0;
    this.area = 0;
    this.lastChange = now;
  }

  /** Brings the packet-time integral up to `now`. */
  settle(now: number): void {
    if (this.measuring) this.area += this.inSystem * (now - this.lastChange);
    this.lastChange = now;
  }

  offered(pkt: number, now: number): void {
    this.settle(now);
    this.inSystem++;
    this.totalOffered++;
    if (this.measuring) {
      this.offeredPackets += this.packets.frames[pkt];
      this.offeredBytes += this.packets.bytes[pkt];
    }
  }

  delivered(pkt: number, now: number): void {
    this.settle(now);
    this.inSystem--;
    this.totalDelivered++;
    if (this.seriesSum.length > 0) {
      const b = Math.min(this.seriesSum.length - 1, Math.floor(now / this.bucketNs));
      this.seriesSum[b] += now - this.packets.born[pkt];
      this.seriesCount[b]++;
    }
    if (this.measuring) {
      const bytes = this.packets.bytes[pkt];
      const frames = this.packets.frames[pkt];
      const vm = this.packets.vm[pkt];
      this.deliveredPackets += frames;
      this.deliveredBytes += bytes;
      this.deliveredPayloadBytes += frames * tcpPayloadBytes(bytes / frames);
      this.vmDeliveredBytes[vm] += bytes;
      this.latency.record(now - this.packets.born[pkt]);
      this.sojournNs += now - this.packets.born[pkt];
      this.departures++;
    }
  }

  dropped(pkt: number, hop: number, now: number): void {
    this.settle(now);
    this.inSystem--;
    this.totalDropped++;
    if (this.measuring) {
      this.drops[hop] += this.packets.frames[pkt];
      this.sojournNs += now - this.packets.born[pkt];
      this.departures++;
    }
  }
}
