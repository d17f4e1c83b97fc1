import { describe, expect, it } from 'vitest';
import { moderator } from '../src/model/moderation.js';

// Interrupt moderation, branch by branch, with the numbers of the ixgbe driver's rules worked
// out by hand (docs/references.md [I3], [I4]; the whole-path effects are in mechanisms.test.ts).

describe('which moderator', () => {
  it('none when the notification is not moderated or the fixed rate is zero; a fixed rate is a fixed gap', () => {
    for (const m of [
      moderator({ kind: 'fixed', perSec: 0 }, true, 10),
      moderator({ kind: 'adaptive', algorithm: 'ixgbe-current' }, false, 10),
    ]) {
      expect([m.gapNs, m.rate]).toEqual([0, Infinity]);
      m.onInterrupt(100, 1e5);
      m.onPollDone(1e6, 100, 1e5);
      expect(m.gapNs).toBe(0);
    }
    const fixed = moderator({ kind: 'fixed', perSec: 20_000 }, true, 10);
    expect([fixed.gapNs, fixed.rate]).toEqual([50_000, 20_000]);
    fixed.onInterrupt(1000, 1e6);
    fixed.onPollDone(1e6, 1000, 1e6);
    expect(fixed.gapNs).toBe(50_000);
  });
});

describe('ixgbe early classes ([I3])', () => {
  const smooth = (target: number, rate: number) => (10 * target * rate) / (9 * target + rate);

  it('low latency stays at 20 B/us and moves to bulk just above; an interrupt with no packets changes nothing', () => {
    const m = moderator({ kind: 'adaptive', algorithm: 'ixgbe-classes' }, true, 10);
    expect([m.rate, m.gapNs]).toEqual([20_000, 50_000]);
    m.onInterrupt(0, 5000);
    expect(m.rate).toBe(20_000);
    // 50 us since the last interrupt at 20,000/s: 1000 B is 20 B/us, not above 20.
    m.onInterrupt(1, 1000);
    expect(m.rate).toBe(20_000);
    m.onInterrupt(1, 1001);
    expect(m.rate).toBeCloseTo(smooth(8000, 20_000), 9);
    expect(m.gapNs).toBeCloseTo(1e9 / smooth(8000, 20_000), 6);
  });

  it('low latency drops to lowest latency at 10 B/us or less; bulk comes back to low latency at 20 B/us or less', () => {
    const m = moderator({ kind: 'adaptive', algorithm: 'ixgbe-classes' }, true, 10);
    m.onInterrupt(1, 500);
    const r1 = smooth(100_000, 20_000);
    expect(m.rate).toBeCloseTo(r1, 9);
    // Lowest latency: stays there at 10 B/us or less, back to low latency above.
    m.onInterrupt(1, 1);
    const r2 = smooth(100_000, r1);
    expect(m.rate).toBeCloseTo(r2, 9);
    // Exactly 10 B/us is not above 10: still lowest latency.
    expect(((1e6 / r2) * 10) / (1e6 / r2)).toBe(10);
    m.onInterrupt(1, (1e6 / r2) * 10);
    const r2b = smooth(100_000, r2);
    expect(m.rate).toBeCloseTo(r2b, 9);
    m.onInterrupt(1, (1e6 / r2b) * 10.5);
    const r3 = smooth(20_000, r2b);
    expect(m.rate).toBeCloseTo(r3, 9);

    const b = moderator({ kind: 'adaptive', algorithm: 'ixgbe-classes' }, true, 10);
    b.onInterrupt(1, 5000); // 100 B/us: bulk
    const s1 = smooth(8000, 20_000);
    b.onInterrupt(1, (1e6 / s1) * 25); // still bulk
    const s2 = smooth(8000, s1);
    expect(b.rate).toBeCloseTo(s2, 9);
    // Exactly 20 B/us is not above 20: back to low latency.
    expect(((1e6 / s2) * 20) / (1e6 / s2)).toBe(20);
    b.onInterrupt(1, (1e6 / s2) * 20);
    expect(b.rate).toBeCloseTo(smooth(20_000, s2), 9);
  });
});

