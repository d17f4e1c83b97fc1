import type { Moderation } from './config.js';

/**
 * Interrupt moderation of one vector: the least time between two of its interrupts. A
 * fixed throttle rate keeps one gap; the adaptive algorithms of the ixgbe driver move it
 * with the traffic the vector saw (docs/references.md [I3], [I4]), so interrupts under load
 * come at the rate the driver would choose, not at a rate the scenario guessed.
 */
export interface Moderator {
  /** Least ns from the previous interrupt to the next. */
  gapNs: number;
  /** Called at each interrupt with the packets and bytes the vector handled since the previous one. */
  onInterrupt(packets: number, bytes: number): void;
  /** Called when a poll finishes (the consumer re-arms), with the time and what it handled since the previous call. */
  onPollDone(now: number, packets: number, bytes: number): void;
  /** Interrupts/s the current gap allows, for reports. */
  readonly rate: number;
}

const NONE: Moderator = { gapNs: 0, rate: Infinity, onInterrupt() {}, onPollDone() {} };

class Fixed implements Moderator {
  readonly gapNs: number;
  constructor(readonly rate: number) {
    this.gapNs = rate > 0 ? 1e9 / rate : 0;
  }
  onInterrupt(): void {}
  onPollDone(): void {}
}

/** ixgbe's early three-class algorithm ([I3]): lowest latency, low latency, bulk, one step of hysteresis. */
class IxgbeClasses implements Moderator {
  static readonly RATES = [100_000, 20_000, 8_000];
  private cls = 1;
  rate = IxgbeClasses.RATES[1];
  gapNs = 1e9 / this.rate;

  onInterrupt(packets: number, bytes: number): void {
    if (packets === 0) return;
    const perUs = bytes / (1e6 / this.rate);
    if (this.cls === 0) {
      if (perUs > 10) this.cls = 1;
    } else if (this.cls === 1) {
      if (perUs > 20) this.cls = 2;
      else if (perUs <= 10) this.cls = 0;
    } else if (perUs <= 20) this.cls = 1;
    const target = IxgbeClasses.RATES[this.cls];
    // Smoothed in the rate domain: the interval moves a tenth of the way to the target's.
    if (target !== this.rate) this.rate = (10 * target * this.rate) / (9 * target + this.rate);
    this.gapNs = 1e9 / this.rate;
  }

  onPollDone(): void {}
}

/** A jiffy at HZ = 250, the common distribution kernel setting. */
const JIFFY_NS = 4e6;

/**
 * ixgbe's current algorithm ([I4]), evaluated whenever a poll completes: a delay in even
 * microseconds from 10 to 126, moved by the packets since the last evaluation and sized by
 * their average frame; reset to 10 us when two jiffies passed without an evaluation.
 */
class IxgbeCurrent implements Moderator {
  private delayUs = 10;
  private lastUpdate = -Infinity;
  private packets = 0;
  private bytes = 0;
  gapNs = 10e3;
  rate = 1e6 / 10;

  constructor(private readonly lineRateGbps: number) {}

  onInterrupt(): void {}

  onPollDone(now: number, packets: number, bytes: number): void {
    this.packets += packets;
    this.bytes += bytes;
    if (now - this.lastUpdate >= 2 * JIFFY_NS) {
      // Traffic too slow (or polling moderates it): back to low latency.
      this.delayUs = 10;
      this.lastUpdate = now;
      this.packets = this.bytes = 0;
      this.set();
      return;
    }
    const p = this.packets;
    const b = this.bytes;
    this.packets = this.bytes = 0;
    this.lastUpdate = now;
    if (p === 0) this.delayUs = Math.min(126, this.delayUs + 2);
    else if (p < 4 && b < 9000) this.delayUs = this.bySize(b / p, true);
    else if (p < 48) this.delayUs = Math.min(126, this.delayUs + 2);
    else if (p < 96) {
      /* unchanged */
    } else if (p < 256) this.delayUs = Math.max(10, Math.floor(this.delayUs / 2 / 2) * 2);
    else this.delayUs = this.bySize(b / p, false);
    this.set();
  }

  /** The size rule: the delay that lets a socket send buffer's worth of frames of this size arrive between interrupts. */
  private bySize(size: number, latency: boolean): number {
    let v: number;
    if (size <= 60) v = 5120;
    else if (size <= 316) v = 40 * size + 2720;
    else if (size <= 1084) v = 15 * size + 11452;
    else if (size < 1968) v = 5 * size + 22420;
    else v = 32256;
    if (latency) v /= 2;
    if (this.lineRateGbps >= 10) return Math.min(126, 2 * Math.ceil(v / 512));
    return Math.min(126, 2 * Math.ceil(Math.min(v, 8064) / 128));
  }

  private set(): void {
    this.gapNs = this.delayUs * 1e3;
    this.rate = 1e6 / this.delayUs;
  }
}

/** The moderator of one vector: none when the notification is not moderated. */
export function moderator(m: Moderation, moderated: boolean, lineRateGbps: number): Moderator {
  if (!moderated) return NONE;
  if (m.kind === 'fixed') return m.perSec > 0 ? new Fixed(m.perSec) : NONE;
  return m.algorithm === 'ixgbe-classes' ? new IxgbeClasses() : new IxgbeCurrent(lineRateGbps);
}
