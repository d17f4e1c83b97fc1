import { build, type Histogram } from 'hdr-histogram-js';

/**
 * Streaming latency statistics: exact count, mean and max, and percentiles from an HDR
 * histogram (3 significant digits), so memory stays flat however many packets are recorded.
 */
export class LatencyStats {
  private hist: Histogram = build({ numberOfSignificantValueDigits: 3, useWebAssembly: false });
  count = 0;
  sum = 0;
  max = 0;

  /** Records one latency in ns. */
  record(ns: number): void {
    this.count++;
    this.sum += ns;
    if (ns > this.max) this.max = ns;
    // The histogram holds integers; sub-ns precision does not matter for percentiles.
    this.hist.recordValue(Math.max(1, Math.round(ns)));
  }

  get mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  /** The value (ns) at percentile `p` (0-100); NaN when nothing was recorded. */
  percentile(p: number): number {
    return this.count === 0 ? NaN : this.hist.getValueAtPercentile(p);
  }

  reset(): void {
    this.hist.reset();
    this.count = 0;
    this.sum = 0;
    this.max = 0;
  }
}