describe('ixgbe current ([I4])', () => {
  /** A moderator whose last evaluation was at t = 0 (delay 10 us), at `gbps`. */
  const fresh = (gbps = 10) => {
    const m = moderator({ kind: 'adaptive', algorithm: 'ixgbe-current' }, true, gbps);
    expect([m.gapNs, m.rate]).toEqual([10_000, 100_000]);
    m.onPollDone(0, 0, 0);
    expect(m.gapNs).toBe(10_000);
    return m;
  };
  /** The delay (us) after one evaluation of `p` packets of `size` bytes, 1 ms after the last. */
  const after = (p: number, size: number, gbps = 10) => {
    const m = fresh(gbps);
    m.onPollDone(1e6, p, p * size);
    expect(m.rate).toBeCloseTo(1e6 / (m.gapNs / 1000), 9);
    return m.gapNs / 1000;
  };

  it('256 packets or more: sized by the mean frame, 2 x ceil(v / 512) us at 10 Gbit/s', () => {
    // v = 5120 up to 60 B, 40 s + 2720 to 316 B, 15 s + 11452 to 1084 B, 5 s + 22420 below 1968 B, else 32256.
    expect(after(300, 30)).toBe(2 * Math.ceil(5120 / 512));
    expect(after(300, 60)).toBe(2 * Math.ceil(5120 / 512));
    expect(after(300, 61)).toBe(2 * Math.ceil((40 * 61 + 2720) / 512));
    expect(after(256, 316)).toBe(2 * Math.ceil((40 * 316 + 2720) / 512));
    expect(after(300, 317)).toBe(2 * Math.ceil((15 * 317 + 11452) / 512));
    expect(after(300, 1500)).toBe(2 * Math.ceil((5 * 1500 + 22420) / 512));
    expect(after(300, 9000)).toBe(126);
  });

  it('below 10 Gbit/s: 2 x ceil(min(v, 8064) / 128) us, at most 126', () => {
    expect(after(300, 100, 1)).toBe(2 * Math.ceil((40 * 100 + 2720) / 128));
    expect(after(300, 1000, 1)).toBe(126);
    expect(after(300, 100, 9.99)).toBe(106);
    expect(after(300, 100, 10)).toBe(28);
  });

  it('fewer than 4 packets and 9000 bytes: the size rule halved (latency); otherwise by packet count', () => {
    expect(after(2, 1000)).toBe(2 * Math.ceil((15 * 1000 + 11452) / 2 / 512));
    expect(after(3, 2999)).toBe(2 * Math.ceil(32256 / 2 / 512));
    // 3 packets of 3000 B = 9000 B: not under 9000, so +2 us as for 4-47 packets.
    expect(after(3, 3000)).toBe(12);
    expect(after(4, 100)).toBe(12);
    expect(after(47, 100)).toBe(12);
    expect(after(0, 0)).toBe(12);
    // 48-95: unchanged; 96-255: halved (in even us, at least 10).
    expect(after(48, 100)).toBe(10);
    expect(after(95, 100)).toBe(10);
    const m = fresh();
    for (let t = 1; t <= 20; t++) m.onPollDone(t * 1e5, 20, 2000);
    expect(m.gapNs).toBe(50_000);
    m.onPollDone(2.05e6, 60, 6000);
    expect(m.gapNs).toBe(50_000);
    m.onPollDone(2.1e6, 96, 9600);
    expect(m.gapNs).toBe(24_000);
    m.onPollDone(2.2e6, 255, 25_500);
    expect(m.gapNs).toBe(12_000);
    m.onPollDone(2.3e6, 200, 20_000);
    expect(m.gapNs).toBe(10_000);
  });

  it('at most 126 us when growing; back to 10 us after two jiffies (8 ms) without an evaluation', () => {
    const m = fresh();
    for (let t = 1; t <= 100; t++) m.onPollDone(t * 1e5, 10, 1000);
    expect(m.gapNs).toBe(126_000);
    m.onPollDone(10.05e6, 0, 0);
    expect(m.gapNs).toBe(126_000);
    m.onPollDone(10.05e6 + 8e6, 300, 300 * 1500);
    expect(m.gapNs).toBe(10_000);
    // Just under two jiffies: evaluated.
    const n = fresh();
    n.onPollDone(8e6 - 1, 300, 300 * 1500);
    expect(n.gapNs / 1000).toBe(2 * Math.ceil((5 * 1500 + 22420) / 512));
  });
});
