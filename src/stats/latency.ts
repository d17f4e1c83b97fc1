/**
 * Streaming latency statistics: exact count, mean and max, and percentiles from an HDR
 * histogram with 3 significant digits, so memory stays flat however many packets are
 * recorded.
 *
 * The histogram is HdrHistogram's layout (as hdr-histogram-js builds it with 3 significant
 * digits and lowest discernible value 1: 2048 sub-buckets, buckets doubling), written out
 * here so that recording a value is a count of leading zeros and an increment instead of a
 * logarithm, a power and a division: percentiles are the same numbers the library gives
 * (test/latency.test.ts checks them against it).
 */

/** log2 of half the sub-bucket count: 2 x 10^3 rounded up to a power of two is 2048. */
const HALF_MAGNITUDE = 10;
const HALF = 1 << HALF_MAGNITUDE;
const SUB_BUCKETS = 2 * HALF;

/** The library's bucket of an integer value >= 1 (its getBucketIndex), exact for any value. */
function bucketOf(v: number): number {
  return Math.max(Math.floor(Math.log2(v)) - HALF_MAGNITUDE, 0);
}

/** The counts-array index of an integer value >= 1 (the library's countsArrayIndex). */
function indexOf(v: number): number {
  if (v < 0x80000000) {
    // floor(log2(v)) is 31 - clz32(v) for 1 <= v < 2^31.
    const b = 31 - Math.clz32(v) - HALF_MAGNITUDE;
    if (b <= 0) return v;
    return (b + 1) * HALF + (v >>> b) - HALF;
  }
  const b = bucketOf(v);
  return (b + 1) * HALF + Math.floor(v / 2 ** b) - HALF;
}

/** The lowest value of index `i`'s range (the library's valueFromIndex). */
function valueFromIndex(i: number): number {
  let b = Math.floor(i / HALF) - 1;
  let s = (i % HALF) + HALF;
  if (b < 0) {
    s -= HALF;
    b = 0;
  }
  return s * 2 ** b;
}

/** The library's highestEquivalentValue (for percentile > 0) or lowestEquivalentValue (for 0). */
function reported(value: number, lowest: boolean): number {
  const b = bucketOf(value);
  const s = Math.floor(value / 2 ** b);
  const low = s * 2 ** b;
  if (lowest) return low;
  return low + 2 ** (s >= SUB_BUCKETS ? b + 1 : b) - 1;
}

/** One unit in the last place of x, as the library computes it. */
const ulp = (x: number): number => Math.pow(2, Math.floor(Math.log2(x)) - 52);

export class LatencyStats {
  private counts = new Float64Array(SUB_BUCKETS);
  count = 0;
  sum = 0;
  max = 0;

  /** Records one latency in ns. */
  record(ns: number): void {
    this.count++;
    this.sum += ns;
    if (ns > this.max) this.max = ns;
    // The histogram holds integers; sub-ns precision does not matter for percentiles.
    const i = indexOf(Math.max(1, Math.round(ns)));
    if (i >= this.counts.length) this.grow(i);
    this.counts[i]++;
  }

  get mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  /** The value (ns) at percentile `p` (0-100); NaN when nothing was recorded. */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const fp = (Math.min(p, 100) / 100) * this.count;
    const target = Math.max(Math.ceil(fp - ulp(fp)), 1);
    let total = 0;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      total += counts[i];
      if (total >= target) return reported(valueFromIndex(i), p === 0);
    }
    return 0;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
  }

  private grow(index: number): void {
    let n = this.counts.length;
    while (n <= index) n += HALF;
    const next = new Float64Array(n);
    next.set(this.counts);
    this.counts = next;
  }
}
