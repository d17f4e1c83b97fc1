import { build } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { RngStream } from '../src/engine/rng.js';
import { LatencyStats } from '../src/stats/latency.js';

/** The library the histogram's layout comes from, recording as LatencyStats did before it was written out. */
function reference(values: number[]): (p: number) => number {
  const h = build({ numberOfSignificantValueDigits: 3, useWebAssembly: false });
  for (const v of values) h.recordValue(Math.max(1, Math.round(v)));
  return (p) => h.getValueAtPercentile(p);
}

const PERCENTILES = [0, 0.1, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100];

describe('LatencyStats', () => {
  it('gives the percentiles hdr-histogram-js gives, over many magnitudes', () => {
    const rng = new RngStream(3, 'latency');
    for (const scale of [0.3, 10, 1e3, 9e3, 1e5, 1e7, 3e9, 1e12]) {
      const values = Array.from({ length: 20_000 }, () => rng.exponential(scale));
      const stats = new LatencyStats();
      for (const v of values) stats.record(v);
      const ref = reference(values);
      for (const p of PERCENTILES) expect(stats.percentile(p), `scale ${scale}, p${p}`).toBe(ref(p));
    }
  });

  it('puts the values on either side of every power of two where the library does', () => {
    for (let k = 1; k < 52; k++) {
      const values = [2 ** k - 1, 2 ** k, 2 ** k + 1];
      const stats = new LatencyStats();
      for (const v of values) stats.record(v);
      const ref = reference(values);
      for (const p of [0, 20, 40, 60, 80, 100]) expect(stats.percentile(p), `2^${k}, p${p}`).toBe(ref(p));
    }
  });

  it('keeps count, mean and max exactly, and starts over on reset', () => {
    const stats = new LatencyStats();
    expect(stats.percentile(50)).toBeNaN();
    for (const v of [1.5, 2.5, 1000]) stats.record(v);
    expect(stats.count).toBe(3);
    expect(stats.mean).toBe(1004 / 3);
    expect(stats.max).toBe(1000);
    stats.reset();
    expect(stats.count).toBe(0);
    expect(stats.percentile(99)).toBeNaN();
    stats.record(7);
    expect(stats.percentile(100)).toBe(7);
  });
});
